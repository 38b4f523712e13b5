"""Referring a case to a partner's pathway, and the referral summary: the minimum, read back from the PDF."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent, Operation
from interventions.models import Intervention, InterventionStatus
from interventions.tests.factories import InterventionFactory
from partners import pdf
from partners.models import PartnerStatus
from partners.services import pathway_refer
from subjects.models import CaseStatus, age_on
from subjects.tests.factories import CaseFactory

from .factories import PartnerFactory, PathwayFactory, intervention_type, partner_in, referral_of

pytestmark = pytest.mark.django_db

PASSWD_LINE = "root:x:0:0"


def _refer_url(case) -> str:
    return reverse("partners:pathway_refer", args=[case.pk])


def _summary_url(intervention) -> str:
    return reverse("partners:referral_summary", args=[intervention.pk])


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def pathway(partner_a):
    return PathwayFactory(
        partner=partner_a,
        name="Oakfield coding club",
        description="A weekly club after school building games in Python.",
        age_min=11,
        age_max=16,
    )


# ------------------------------------------------------------------------------
# Choosing a pathway
# ------------------------------------------------------------------------------
def test_only_running_pathways_in_the_cases_force_that_fit_the_age_are_offered(
    personas, client_for, case, pathway, partner_a, force_a, force_b
):
    today = timezone.localdate()
    PathwayFactory(partner=partner_a, name="Too old for them", age_min=18, age_max=25)
    PathwayFactory(partner=partner_a, name="Ended", active_to=today - timedelta(days=1))
    PathwayFactory(partner=partner_in(force_a, status=PartnerStatus.PROSPECT), name="Prospect partner")
    both = PartnerFactory(forces=[force_a, force_b])
    PathwayFactory(partner=both, name="Other force only", forces=[force_b])
    PathwayFactory(partner=both, name="Both forces", forces=[force_a, force_b])

    response = client_for(personas["officer_a"]).get(_refer_url(case))

    offered = [p.name for p in response.context["form"].fields["pathway"].queryset]
    assert offered == ["Oakfield coding club", "Both forces"]  # by type, then partner (Oakfield, Synthetic)


def test_referring_plans_an_intervention_through_the_pathway_delivered_by_the_partner(
    personas, client_for, case, pathway
):
    response = client_for(personas["officer_a"]).post(
        _refer_url(case), {"pathway": pathway.pk, "planned_start": "", "notes": "Keen on game design."}
    )

    intervention = Intervention.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == _summary_url(intervention)
    assert (intervention.pathway, intervention.type, intervention.delivered_by) == (
        pathway,
        pathway.intervention_type,
        "Oakfield Academy",
    )
    assert intervention.status == InterventionStatus.PLANNED
    assert intervention.status_changes.count() == 1
    assert AccessEvent.objects.filter(
        operation=Operation.COLLECTION, object_type="intervention", object_id=intervention.pk
    ).exists()


def test_a_pathway_that_does_not_fit_is_refused_at_the_field_and_nothing_is_saved(
    personas, client_for, case, partner_a
):
    too_old = PathwayFactory(partner=partner_a, age_min=18, age_max=25)

    response = client_for(personas["officer_a"]).post(_refer_url(case), {"pathway": too_old.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["pathway"] == [
        "Choose one of the pathways listed: that one is not open to this person."
    ]
    assert not Intervention.objects.exists()


def test_the_service_refuses_a_pathway_outside_the_age_range_even_if_posted_directly(case, partner_a, officer):
    too_old = PathwayFactory(partner=partner_a, name="Adults", age_min=18, age_max=25)

    with pytest.raises(ValidationError) as refused:
        pathway_refer(case=case, pathway=too_old, by=officer, fields={})

    age = age_on(case.subject.date_of_birth, timezone.localdate())
    assert refused.value.message_dict["pathway"] == [f"“Adults” is for ages 18\N{EN DASH}25; the subject is {age}."]
    assert not Intervention.objects.exists()


def test_a_closed_case_cannot_be_referred(personas, client_for, case, pathway):
    case.status = CaseStatus.CLOSED
    case.save()

    response = client_for(personas["officer_a"]).post(_refer_url(case), {"pathway": pathway.pk})

    assert "Interventions can only be planned on an open case." in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_subject_without_a_date_of_birth_is_told_why_no_pathway_is_offered(personas, client_for, case, pathway):
    case.subject.date_of_birth = None
    case.subject.save()

    response = client_for(personas["officer_a"]).get(_refer_url(case))

    assert "Record the subject's date of birth first" in response.content.decode()


def test_another_forces_case_cannot_be_referred(personas, client_for, force_b):
    case_b = CaseFactory(status=CaseStatus.ACTIVE, subject__force=force_b)

    assert client_for(personas["officer_a"]).get(_refer_url(case_b)).status_code == 404


# ------------------------------------------------------------------------------
# The referral summary
# ------------------------------------------------------------------------------
@pytest.fixture
def referral(personas, case, pathway):
    case.narrative = "Used a booter service against a school network (CMA s.3) during Op Tollgate."
    case.cma_sections = ["s3"]
    case.operation = "Op Tollgate"
    case.save()
    return referral_of(personas["officer_a"], pathway=pathway, case=case)


def test_the_summary_page_previews_what_will_be_shared(personas, client_for, referral):
    response = client_for(personas["officer_a"]).get(_summary_url(referral))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Kai" in body
    assert "Oakfield coding club" in body


def test_the_summary_holds_exactly_the_permitted_fields(personas, client_for, referral, case, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
    officer = personas["officer_a"]
    officer.first_name, officer.last_name, officer.email = "Priya", "Sandhu", "priya.sandhu@example.police.uk"
    officer.save()

    response = client_for(officer).post(_summary_url(referral), {"reason": "Loves building games; needs a club."})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="referral-summary-{referral.pk}.pdf"'
    text = _pdf_text(response.content)
    age = age_on(date(2011, 3, 1), timezone.localdate())
    for present in [
        "Kai",
        f"Age {age}",
        "Oakfield coding club",
        "A weekly club after school building games in Python.",
        "Priya Sandhu",
        "priya.sandhu@example.police.uk",
        "OFFICIAL-SENSITIVE",
        "Loves building games; needs a club.",
    ]:
        assert present in text, present
    for absent in [
        "Pemberton",
        "Whitlock",
        "2011",
        "01/03",
        "booter",
        "Tollgate",
        "CMA",
        "s3",
        case.subject.reference,
        case.reference,
        "Synthetic",
    ]:
        assert absent not in text, absent


def test_the_summary_is_one_page_even_with_the_longest_reason_and_description(personas, client_for, referral):
    referral.pathway.name = "A pathway with a long name " * 7
    referral.pathway.description = ("A weekly club after school building games. " * 20)[:800]
    referral.pathway.save()
    reason = ("\n".join(["Enjoys building things."] * 11) + "\n" + "word " * 200)[:1000]

    response = client_for(personas["officer_a"]).post(_summary_url(referral), {"reason": reason})

    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert "Enjoys building things." in _pdf_text(response.content)


@pytest.mark.parametrize("reason", ["x" * 1001, "line\n" * 13])
def test_a_reason_too_long_for_one_page_is_refused_and_nothing_is_disclosed(reason, personas, client_for, referral):
    response = client_for(personas["officer_a"]).post(_summary_url(referral), {"reason": reason})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_without_a_reason_the_summary_has_no_reason_section(personas, client_for, referral):
    response = client_for(personas["officer_a"]).post(_summary_url(referral), {"reason": "  "})

    assert "Why we are referring them" not in _pdf_text(response.content)


def test_the_reason_is_printed_and_not_stored(personas, client_for, referral):
    client_for(personas["officer_a"]).post(_summary_url(referral), {"reason": "Loves building games."})

    referral.refresh_from_db()
    assert "Loves building games" not in f"{referral.notes} {referral.outcome}"
    assert not AccessEvent.objects.filter(justification__contains="Loves building").exists()


def test_the_download_is_logged_as_a_disclosure_to_the_partner(personas, client_for, referral):
    client_for(personas["officer_a"]).post(_summary_url(referral), {"reason": ""})

    event = AccessEvent.objects.get(operation=Operation.DISCLOSURE)
    assert (event.object_type, event.object_id, event.force) == ("intervention", str(referral.pk), "WM")
    assert event.recipient == "Oakfield Academy"
    assert event.actor == personas["officer_a"]


def test_previewing_the_summary_is_logged_as_a_consultation_not_a_disclosure(personas, client_for, referral):
    client_for(personas["officer_a"]).get(_summary_url(referral))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION)
    assert (event.object_type, event.object_id, event.force) == ("intervention", str(referral.pk), "WM")
    assert event.actor == personas["officer_a"]
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_an_intervention_not_made_through_a_pathway_has_no_summary(personas, client_for, case):
    plain = InterventionFactory(case=case, type=intervention_type())

    assert client_for(personas["officer_a"]).get(_summary_url(plain)).status_code == 404


def test_another_forces_referral_summary_is_not_found_and_not_logged(personas, client_for):
    referral_b = referral_of(personas["officer_b"])

    response = client_for(personas["officer_a"]).post(_summary_url(referral_b), {"reason": ""})

    assert response.status_code == 404
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


# ------------------------------------------------------------------------------
# Nothing is fetched while rendering
# ------------------------------------------------------------------------------
def test_markup_in_the_narrative_or_the_reason_fetches_nothing(personas, client_for, referral, case, mocker):
    case.narrative = '<img src="file:///etc/passwd"> and <link rel="stylesheet" href="http://example.com/x.css">'
    case.save()
    fetch = mocker.spy(pdf.RefuseAllFetcher, "fetch")

    response = client_for(personas["officer_a"]).post(
        _summary_url(referral), {"reason": '<img src="file:///etc/passwd">'}
    )

    assert fetch.call_count == 0
    text = _pdf_text(response.content)
    assert PASSWD_LINE not in text
    assert '<img src="file:///etc/passwd">' in text  # the officer's words, printed as typed


def test_the_renderer_refuses_every_url_it_is_asked_for(mocker):
    fetch = mocker.spy(pdf.RefuseAllFetcher, "fetch")
    html = (
        '<p>Hello</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )

    content = pdf.pdf_render(html)

    assert {call.args[1] for call in fetch.call_args_list} == {"file:///etc/passwd", "http://127.0.0.1:9/x.png"}
    assert isinstance(fetch.spy_exception, pdf.FetchRefused)
    assert PASSWD_LINE not in _pdf_text(content)
    assert "Hello" in _pdf_text(content)
