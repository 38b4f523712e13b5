"""Logging, planning, delivering, cancelling and editing events."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import EventStatus, OutreachEvent, OutreachEventStatusChange
from outreach.tests.factories import CampaignFactory, OutreachEventFactory

pytestmark = pytest.mark.django_db

LOG = reverse("outreach:event_log")
PLAN = reverse("outreach:event_plan")


def _event_data(force, **overrides) -> dict:
    data = {
        "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "force": force.pk,
        "strand": "protect",
        "event_type": "presentation",
        "audience": "business",
        "sector": "Manufacturing",
        "host_organisation": "Brindley Precision Engineering",
        "co_delivering_partners": "",
        "attendees": "35",
        "sign_ups": "6",
        "feedback_score": "4",
        "survey_code": "TCP-BUS-2611",
        "campaign": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def _transition_url(event) -> str:
    return reverse("outreach:event_transition", args=[event.pk])


# ------------------------------------------------------------------------------
# Logging a delivered event
# ------------------------------------------------------------------------------
def test_it_logs_a_delivered_event_with_the_products_promoted(personas, client_for, force_a, products):
    officer = personas["officer_a"]
    promoted = [products["police_cyberalarm"].pk, products["report_fraud"].pk]

    response = client_for(officer).post(LOG, _event_data(force_a, products=promoted, presenters=[officer.pk]))

    event = OutreachEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:event_detail", args=[event.pk])
    assert event.status == EventStatus.DELIVERED
    assert (event.attendees, event.sign_ups, event.feedback_score) == (35, 6, 4)
    assert {p.code for p in event.products.all()} == {"police_cyberalarm", "report_fraud"}
    assert list(event.presenters.all()) == [officer]
    assert event.created_by == officer
    assert event.status_changes.get().to_status == EventStatus.DELIVERED


def test_it_refuses_negative_attendees_with_a_message_at_the_field_and_saves_nothing(personas, client_for, force_a):
    response = client_for(personas["officer_a"]).post(LOG, _event_data(force_a, attendees="-3"))

    assert response.status_code == 200
    assert OutreachEvent.objects.count() == 0
    assert response.context["form"].errors["attendees"] == ["Attendees cannot be negative: enter 0 or more."]
    assert b"There is a problem" in response.content
    assert b'value="Brindley Precision Engineering"' in response.content  # what was typed is kept
    assert b'value="-3"' in response.content


def test_it_refuses_a_delivered_event_dated_in_the_future_and_saves_nothing(personas, client_for, force_a):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_for(personas["officer_a"]).post(LOG, _event_data(force_a, date=tomorrow))

    assert OutreachEvent.objects.count() == 0
    assert "cannot be dated in the future" in response.context["form"].errors["date"][0]
    assert f'value="{tomorrow}"'.encode() in response.content


def test_the_service_refuses_a_delivered_event_in_the_future_even_without_the_form(personas, force_a):
    fields = {
        "date": timezone.localdate() + timedelta(days=3),
        "force": force_a,
        "event_type": "webinar",
        "audience": "charity",
    }

    with pytest.raises(ValidationError) as refused:
        services.event_log_delivered(by=personas["officer_a"], fields=fields)

    assert "date" in refused.value.message_dict
    assert OutreachEvent.objects.count() == 0
    assert OutreachEventStatusChange.objects.count() == 0


def test_it_refuses_a_force_the_officer_cannot_see(personas, client_for, force_b):
    response = client_for(personas["officer_a"]).post(LOG, _event_data(force_b))

    assert "force" in response.context["form"].errors
    assert OutreachEvent.objects.count() == 0


def test_it_offers_the_officers_home_force_and_themselves_as_presenter(personas, client_for, force_a):
    officer = personas["officer_a"]

    form = client_for(officer).get(LOG).context["form"]

    assert form.initial["force"] == force_a.pk
    assert form.initial["presenters"] == [officer.pk]


# ------------------------------------------------------------------------------
# Planning, delivering, cancelling
# ------------------------------------------------------------------------------
def test_it_plans_an_event_without_figures(personas, client_for, force_a):
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = _event_data(force_a, date=next_week, attendees="", sign_ups="", feedback_score="")

    response = client_for(personas["sergeant"]).post(PLAN, data)

    event = OutreachEvent.objects.get()
    assert response.status_code == 302
    assert (event.status, event.attendees, event.sign_ups) == (EventStatus.PLANNED, 0, 0)


def test_it_refuses_to_plan_an_event_in_the_past(personas, client_for, force_a):
    response = client_for(personas["officer_a"]).post(PLAN, _event_data(force_a))

    assert "cannot be in the past" in response.context["form"].errors["date"][0]
    assert OutreachEvent.objects.count() == 0


def test_it_marks_a_planned_event_delivered_with_its_figures(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED, attendees=0, sign_ups=0)
    officer = personas["officer_a"]

    response = client_for(officer).post(
        _transition_url(event), {"to_status": "delivered", "attendees": "41", "sign_ups": "9", "feedback_score": "5"}
    )

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.status, event.attendees, event.sign_ups, event.feedback_score) == ("delivered", 41, 9, 5)
    assert event.version == 2
    change = event.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == ("planned", "delivered", officer)


def test_it_refuses_to_deliver_an_event_dated_in_the_future_with_a_clear_message(personas, client_for, force_a):
    day = timezone.localdate() + timedelta(days=2)
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED, date=day, attendees=0)

    response = client_for(personas["officer_a"]).post(
        _transition_url(event), {"to_status": "delivered", "attendees": "41", "sign_ups": "0"}
    )

    event.refresh_from_db()
    assert response.status_code == 400
    assert f"This event is dated {day:%-d %B %Y}, in the future" in response.content.decode()
    assert (event.status, event.attendees, event.version) == ("planned", 0, 1)
    assert not event.status_changes.exists()


def test_it_refuses_negative_attendees_when_delivering(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED, attendees=0)

    response = client_for(personas["officer_a"]).post(
        _transition_url(event), {"to_status": "delivered", "attendees": "-1", "sign_ups": "0"}
    )

    event.refresh_from_db()
    assert response.status_code == 400
    assert "Attendees cannot be negative" in response.content.decode()
    assert event.status == EventStatus.PLANNED


def test_it_cancels_a_planned_event_only_with_a_reason(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED, attendees=0)
    client = client_for(personas["officer_a"])

    refused = client.post(_transition_url(event), {"to_status": "cancelled", "reason": " "})
    accepted = client.post(_transition_url(event), {"to_status": "cancelled", "reason": "Venue flooded"})

    event.refresh_from_db()
    assert "Say why the event was cancelled." in refused.content.decode()
    assert accepted.status_code == 302
    assert event.status == EventStatus.CANCELLED
    assert event.status_changes.get().reason == "Venue flooded"


@pytest.mark.parametrize("to_status", [EventStatus.DELIVERED, EventStatus.CANCELLED, EventStatus.PLANNED])
def test_a_delivered_event_moves_nowhere(personas, to_status):
    event = OutreachEventFactory(status=EventStatus.DELIVERED)

    with pytest.raises(ValidationError, match="An event that is delivered cannot become"):
        services.event_transition(event=event, by=personas["officer_a"], to_status=to_status, reason="x")


def test_an_unknown_move_is_refused_politely(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED)

    response = client_for(personas["officer_a"]).post(_transition_url(event), {"to_status": "planned"}, follow=True)

    assert "Choose whether the event was delivered or cancelled." in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED


# ------------------------------------------------------------------------------
# Editing
# ------------------------------------------------------------------------------
def _edit_data(event, **overrides) -> dict:
    data = _event_data(
        event.force,
        date=event.date.isoformat(),
        host_organisation=event.host_organisation,
        attendees=str(event.attendees),
        sign_ups=str(event.sign_ups),
        version=str(event.version),
    )
    data.update(overrides)
    return data


def test_it_saves_an_edit_and_counts_the_version(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a)

    response = client_for(personas["officer_a"]).post(
        reverse("outreach:event_edit", args=[event.pk]), _edit_data(event, attendees="50")
    )

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.attendees, event.version) == (50, 2)


def test_a_second_editor_sees_a_conflict_and_keeps_their_input(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, host_organisation="Original Ltd")
    stale = _edit_data(event, host_organisation="Mine Ltd", attendees="77")
    services.event_update(
        event=event, by=personas["sergeant"], expected_version=1, changes={"host_organisation": "Theirs Ltd"}
    )

    response = client_for(personas["officer_a"]).post(reverse("outreach:event_edit", args=[event.pk]), stale)

    event.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it" in body
    assert 'value="Mine Ltd"' in body  # the second editor's input, kept
    assert 'value="77"' in body
    assert "Theirs Ltd" in body  # and what the other person saved, to compare
    assert (event.host_organisation, event.attendees, event.version) == ("Theirs Ltd", 20, 2)
    assert response.context["form"]["version"].value() == "2"  # saving again is a deliberate overwrite


def test_editing_a_delivered_event_into_the_future_is_refused(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_for(personas["officer_a"]).post(
        reverse("outreach:event_edit", args=[event.pk]), _edit_data(event, date=tomorrow)
    )

    event.refresh_from_db()
    assert "cannot be dated in the future" in response.context["form"].errors["date"][0]
    assert event.version == 1


def test_a_campaign_can_be_attached(personas, client_for, force_a):
    campaign = CampaignFactory(name="Winter scams")

    client_for(personas["officer_a"]).post(LOG, _event_data(force_a, campaign=campaign.pk))

    assert OutreachEvent.objects.get().campaign == campaign


# ------------------------------------------------------------------------------
# Retiring a product
# ------------------------------------------------------------------------------
def test_retiring_a_product_keeps_it_on_old_events_and_hides_it_for_new_ones(personas, client_for, force_a, products):
    cisp = products["cisp"]
    old = OutreachEventFactory(force=force_a, products=[cisp, products["cyber_essentials"]])
    cisp.active = False
    cisp.save()
    client = client_for(personas["officer_a"])

    detail = client.get(reverse("outreach:event_detail", args=[old.pk])).content.decode()
    new_form = client.get(LOG).context["form"]
    edit_form = client.get(reverse("outreach:event_edit", args=[old.pk])).context["form"]
    refused = client.post(LOG, _event_data(force_a, products=[cisp.pk]))
    client.post(
        reverse("outreach:event_edit", args=[old.pk]),
        _edit_data(old, products=[cisp.pk, products["cyber_essentials"].pk], attendees="21"),
    )

    assert "CiSP (retired)" in detail
    assert cisp not in new_form.fields["products"].queryset
    assert cisp in edit_form.fields["products"].queryset
    assert "products" in refused.context["form"].errors
    old.refresh_from_db()
    assert old.attendees == 21
    assert set(old.products.values_list("code", flat=True)) == {"cisp", "cyber_essentials"}
    assert OutreachEvent.objects.count() == 1


def test_action_fraud_is_seeded_as_a_retired_legacy_value(products):
    assert products["action_fraud"].active is False
    assert products["report_fraud"].active is True
    assert len(products) == 8


def test_the_plan_form_asks_for_no_figures(personas, client_for):
    form = client_for(personas["officer_a"]).get(PLAN).context["form"]

    assert {"attendees", "sign_ups", "feedback_score"}.isdisjoint(form.fields)
