"""The team page: supervisors see colleagues of their own forces, at a fixed query cost."""

import pytest
from django.urls import reverse

from accounts.models import Force, Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sergeant(force_a):
    return UserFactory(role=Role.SERGEANT, home_force=force_a)


def test_it_lists_colleagues_of_the_sergeants_forces_only(client_for, sergeant, force_a, force_b):
    mine = UserFactory(home_force=force_a, last_name="Mine")
    theirs = UserFactory(home_force=force_b, last_name="Theirs")

    html = client_for(sergeant).get(reverse("accounts:team")).content.decode()

    assert str(mine) in html
    assert str(theirs) not in html


@pytest.mark.parametrize("rows", [5, 50])
def test_the_team_page_costs_the_same_queries_for_5_and_50_colleagues(
    client_for, sergeant, force_a, rows, django_assert_num_queries
):
    UserFactory.create_batch(rows, home_force=force_a)
    client = client_for(sergeant)
    client.get("/")  # the first request of a session starts its idle clock (a session write)

    # session, user, OTP device, the sergeant's forces, the team, their forces (prefetch)
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:team"))

    assert response.status_code == 200


def test_a_colleague_of_another_force_is_not_found(client_for, sergeant, force_b):
    other = UserFactory(home_force=force_b)

    assert client_for(sergeant).get(reverse("accounts:user_detail", args=[other.pk])).status_code == 404


def test_an_inactive_force_grants_nothing(client_for, force_a):
    inspector = UserFactory(role=Role.INSPECTOR, home_force=force_a, forces=list(Force.objects.all()))
    colleague = UserFactory(home_force=force_a)
    Force.objects.filter(pk=force_a.pk).update(active=False)

    assert client_for(inspector).get(reverse("accounts:user_detail", args=[colleague.pk])).status_code == 404
