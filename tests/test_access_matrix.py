"""Every URL of the project against every persona: the access policy, enforced.

The policy (config/access_policy.py) must declare every URL pattern; for each
declared pattern each persona gets what the policy says: the anonymous
visitor is sent to sign in, a role the policy leaves out gets 403, a user
outside the object's forces gets 404, the rest get through.
"""

import re

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, resolve, reverse

from accounts.models import Role
from accounts.services import user_access_change
from audit.models import AccessEvent, Operation
from config.access_policy import POLICY, rule_for, undeclared_url_patterns, url_patterns
from followups.tests.factories import FollowUpFactory
from interventions.tests.factories import DisposalFactory, InterventionFactory, active_case_of
from outreach.tests.factories import LessonLearntFactory, OutreachEventFactory, TargetFactory
from partners.tests.factories import (
    DataSharingAgreementFactory,
    PartnerContactFactory,
    PartnerInteractionFactory,
    PathwayFactory,
    partner_in,
    referral_of,
)
from reporting.tests.factories import QuarterlyReturnFactory
from subjects.models import CaseStatus
from subjects.tests.factories import AssociationFactory, AttachmentFactory, CaseFactory, SubjectFactory

PERSONAS = ["anonymous", "officer_a", "officer_b", "sergeant", "inspector", "admin_support", "analyst", "sysadmin"]


# Objects for URLs that take an id: a real row in force B (ST), so the policy's
# ``scoped`` rule is tested against a real record, and guessed ids elsewhere.
def _subject_b(personas):
    return SubjectFactory(force=personas["officer_b"].home_force, created_by=personas["officer_b"])


def _case_b(personas):
    return CaseFactory(subject=_subject_b(personas), status=CaseStatus.ACTIVE)


def _partner_b(personas):
    return partner_in(personas["officer_b"].home_force)


def _pk(factory):
    return lambda personas: {"pk": factory(personas).pk}


def _access_grant_b(personas):
    """A promotion of force B's officer, asked for by the system admin: only force B's supervisors decide it."""
    return user_access_change(user=personas["officer_b"], by=personas["sysadmin"], role=Role.SERGEANT)


