"""Every page that shows a person writes a consultation event (DPA 2018 s.62).

One synthetic subject with a distinctive name has everything a caseworker's
pages can show (a case, an engagement, an intervention through a partner's
pathway, disposals, a follow-up, a review, a context, a contact, an
attachment). Each URL of the access policy is fetched as an officer and as a
sergeant, plain and as an htmx request: a response that shows the subject's
name must have written a consultation event during that request.
"""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from audit.models import AccessEvent, Operation
from config.access_policy import POLICY
from followups.tests.factories import FollowUpFactory
from interventions.models import DisposalStatus
from interventions.tests.factories import DisposalFactory, SupervisoryReviewFactory
from partners.tests.factories import PartnerInteractionFactory, referral_of
from subjects.models import CaseStatus
from subjects.tests.factories import (
    AssociationFactory,
    AttachmentFactory,
    CaseFactory,
    ContactFactory,
    EngagementFactory,
    OnlineIdentifierFactory,
    SubjectFactory,
)
from tests.test_access_matrix import GUESSES, _reversible_patterns

FIRST_NAME = "Ysolde"
LAST_NAME = "Quarrington-Vex"
CASEWORKER_PERSONAS = ["officer_a", "sergeant"]
# Logged elsewhere than a consultation: a download is a disclosure (it says where the data went).
READ_OPERATIONS = {Operation.CONSULTATION, Operation.DISCLOSURE}


@pytest.fixture
def world(personas):
    """The subject in view (West Midlands, assigned to officer_a) and every row hanging off it."""
    officer, sergeant = personas["officer_a"], personas["sergeant"]
    subject = SubjectFactory(first_name=FIRST_NAME, last_name=LAST_NAME, force=officer.home_force, created_by=officer)
    case = CaseFactory(subject=subject, status=CaseStatus.ACTIVE)
    EngagementFactory(case=case)
    OnlineIdentifierFactory(subject=subject)
    ContactFactory(subject=subject)
    referral = referral_of(officer, case=case)
    PartnerInteractionFactory(partner=referral.pathway.partner)
    return {
        "officer": officer,
        "subject": subject,
        "case": case,
        "context": AssociationFactory(subject=subject).context,
        "attachment": AttachmentFactory(subject=subject),
        "intervention": referral,
        "partner": referral.pathway.partner,
        "draft": DisposalFactory(case=case),
        "submitted": DisposalFactory(case=case, status=DisposalStatus.SUBMITTED),
        "followup": FollowUpFactory(case=case),
        "review": SupervisoryReviewFactory(case=case, reviewer=sergeant),
    }


def _kwargs(world) -> dict[str, dict]:
    subject, case, officer = world["subject"].pk, world["case"].pk, world["officer"].pk
    by_subject = [
        "detail",
        "edit",
        "identifier_add",
        "contact_add",
        "association_add",
        "attachment_add",
        "break_glass",
        "merge",
    ]
    by_case = ["case_detail", "case_edit", "case_transition", "engagement_add"]
    return {
        **{f"subjects:{name}": {"pk": subject} for name in by_subject},
        **{f"subjects:{name}": {"pk": case} for name in by_case},
        "subjects:context_detail": {"pk": world["context"].pk},
        "subjects:attachment_download": {"pk": world["attachment"].pk},
        **{f"interventions:{name}": {"pk": case} for name in ["intervention_add", "disposal_new", "review_new"]},
        "interventions:intervention_detail": {"pk": world["intervention"].pk},
        "interventions:intervention_transition": {"pk": world["intervention"].pk},
        "interventions:disposal_detail": {"pk": world["submitted"].pk},
        "interventions:disposal_edit": {"pk": world["draft"].pk},
        "interventions:disposal_submit": {"pk": world["draft"].pk},
        "interventions:disposal_decide": {"pk": world["submitted"].pk},
        "interventions:caseload_officer": {"pk": officer},
        "followups:handover": {"pk": officer},
        "followups:detail": {"pk": world["followup"].pk},
        "followups:open_case": {"pk": world["followup"].pk},
        "accounts:user_detail": {"pk": officer},
        "partners:pathway_refer": {"pk": case},
        "partners:referral_summary": {"pk": world["intervention"].pk},
        **{
            f"partners:{name}": {"pk": world["partner"].pk}
            for name in ["partner_detail", "partner_edit", "contact_add", "interaction_add", "pathway_add"]
        },
        "partners:pathway_edit": {"pk": world["intervention"].pathway.pk},
    }


def _urls(world) -> list[str]:
    kwargs = _kwargs(world)
    urls = []
    for pattern in _reversible_patterns():
        if pattern.view_name not in POLICY:
            continue  # the admin: no caseworker reaches it (tests/test_access_matrix.py)
        if pattern.view_name in kwargs:
            urls.append(reverse(pattern.view_name, kwargs=kwargs[pattern.view_name]))
        elif "<" not in pattern.route:
            urls.append(reverse(pattern.view_name))
        else:
            urls.append(_guessed(pattern))
    # The list as the dashboard's "All my people" link opens it.
    urls.append(f"{reverse('subjects:list')}?officer={world['officer'].pk}")
    return urls


