"""The subject list: filters, search, force scoping, restricted masking, a fixed query count."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import ActivityType, CaseStatus, ReferralSource, RiskLevel, Subject, VulnerabilityFlag
from subjects.searches import SEARCHES_KEPT, SESSION_KEY, search_keep, search_recall
from subjects.selectors.lists import AGE_BANDS, age_band_q, years_before

from .factories import CaseFactory, OnlineIdentifierFactory, SubjectAliasFactory, SubjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("subjects:list")
ROW_LINK = re.compile(r'href="/subjects/\d+/"')


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def client_a(client_for, officer_a):
    return client_for(officer_a)


def listed(client, **params) -> str:
    """The list as the browser gets it: a search (``q``) is posted and the list follows the redirect."""
    response = client.post(LIST, params, follow=True) if "q" in params else client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def searched(client, text: str, **filters):
    """Post a search; the redirect (not followed) and the list it leads to."""
    redirect = client.post(LIST, {"q": text, **filters})
    return redirect, client.get(redirect["Location"])


def list_events():
    return AccessEvent.objects.filter(operation=Operation.CONSULTATION, object_type="subject_list")


def born_aged(years: int, days_after_birthday: int = 30) -> date:
    return years_before(timezone.localdate(), years) - timedelta(days=days_after_birthday)


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def test_an_officer_sees_the_people_of_their_force(client_a, force_a):
    subject = SubjectFactory(force=force_a, first_name="Ada", last_name="Lovelace")

    html = listed(client_a)

    assert subject.reference in html
    assert "Ada Lovelace" in html


def test_another_forces_people_are_never_listed(client_a, force_b):
    theirs = SubjectFactory(force=force_b, first_name="Stafford", last_name="Shire")

    html = listed(client_a, q="Stafford")

    assert theirs.reference not in html
    assert "Shire" not in html


def test_a_force_outside_the_officers_access_is_not_a_filter_choice(client_a, force_b):
    html = listed(client_a, force=force_b.pk)

    assert "Select a valid choice" in html


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_casework_are_refused(client_for, personas, persona):
    assert client_for(personas[persona]).get(LIST).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_sergeant_sees_the_list_too(client_for, personas, force_a):
    subject = SubjectFactory(force=force_a)

    assert subject.reference in listed(client_for(personas["sergeant"]))


# ------------------------------------------------------------------------------
# Restricted records
# ------------------------------------------------------------------------------
def test_a_restricted_person_shows_as_a_restricted_record_with_whom_to_contact(client_a, force_a):
    contact = UserFactory(first_name="Rita", last_name="Contact")
    subject = SubjectFactory(
        force=force_a,
        first_name="Hiddenfirst",
        last_name="Secretlast",
        date_of_birth=date(2009, 2, 3),
        restricted=True,
        restriction_contact=contact,
    )

    html = listed(client_a)

    assert subject.reference in html
    assert "Restricted record — contact Rita Contact" in html
    assert "Hiddenfirst" not in html
    assert "Secretlast" not in html
    assert "2009" not in html


def test_a_restricted_record_without_a_contact_names_its_officer(client_a, force_a):
    officer = UserFactory(first_name="Olive", last_name="Officer")
    SubjectFactory(force=force_a, restricted=True, assigned_officer=officer)

    assert "Restricted record — contact Olive Officer" in listed(client_a)


def test_the_need_to_know_list_sees_a_restricted_persons_name(client_a, officer_a, force_a):
    subject = SubjectFactory(force=force_a, first_name="Known", last_name="Needtoknow", restricted=True)
    subject.need_to_know.add(officer_a)

    assert "Known Needtoknow" in listed(client_a)


def test_a_restricted_record_is_not_matched_on_its_details(client_a, force_a):
    subject = SubjectFactory(force=force_a, restricted=True, risk_level=RiskLevel.HIGH)

    assert subject.reference not in listed(client_a, risk_level=RiskLevel.HIGH)


def test_a_search_finds_that_a_restricted_record_exists_without_showing_it(client_a, force_a):
    subject = SubjectFactory(force=force_a, first_name="Covert", last_name="Target", restricted=True)

    html = listed(client_a, q="covert target")

    assert subject.reference in html
    assert "Covert" not in html


# ------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["zoe", "ZOË", "Zoë Smi", "oe smith", "  zoe  "])
def test_a_search_by_name_is_partial_case_insensitive_and_accent_folded(client_a, force_a, query):
    zoe = SubjectFactory(force=force_a, first_name="Zoë", last_name="Smith")
    other = SubjectFactory(force=force_a, first_name="Arthur", last_name="Jones")

    html = listed(client_a, q=query)

    assert zoe.reference in html
    assert other.reference not in html


def test_a_search_finds_an_alias(client_a, force_a):
    subject = SubjectFactory(force=force_a, first_name="Liam", last_name="Brown")
    SubjectAliasFactory(subject=subject, name="Lee Bröwnlow")
    SubjectFactory(force=force_a, first_name="Other", last_name="Person")

    html = listed(client_a, q="brownlow")

    assert subject.reference in html
    assert "Other Person" not in html


def test_a_search_finds_an_online_handle_whatever_its_case_or_leading_at(client_a, force_a):
    subject = SubjectFactory(force=force_a)
    OnlineIdentifierFactory(subject=subject, handle="xX_DarkLord_Xx")
    bystander = SubjectFactory(force=force_a)

    html = listed(client_a, q="@darklord")

    assert subject.reference in html
    assert bystander.reference not in html


def test_a_search_finds_a_reference_in_any_case_and_from_a_case_reference(client_a, force_a):
    subject = SubjectFactory(force=force_a, reference="WM-2026-00042")
    other = SubjectFactory(force=force_a, reference="WM-2026-00777")

    assert subject.reference in listed(client_a, q="wm-2026-00042")
    assert other.reference not in listed(client_a, q="wm-2026-00042")
    assert subject.reference in listed(client_a, q="00042/2")


def test_a_person_matching_through_several_rows_is_listed_once(client_a, force_a):
    subject = SubjectFactory(force=force_a, first_name="Sam", last_name="Gamer")
    SubjectAliasFactory(subject=subject, name="Gamer One")
    SubjectAliasFactory(subject=subject, name="Gamer Two")
    OnlineIdentifierFactory(subject=subject, handle="gamer_three")
    CaseFactory(subject=subject, number=1)
    CaseFactory(subject=subject, number=2)

    html = listed(client_a, q="gamer", case_status=CaseStatus.NEW)

    assert html.count(f">{subject.reference}<") == 1


# ------------------------------------------------------------------------------
# The search is posted: a name never travels in a URL (issue 20)
# ------------------------------------------------------------------------------
def test_a_search_is_posted_and_the_list_it_leads_to_has_only_a_token_in_its_url(client_a, force_a):
    zoe = SubjectFactory(force=force_a, first_name="Zoë", last_name="Smith")
    other = SubjectFactory(force=force_a, first_name="Arthur", last_name="Jones")

    redirect, response = searched(client_a, "Zoë Smith")

    assert redirect.status_code == 302
    assert re.fullmatch(r"/subjects/\?search=[\w-]+", redirect["Location"])
    assert zoe.reference in response.content.decode()
    assert other.reference not in response.content.decode()
    assert 'value="Zoë Smith"' in response.content.decode()


def test_the_other_filters_stay_in_the_url_and_pages_keep_the_search(client_a, force_a):
    SubjectFactory.create_batch(30, force=force_a, last_name="Gamer", risk_level=RiskLevel.HIGH)
    SubjectFactory(force=force_a, last_name="Gamer", risk_level=RiskLevel.LOW)

    redirect, first = searched(client_a, "gamer", risk_level=RiskLevel.HIGH, case_status="")
    token = redirect["Location"].split("search=")[1].split("&")[0]
    second = client_a.get(LIST, {"search": token, "risk_level": RiskLevel.HIGH, "page": 2})

    assert redirect["Location"] == f"/subjects/?search={token}&risk_level=high"
    assert f"?search={token}&amp;risk_level=high&amp;page=2" in first.content.decode()
    assert "gamer" not in redirect["Location"].lower()
    assert len(ROW_LINK.findall(second.content.decode())) == 5


def test_an_empty_search_leaves_no_token(client_a):
    redirect = client_a.post(LIST, {"q": "  ", "risk_level": RiskLevel.HIGH})

    assert redirect["Location"] == "/subjects/?risk_level=high"


def test_a_name_put_in_the_url_is_not_searched_for(client_a, force_a):
    zoe = SubjectFactory(force=force_a, first_name="Zoë", last_name="Smith")
    other = SubjectFactory(force=force_a, first_name="Arthur", last_name="Jones")

    html = client_a.get(LIST, {"q": "zoe"}).content.decode()

    assert zoe.reference in html
    assert other.reference in html


def test_a_search_token_from_another_session_finds_nothing_and_says_search_again(client_a, client_for, force_a):
    SubjectFactory(force=force_a, first_name="Zoë", last_name="Smith")
    redirect, _ = searched(client_a, "zoe")

    response = client_for(UserFactory(home_force=force_a)).get(redirect["Location"])

    assert "That search is no longer kept" in response.content.decode()
    assert 'value="zoe"' not in response.content.decode()


def test_a_session_keeps_its_last_searches_and_forgets_older_ones(client_a):
    session = client_a.session
    tokens = [search_keep(session, f"search {n}") for n in range(SEARCHES_KEPT + 1)]

    assert search_recall(session, tokens[0]) is None
    assert search_recall(session, tokens[-1]) == f"search {SEARCHES_KEPT}"
    assert len(session[SESSION_KEY]) == SEARCHES_KEPT
    assert len(set(tokens)) == len(tokens)


# ------------------------------------------------------------------------------
# The page is one consultation, listing the references shown (issue 20)
# ------------------------------------------------------------------------------
def test_a_page_of_the_list_is_one_consultation_naming_the_references_shown(client_a, officer_a, force_a):
    people = [SubjectFactory(force=force_a, last_name=name) for name in ("Cole", "Adams", "Brown")]
    SubjectFactory.create_batch(26, force=force_a, last_name="Zed")

    listed(client_a)

    event = list_events().get()
    first_page = sorted(people, key=lambda subject: subject.last_name)
    assert (event.actor, event.object_id, event.force) == (officer_a, "", force_a.code)
    assert event.justification.startswith(f"Shown: {', '.join(subject.reference for subject in first_page)}, ")
    assert len(event.justification.removeprefix("Shown: ").split(", ")) == 25


def test_a_search_result_is_logged_with_the_references_found_and_never_the_search_text(client_a, force_a):
    zoe = SubjectFactory(force=force_a, first_name="Zoë", last_name="Smith")
    SubjectFactory(force=force_a, first_name="Arthur", last_name="Jones")

    searched(client_a, "Zoë")

    assert list_events().get().justification == f"Shown: {zoe.reference}"
    assert not AccessEvent.objects.filter(justification__icontains="zo").exists()


def test_a_list_across_forces_files_its_event_under_no_single_force(client_for, personas, force_a, force_b):
    SubjectFactory(force=force_a)
    SubjectFactory(force=force_b)

    listed(client_for(personas["inspector"]))

    assert list_events().get().force == ""


def test_a_page_that_lists_nobody_logs_nothing(client_a):
    listed(client_a)

    assert not list_events().exists()


# ------------------------------------------------------------------------------
# Filters
# ------------------------------------------------------------------------------
def test_the_force_filter_narrows_to_one_force(client_for, personas, force_a, force_b):
    inspector = personas["inspector"]  # sees every force
    in_a = SubjectFactory(force=force_a)
    in_b = SubjectFactory(force=force_b)

    html = listed(client_for(inspector), force=force_b.pk)

    assert in_b.reference in html
    assert in_a.reference not in html


def test_the_case_status_filter_narrows_to_people_with_such_a_case(client_a, force_a):
    active = CaseFactory(subject__force=force_a, status=CaseStatus.ACTIVE).subject
    new = CaseFactory(subject__force=force_a, status=CaseStatus.NEW).subject
    no_case = SubjectFactory(force=force_a)

    html = listed(client_a, case_status=CaseStatus.ACTIVE)

    assert active.reference in html
    assert new.reference not in html
    assert no_case.reference not in html


def test_the_officer_filter_narrows_to_the_officers_people(client_a, officer_a, force_a):
    mine = SubjectFactory(force=force_a, assigned_officer=officer_a)
    my_open_case = CaseFactory(subject__force=force_a, assigned_officer=officer_a).subject
    theirs = SubjectFactory(force=force_a)

    html = listed(client_a, officer=officer_a.pk)

    assert mine.reference in html
    assert my_open_case.reference in html
    assert theirs.reference not in html


def test_the_risk_filter_narrows_to_one_risk_level(client_a, force_a):
    high = SubjectFactory(force=force_a, risk_level=RiskLevel.HIGH)
    low = SubjectFactory(force=force_a, risk_level=RiskLevel.LOW)

    html = listed(client_a, risk_level=RiskLevel.HIGH)

    assert high.reference in html
    assert low.reference not in html


@pytest.mark.parametrize(
    ("band", "inside", "outside"),
    [
        ("under_10", [9, 0], [10, 13]),
        ("10_13", [10, 13], [9, 14]),
        ("14_17", [14, 17], [13, 18]),
        ("18_24", [18, 24], [17, 25]),
        ("25_plus", [25, 60], [24]),
    ],
)
def test_the_age_band_filter_narrows_by_age_today(client_a, force_a, band, inside, outside):
    ins = [SubjectFactory(force=force_a, date_of_birth=born_aged(age)) for age in inside]
    outs = [SubjectFactory(force=force_a, date_of_birth=born_aged(age)) for age in outside]
    unknown = SubjectFactory(force=force_a, date_of_birth=None)

    html = listed(client_a, age_band=band)

    assert all(subject.reference in html for subject in ins)
    assert not any(subject.reference in html for subject in outs)
    assert unknown.reference not in html


def test_an_age_band_counts_a_birthday_today_as_the_new_age(force_a):
    today = timezone.localdate()
    turns_18_today = SubjectFactory(force=force_a, date_of_birth=years_before(today, 18))
    turns_18_tomorrow = SubjectFactory(force=force_a, date_of_birth=years_before(today, 18) + timedelta(days=1))

    adults = set(Subject.objects.filter(age_band_q(AGE_BANDS["18_24"], today)))
    children = set(Subject.objects.filter(age_band_q(AGE_BANDS["14_17"], today)))

    assert turns_18_today in adults
    assert turns_18_tomorrow in children


def test_a_leap_day_birthday_is_reached_on_28_february_in_a_common_year():
    assert years_before(date(2029, 2, 28), 1) == date(2028, 2, 28)
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)


def test_the_referral_source_filter_narrows_to_people_referred_so(client_a, force_a):
    school = CaseFactory(subject__force=force_a, source=ReferralSource.SCHOOL).subject
    nca = CaseFactory(subject__force=force_a, source=ReferralSource.NCA_OPERATION).subject

    html = listed(client_a, source=ReferralSource.NCA_OPERATION)

    assert nca.reference in html
    assert school.reference not in html


def test_the_activity_type_filter_narrows_to_cases_of_that_activity(client_a, force_a):
    booter = ActivityType.objects.get(code="booter_ddos")
    doxing = ActivityType.objects.get(code="doxing")
    ddos_case = CaseFactory(subject__force=force_a)
    ddos_case.activity_types.set([booter, doxing])
    other_case = CaseFactory(subject__force=force_a)
    other_case.activity_types.set([doxing])

    html = listed(client_a, activity_type=booter.pk)

    assert ddos_case.subject.reference in html
    assert other_case.subject.reference not in html


def test_case_filters_apply_to_the_same_case(client_a, force_a):
    subject = SubjectFactory(force=force_a)
    CaseFactory(subject=subject, number=1, status=CaseStatus.CLOSED, source=ReferralSource.SCHOOL)
    CaseFactory(subject=subject, number=2, status=CaseStatus.ACTIVE, source=ReferralSource.PARENT_CARER)

    html = listed(client_a, case_status=CaseStatus.ACTIVE, source=ReferralSource.SCHOOL)

    assert subject.reference not in html


def test_the_vulnerability_filter_narrows_to_people_with_that_flag(client_a, force_a):
    adhd = VulnerabilityFlag.objects.get(code="adhd")
    flagged = SubjectFactory(force=force_a)
    flagged.vulnerability_flags.set([adhd, VulnerabilityFlag.objects.get(code="mental_health")])
    unflagged = SubjectFactory(force=force_a)

    html = listed(client_a, vulnerability=adhd.pk)

    assert flagged.reference in html
    assert unflagged.reference not in html


def test_the_filter_form_has_labels_a_filter_button_and_a_clear_link(client_a):
    html = listed(client_a)

    assert '<label class="form-label" for="id_q">' in html
    assert ">Filter</button>" in html
    assert f'href="{LIST}">Clear</a>' in html


# ------------------------------------------------------------------------------
# Rows, pages and query count
# ------------------------------------------------------------------------------
def test_a_row_shows_age_force_risk_open_case_status_and_officer(client_a, force_a):
    officer = UserFactory(first_name="Owen", last_name="Assigned")
    subject = SubjectFactory(
        force=force_a, date_of_birth=born_aged(15), risk_level=RiskLevel.MEDIUM, assigned_officer=officer
    )
    CaseFactory(subject=subject, status=CaseStatus.TRIAGE)

    html = listed(client_a)

    assert "<td>15</td>" in html
    assert force_a.name in html
    assert "Medium" in html
    assert "In triage" in html
    assert "Owen Assigned" in html


def test_pages_hold_25_people_and_their_links_keep_the_filters(client_a, force_a):
    SubjectFactory.create_batch(30, force=force_a, risk_level=RiskLevel.HIGH)

    first = listed(client_a, risk_level=RiskLevel.HIGH)
    second = listed(client_a, risk_level=RiskLevel.HIGH, page=2)

    assert len(ROW_LINK.findall(first)) == 25
    assert "?risk_level=high&amp;page=2" in first
    assert len(ROW_LINK.findall(second)) == 5


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_costs_the_same_queries_for_5_and_50_people(
    client_a, officer_a, force_a, rows, django_assert_num_queries
):
    for _ in range(rows):
        subject = SubjectFactory(force=force_a)
        CaseFactory(subject=subject)
        OnlineIdentifierFactory(subject=subject)
    SubjectFactory.create_batch(3, force=force_a, restricted=True)
    client_a.get("/")  # the first request of a session starts its idle clock (a session write)

    # session, user, OTP device, the user's forces; the filter form's choices: forces, officers,
    # activity types, vulnerability flags; the count; the page of people; the consultation event
    # for the page (one insert, whatever the rows: issue 20 asked for the list to be logged)
    with django_assert_num_queries(11):
        response = client_a.get(LIST, {"case_status": CaseStatus.NEW})

    assert response.status_code == 200