SAMPLE_OBJECTS = {
    "accounts:user_detail": lambda personas: {"pk": personas["officer_b"].pk},
    "accounts:access_grant_detail": _pk(_access_grant_b),
    # Subjects and cases
    **dict.fromkeys(
        [
            "subjects:detail",
            "subjects:edit",
            "subjects:identifier_add",
            "subjects:contact_add",
            "subjects:association_add",
            "subjects:break_glass",
            "subjects:merge",
            "subjects:attachment_add",
        ],
        _pk(_subject_b),
    ),
    # A context is seen through the people in it: one member, in force B.
    "subjects:context_detail": _pk(lambda personas: AssociationFactory(subject=_subject_b(personas)).context),
    "subjects:attachment_download": _pk(lambda personas: AttachmentFactory(subject=_subject_b(personas))),
    **dict.fromkeys(
        ["subjects:case_detail", "subjects:case_edit", "subjects:case_transition", "subjects:engagement_add"],
        _pk(_case_b),
    ),
    # Interventions and disposals (POST-only submit/decide look the disposal up first: 404 outside, 405 inside)
    **dict.fromkeys(
        ["interventions:intervention_add", "interventions:disposal_new", "interventions:review_new"],
        _pk(lambda personas: active_case_of(personas["officer_b"])),
    ),
    **dict.fromkeys(
        ["interventions:intervention_detail", "interventions:intervention_transition"],
        _pk(lambda personas: InterventionFactory(case=active_case_of(personas["officer_b"]))),
    ),
    **dict.fromkeys(
        [
            "interventions:disposal_detail",
            "interventions:disposal_edit",
            "interventions:disposal_submit",
            "interventions:disposal_decide",
        ],
        _pk(lambda personas: DisposalFactory(case=active_case_of(personas["officer_b"]))),
    ),
    "interventions:caseload_officer": lambda personas: {"pk": personas["officer_b"].pk},
    "followups:handover": lambda personas: {"pk": personas["officer_b"].pk},
    # Follow-ups (open-case is POST-only and looks the follow-up up first: 404 outside, 405 inside)
    **dict.fromkeys(
        ["followups:detail", "followups:open_case"],
        _pk(lambda personas: FollowUpFactory(case=active_case_of(personas["officer_b"]))),
    ),
    # Outreach
    **dict.fromkeys(
        ["outreach:event_detail", "outreach:event_edit", "outreach:event_transition"],
        _pk(lambda personas: OutreachEventFactory(force=personas["officer_b"].home_force)),
    ),
    "outreach:lesson_edit": _pk(lambda personas: LessonLearntFactory(force=personas["officer_b"].home_force)),
    "outreach:target_edit": _pk(lambda personas: TargetFactory(force=personas["officer_b"].home_force)),
    # Quarterly returns: a Staffordshire (force B) return, so the force scoping is tested.
    **dict.fromkeys(
        ["reporting:return_detail", "reporting:return_status", "reporting:return_submit"],
        _pk(lambda personas: QuarterlyReturnFactory(force=personas["officer_b"].home_force)),
    ),
    "reporting:return_download": lambda personas: {
        "pk": QuarterlyReturnFactory(force=personas["officer_b"].home_force).pk,
        "fmt": "csv",
    },
    # Partners (a partner covering force B only; referrals on a force-B case)
    **dict.fromkeys(
        [
            "partners:partner_detail",
            "partners:partner_edit",
            "partners:contact_add",
            "partners:interaction_add",
            "partners:pathway_add",
            "partners:agreement_add",
        ],
        _pk(_partner_b),
    ),
    "partners:contact_edit": _pk(lambda personas: PartnerContactFactory(partner=_partner_b(personas))),
    "partners:interaction_edit": _pk(lambda personas: PartnerInteractionFactory(partner=_partner_b(personas))),
    "partners:pathway_edit": _pk(lambda personas: PathwayFactory(partner=_partner_b(personas))),
    "partners:agreement_edit": _pk(lambda personas: DataSharingAgreementFactory(partner=_partner_b(personas))),
    "partners:pathway_refer": _pk(lambda personas: active_case_of(personas["officer_b"])),
    "partners:referral_summary": _pk(lambda personas: referral_of(personas["officer_b"])),
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


GUESSES = ["1", "accounts"]


def _sample_url(pattern, personas) -> str:
    if pattern.view_name in SAMPLE_OBJECTS:
        return reverse(pattern.view_name, kwargs=SAMPLE_OBJECTS[pattern.view_name](personas))
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern.route)
    kwarg_names = [a or b for a, b in names]
    for guess in GUESSES:
        try:
            return reverse(pattern.view_name, kwargs=dict.fromkeys(kwarg_names, guess))
        except NoReverseMatch:
            continue
    raise AssertionError(f"Add a sample object for {pattern.view_name} to SAMPLE_OBJECTS")


def _reversible_patterns():
    # Unnamed admin routes (the catch-all, the object-id redirect) cannot be
    # reversed; the admin namespace's rule covers them and the admin index stands for them.
    return [p for p in url_patterns() if p.view_name and "." not in p.view_name]


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def _forces_of(user) -> set[str]:
    return set(user.forces.values_list("code", flat=True))


def test_every_url_pattern_is_declared_in_the_access_policy():
    assert undeclared_url_patterns() == []


