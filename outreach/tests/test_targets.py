"""Setting targets: one per force, quarter, measure and scope; quarters that do not exist are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from outreach import services
from outreach.models import Target
from outreach.tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

NEW = reverse("outreach:target_new")
LIST = reverse("outreach:target_list")


def _data(force, **overrides) -> dict:
    data = {
        "force": force.pk,
        "financial_year": "2026",
        "quarter": "2",
        "measure": "events",
        "scope": "national",
        "value": "12",
    }
    data.update(overrides)
    return data


def test_admin_support_sets_a_target(personas, client_for, force_a):
    response = client_for(personas["admin_support"]).post(NEW, _data(force_a))

    target = Target.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?year=2026"
    assert (target.force, target.period_label, target.measure, target.value) == (force_a, "2026/27 Q2", "events", 12)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quarter": "5"}, "quarter", "There is no quarter 5: a financial year has quarters 1 to 4."),
        ({"quarter": "0"}, "quarter", "There is no quarter 0: a financial year has quarters 1 to 4."),
        ({"quarter": "Q1"}, "quarter", "Choose a quarter from Q1 to Q4."),
        ({"financial_year": "1999"}, "financial_year", "1999 is out of range: enter a financial year from 2000"),
        ({"financial_year": "2100"}, "financial_year", "2100 is out of range"),
        ({"financial_year": "26/27"}, "financial_year", "Enter the year as four digits, e.g. 2026 for 2026/27."),
        ({"value": "-1"}, "value", "A target cannot be negative: enter 0 or more."),
    ],
)
def test_a_target_for_a_quarter_that_does_not_exist_is_refused_at_the_field(
    personas, client_for, force_a, overrides, field, message
):
    response = client_for(personas["sergeant"]).post(NEW, _data(force_a, **overrides))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert b"There is a problem" in response.content
    assert response.context["form"][field].value() == next(iter(overrides.values()))  # input kept
    assert Target.objects.count() == 0


def test_a_second_target_for_the_same_slot_is_refused_with_a_clear_message(personas, client_for, force_a):
    TargetFactory(force=force_a, financial_year=2026, quarter=2, measure="events", scope="national", value=5)

    response = client_for(personas["admin_support"]).post(NEW, _data(force_a))

    assert "already has a target for that measure, scope and quarter" in str(response.context["form"].errors)
    assert Target.objects.get().value == 5


def test_the_service_refuses_a_quarter_that_does_not_exist_without_the_form(force_a):
    fields = {"force": force_a, "financial_year": 2026, "quarter": 5, "measure": "events", "scope": "local", "value": 3}

    with pytest.raises(ValidationError) as refused:
        services.target_create(fields=fields)

    assert refused.value.message_dict == {"quarter": ["There is no quarter 5: a financial year has quarters 1 to 4."]}
    assert Target.objects.count() == 0


def test_the_database_refuses_quarter_5_too(force_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(force=force_a, financial_year=2026, quarter=5, measure="events", value=1)


def test_the_target_list_shows_the_year_asked_for_in_the_users_forces_only(personas, client_for, force_a, force_b):
    ours = TargetFactory(force=force_a, financial_year=2026, quarter=1)
    TargetFactory(force=force_a, financial_year=2025, quarter=1)
    TargetFactory(force=force_b, financial_year=2026, quarter=1)

    response = client_for(personas["sergeant"]).get(LIST, {"year": 2026})

    assert list(response.context["targets"]) == [ours]
    assert "Targets, 2026/27" in response.content.decode()


def test_a_target_is_edited_with_a_version_check(personas, client_for, force_a):
    target = TargetFactory(force=force_a, financial_year=2026, quarter=1, value=10)
    url = reverse("outreach:target_edit", args=[target.pk])
    client = client_for(personas["admin_support"])
    data = _data(force_a, quarter="1", value="14", version="1")

    saved = client.post(url, data)
    stale = client.post(url, {**data, "value": "99"})

    target.refresh_from_db()
    assert saved.status_code == 302
    assert (target.value, target.version) == (14, 2)
    assert "Someone else saved this record" in stale.content.decode()
    assert stale.context["form"]["value"].value() == "99"


def test_another_forces_target_is_not_found(personas, client_for, force_b):
    target = TargetFactory(force=force_b)

    assert client_for(personas["sergeant"]).get(reverse("outreach:target_edit", args=[target.pk])).status_code == 404
