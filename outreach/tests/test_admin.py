"""Reference data in the admin: products are retired, never deleted."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_system_admin_lists_products_and_campaigns_but_cannot_delete_a_product(personas, client_for, products):
    client = client_for(personas["sysadmin"])

    listing = client.get(reverse("admin:outreach_product_changelist"))
    delete = client.get(reverse("admin:outreach_product_delete", args=[products["cisp"].pk]))
    campaigns = client.get(reverse("admin:outreach_campaign_changelist"))

    assert listing.status_code == 200
    assert "Police CyberAlarm" in listing.content.decode()
    assert delete.status_code == 403
    assert campaigns.status_code == 200