def test_the_coverage_check_fails_for_a_url_the_policy_does_not_declare():
    assert undeclared_url_patterns("tests.urls_with_undeclared") == ["undeclared/", "unnamed/"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urls_with_undeclared")
def test_an_undeclared_url_is_refused_even_to_a_system_admin(personas, client_for):
    response = client_for(personas["sysadmin"]).get("/undeclared/")

    assert response.status_code == 403
    assert b"should never be reached" not in response.content
    assert AccessEvent.objects.filter(operation=Operation.ACCESS_DENIED, object_id="undeclared_example").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_declared_url_answers_each_persona_as_the_policy_says(persona, personas, client_for):
    user = personas[persona]
    client = client_for(user)
    failures = []
    for pattern in _reversible_patterns():
        url = _sample_url(pattern, personas)
        # The rule of what the URL really resolves to (admin:login is shadowed by our redirect).
        resolved_name = resolve(url).view_name
        rule = rule_for(resolved_name)
        response = client.get(url)
        expected = _expected(rule, user, pattern.view_name)
        if expected == "allowed" and resolved_name not in POLICY:
            # Past the policy, the admin's own model permissions decide (accounts.backends).
            expected = "delegated"
        if not _matches(expected, response):
            failures.append(f"{pattern.view_name} {url}: expected {expected}, got {response.status_code}")
    assert failures == []


def _expected(rule, user, view_name) -> str:
    if rule.anonymous:
        return "served"
    if user is None:
        return "sign-in"
    if rule.before_mfa:
        return "served"
    if user.role not in rule.roles:
        return "403"
    if rule.scoped and view_name in SAMPLE_OBJECTS and "ST" not in _forces_of(user):
        return "404"
    return "allowed"


def _matches(expected: str, response) -> bool:
    status = response.status_code
    if expected == "sign-in":
        return _is_sign_in_redirect(response)
    if expected == "403":
        return status == 403
    if expected == "404":
        return status == 404
    if expected == "served":
        return status < 500 and status != 403
    if expected == "delegated":
        return status < 500 and not _is_sign_in_redirect(response)
    # Allowed: served, or redirected somewhere other than sign-in (a POST-only view says 405).
    return status in {200, 302, 405} and not _is_sign_in_redirect(response)


@pytest.mark.django_db
def test_a_denied_role_is_refused_on_post_too(personas, client_for):
    response = client_for(personas["officer_a"]).post(reverse("accounts:team"), {"anything": "x"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_admin_is_refused_to_every_role_but_system_admin(personas, client_for):
    statuses = {name: client_for(user).get("/admin/").status_code for name, user in personas.items() if user}

    assert statuses == {name: 200 if personas[name].role == Role.SYSADMIN else 403 for name in statuses}


@pytest.mark.django_db
def test_a_guessed_id_of_another_forces_colleague_is_not_found(personas, client_for):
    other = personas["officer_b"]

    response = client_for(personas["sergeant"]).get(reverse("accounts:user_detail", args=[other.pk]))

    assert response.status_code == 404


# ------------------------------------------------------------------------------
# Separation of duties: a system admin reaches no person, by any route, the admin's included
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_system_admin_reaches_no_subject_by_any_route_the_admins_included(personas, client_for, force_a):
    from django.contrib import admin

    from accounts.models import AccessGrant
    from subjects.models import Subject

    sysadmin = personas["sysadmin"]
    client = client_for(sysadmin)
    # Self-promotion through the admin is refused; a second account's grant waits for a supervisor.
    refused = client.post(
        reverse("admin:accounts_user_change", args=[sysadmin.pk]),
        {
            "username": sysadmin.username,
            "email": sysadmin.email,
            "role": Role.OFFICER,
            "home_force": force_a.pk,
            "forces": [force_a.pk],
            "is_active": "on",
        },
    )
    puppet = personas["analyst"]
    user_access_change(user=puppet, by=sysadmin, role=Role.OFFICER)
    SubjectFactory(force=force_a, first_name="Zebedee", last_name="Quixotic-Marsh")
    urls = [_sample_url(pattern, personas) for pattern in _reversible_patterns()]
    urls += [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    urls += [f"{url}?q=Quixotic" for url in urls if url.startswith("/admin/")]

    shown = []
    for who in (client, client_for(puppet)):
        for url in urls:
            response = who.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            page = body.decode(errors="replace")
            names = Subject.objects.values_list("first_name", "last_name")
            shown += [f"{url}: {first} {last}" for first, last in names if f"{first} {last}" in page]

    assert refused.status_code == 200
    assert AccessGrant.objects.get(user=puppet).status == AccessGrant.Status.PENDING
    assert shown == []