def _guessed(pattern) -> str:
    """A guessed id, as the access matrix does: such pages (outreach, returns, accounts) show no subject."""
    names = [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern.route)]
    for guess in GUESSES:
        try:
            return reverse(pattern.view_name, kwargs=dict.fromkeys(names, guess))
        except NoReverseMatch:
            continue
    raise AssertionError(f"Add {pattern.view_name} to _kwargs")


def _body(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def _shows_the_subject(response) -> bool:
    page = _body(response)
    return FIRST_NAME in page or LAST_NAME in page


def _read_logged_since(last_id: int, reference: str) -> bool:
    """A read was logged: of one record, or of a list page whose references include the subject's."""
    reads = AccessEvent.objects.filter(id__gt=last_id, operation__in=READ_OPERATIONS)
    return reads.exclude(object_id="").exists() or reads.filter(justification__contains=reference).exists()


def _last_event_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("persona", CASEWORKER_PERSONAS)
def test_it_logs_a_consultation_for_every_page_that_shows_a_person(persona, personas, client_for, world):
    client = client_for(personas[persona])
    # The search results too: posted, then the list under the search's token.
    search_results = client.post(reverse("subjects:list"), {"q": LAST_NAME})["Location"]
    unlogged, shown = [], []
    for url in [*_urls(world), search_results]:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            before = _last_event_id()
            response = client.get(url, **headers)
            if _shows_the_subject(response):
                shown.append(url)
                if not _read_logged_since(before, world["subject"].reference):
                    unlogged.append(f"{url} {'(htmx)' if headers else ''}".strip())

    assert unlogged == [], "shows the person, logs no read:\n" + "\n".join(unlogged)
    # The walk really reaches the person: the list, the search results, the subject page and the case page at least.
    reached = {reverse("subjects:list"), search_results, reverse("subjects:detail", args=[world["subject"].pk])}
    assert reached | {reverse("subjects:case_detail", args=[world["case"].pk])} <= set(shown)


@pytest.mark.django_db
def test_the_walk_fails_for_a_page_that_shows_a_person_and_logs_nothing(personas, client_for, world):
    before = _last_event_id()
    response = client_for(personas["officer_a"]).get(reverse("accounts:profile"))
    response.content += f"<p>{FIRST_NAME} {LAST_NAME}</p>".encode()

    assert _shows_the_subject(response)
    assert not _read_logged_since(before, world["subject"].reference)


# ------------------------------------------------------------------------------
# The event of a list page: one per page, naming the references shown
# ------------------------------------------------------------------------------
def _list_event(object_type: str) -> AccessEvent:
    return AccessEvent.objects.get(operation=Operation.CONSULTATION, object_type=object_type)


@pytest.mark.django_db
def test_the_dashboard_logs_my_work_as_one_consultation_naming_the_cases(personas, client_for, world):
    officer = personas["officer_a"]

    client_for(officer).get(reverse("dashboard"))

    event = _list_event("my_work")
    assert (event.actor, event.object_id, event.force) == (officer, "", "WM")
    assert event.justification == f"Shown: {world['case'].reference}"


@pytest.mark.django_db
def test_a_dashboard_that_names_nobody_logs_nothing(personas, client_for, world):
    client_for(personas["sergeant"]).get(reverse("dashboard"))

    assert not AccessEvent.objects.filter(operation=Operation.CONSULTATION).exists()


@pytest.mark.django_db
def test_the_approval_queue_is_one_event_for_its_disposals_and_reviews_each_case_once(personas, client_for, world):
    client_for(personas["sergeant"]).get(reverse("interventions:approval_queue"))

    assert _list_event("approval_queue").justification == f"Shown: {world['case'].reference}"


@pytest.mark.django_db
def test_a_partner_page_logs_the_people_referred_as_one_event(personas, client_for, world):
    client_for(personas["officer_a"]).get(reverse("partners:partner_detail", args=[world["partner"].pk]))

    assert _list_event("partner_referrals").justification == f"Shown: {world['case'].reference}"


@pytest.mark.django_db
def test_the_consultation_helper_puts_the_references_shown_after_any_reason(personas):
    from audit.services import consultation_record

    officer = personas["officer_a"]
    listed = consultation_record(actor=officer, object_type="subject_list", object_id="", shown=["WM-1", "WM-2"])
    reasoned = consultation_record(
        actor=officer, object_type="caseload", object_id="", justification="Cover.", shown=["WM-3"]
    )
    single = consultation_record(actor=officer, object_type="subject", object_id=7, justification="Cover.")

    assert listed.justification == "Shown: WM-1, WM-2"
    assert reasoned.justification == "Cover. Shown: WM-3"
    assert single.justification == "Cover."
