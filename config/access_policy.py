"""The access policy: for every URL name of the project, who may use it.

Deny by default. ``accounts.middleware.AccessPolicyMiddleware`` enforces this
map on every request, and ``tests/test_access_matrix.py`` fails for any URL
pattern that is not declared here. Object-level scoping (another force's
record answers 404) is done by the selectors; ``scoped=True`` tells the
access-matrix test to expect that 404 for users outside the object's forces.
"""

from dataclasses import dataclass

from accounts.models import Role


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = frozenset()
    anonymous: bool = False
    # Reachable after the password step but before MFA (the MFA pages, logout).
    before_mfa: bool = False
    # The view answers 404 for objects outside the user's forces.
    scoped: bool = False

    def allows_role(self, role: str) -> bool:
        return self.anonymous or self.before_mfa or role in self.roles


def roles(*names: str, scoped: bool = False) -> Rule:
    return Rule(roles=frozenset(names), scoped=scoped)


ALL_ROLES = tuple(Role.values)
NOBODY = Rule()
PUBLIC = Rule(anonymous=True)
BEFORE_MFA = Rule(before_mfa=True)
EVERY_ROLE = roles(*ALL_ROLES)
SUPERVISORS = (Role.SERGEANT, Role.INSPECTOR)
CASEWORKERS = (Role.OFFICER, *SUPERVISORS)
OUTREACH_READERS = (*CASEWORKERS, Role.ADMIN_SUPPORT, Role.ANALYST)
TARGET_KEEPERS = (Role.ADMIN_SUPPORT, *SUPERVISORS)
PARTNER_KEEPERS = (*CASEWORKERS, Role.ADMIN_SUPPORT)
COVERAGE_READERS = (*CASEWORKERS, Role.ADMIN_SUPPORT, Role.ANALYST)
RETURN_MAKERS = (Role.ADMIN_SUPPORT, *SUPERVISORS)
RETURN_READERS = (*RETURN_MAKERS, Role.ANALYST)

POLICY: dict[str, Rule] = {
    # Site
    "healthz": PUBLIC,
    "dashboard": EVERY_ROLE,
    "admin_login_redirect": PUBLIC,
    # Accounts
    "accounts:login": PUBLIC,
    "accounts:logout": BEFORE_MFA,
    "accounts:mfa_verify": BEFORE_MFA,
    "accounts:mfa_enrol": BEFORE_MFA,
    "accounts:mfa_backup_codes": EVERY_ROLE,
    "accounts:profile": EVERY_ROLE,
    "accounts:notifications": EVERY_ROLE,
    "accounts:team": roles(*SUPERVISORS),
    "accounts:user_detail": roles(*SUPERVISORS, scoped=True),
    # The one-time link to choose one's own password (a new account, a sign-in reset).
    "accounts:password_set": PUBLIC,
    # Access changes that grant case access wait for a sergeant or inspector who can see every force
    # involved (accounts.selectors.access_grant_list_decidable): never a system admin.
    "accounts:access_grants": roles(*SUPERVISORS),
    "accounts:access_grant_detail": roles(*SUPERVISORS, scoped=True),
    # Subjects and cases (analysts never see identities; admin support and
    # system admins have no case access by default).
    "subjects:list": roles(*CASEWORKERS),
    "subjects:referral_new": roles(*CASEWORKERS),
    "subjects:detail": roles(*CASEWORKERS, scoped=True),
    "subjects:edit": roles(*CASEWORKERS, scoped=True),
    "subjects:identifier_add": roles(*CASEWORKERS, scoped=True),
    "subjects:contact_add": roles(*CASEWORKERS, scoped=True),
    "subjects:association_add": roles(*CASEWORKERS, scoped=True),
    "subjects:context_detail": roles(*CASEWORKERS, scoped=True),
    "subjects:break_glass": roles(*CASEWORKERS, scoped=True),
    "subjects:merge": roles(*SUPERVISORS, scoped=True),
    "subjects:attachment_add": roles(*CASEWORKERS, scoped=True),
    "subjects:attachment_download": roles(*CASEWORKERS, scoped=True),
    "subjects:case_detail": roles(*CASEWORKERS, scoped=True),
    "subjects:case_edit": roles(*CASEWORKERS, scoped=True),
    "subjects:case_transition": roles(*CASEWORKERS, scoped=True),
    "subjects:engagement_add": roles(*CASEWORKERS, scoped=True),
    # Interventions, disposals and supervision. Deciding a disposal is further
    # limited by type (interventions.services.check_can_decide).
    "interventions:intervention_add": roles(*CASEWORKERS, scoped=True),
    "interventions:intervention_detail": roles(*CASEWORKERS, scoped=True),
    "interventions:intervention_transition": roles(*CASEWORKERS, scoped=True),
    "interventions:disposal_new": roles(*CASEWORKERS, scoped=True),
    "interventions:disposal_detail": roles(*CASEWORKERS, scoped=True),
    "interventions:disposal_edit": roles(*CASEWORKERS, scoped=True),
    "interventions:disposal_submit": roles(*CASEWORKERS, scoped=True),
    "interventions:disposal_decide": roles(*SUPERVISORS, scoped=True),
    "interventions:approval_queue": roles(*SUPERVISORS),
    "interventions:caseload": roles(*SUPERVISORS),
    "interventions:caseload_officer": roles(*SUPERVISORS, scoped=True),
    "interventions:review_new": roles(*SUPERVISORS, scoped=True),
    # Follow-ups: the caseworkers who owe them (scoped: another force's follow-up is a 404);
    # reminder settings: anyone who can owe or be escalated a follow-up; handing an officer's
    # follow-ups over: their supervisors (scoped: an officer of another force is a 404).
    "followups:list": roles(*CASEWORKERS),
    "followups:detail": roles(*CASEWORKERS, scoped=True),
    "followups:open_case": roles(*CASEWORKERS, scoped=True),
    "followups:handover": roles(*SUPERVISORS, scoped=True),
    "followups:reminder_preferences": roles(*CASEWORKERS),
    # Outreach (Protect): caseworkers log events, campaigns and lessons; admin
    # support keeps targets and reads everything; analysts read lists, calendar
    # and progress (no personal data beyond presenter names). Sysadmin: nothing.
    "outreach:event_list": roles(*OUTREACH_READERS),
    "outreach:event_export": roles(*CASEWORKERS, Role.ADMIN_SUPPORT),
    "outreach:event_log": roles(*CASEWORKERS),
    "outreach:event_plan": roles(*CASEWORKERS),
    "outreach:event_detail": roles(*OUTREACH_READERS, scoped=True),
    "outreach:event_edit": roles(*CASEWORKERS, scoped=True),
    "outreach:event_transition": roles(*CASEWORKERS, scoped=True),
    "outreach:calendar": roles(*OUTREACH_READERS),
    "outreach:campaign_list": roles(*OUTREACH_READERS),
    "outreach:campaign_new": roles(*CASEWORKERS),
    "outreach:lesson_list": roles(*OUTREACH_READERS),
    "outreach:lesson_new": roles(*CASEWORKERS),
    "outreach:lesson_edit": roles(*CASEWORKERS, scoped=True),
    "outreach:target_list": roles(*TARGET_KEEPERS),
    "outreach:target_new": roles(*TARGET_KEEPERS),
    "outreach:target_edit": roles(*TARGET_KEEPERS, scoped=True),
    "outreach:progress": roles(*OUTREACH_READERS),
    # Partners and pathways: caseworkers do everything; admin support keeps the
    # directory (partners, contacts, agreements) but makes no referrals (no case
    # access); analysts see pathway coverage only (no personal data). Sysadmin: nothing.
    "partners:directory": roles(*PARTNER_KEEPERS),
    "partners:partner_new": roles(*PARTNER_KEEPERS),
    "partners:partner_detail": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:partner_edit": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:contact_add": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:contact_edit": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:interaction_add": roles(*CASEWORKERS, scoped=True),
    "partners:interaction_edit": roles(*CASEWORKERS, scoped=True),
    "partners:pathway_add": roles(*CASEWORKERS, scoped=True),
    "partners:pathway_edit": roles(*CASEWORKERS, scoped=True),
    "partners:agreement_add": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:agreement_edit": roles(*PARTNER_KEEPERS, scoped=True),
    "partners:coverage": roles(*COVERAGE_READERS),
    "partners:pathway_refer": roles(*CASEWORKERS, scoped=True),
    "partners:referral_summary": roles(*CASEWORKERS, scoped=True),
    # Quarterly returns (counts, never people): admin support, sergeants and
    # inspectors generate and download; only admin support submits; analysts see
    # the figures and download them but neither generate nor submit. A force's
    # return is seen by users of that force; the regional one needs every force.
    "reporting:index": roles(*RETURN_READERS),
    "reporting:generate": roles(*RETURN_MAKERS),
    "reporting:return_detail": roles(*RETURN_READERS, scoped=True),
    "reporting:return_status": roles(*RETURN_READERS, scoped=True),
    "reporting:return_download": roles(*RETURN_READERS, scoped=True),
    "reporting:return_submit": roles(Role.ADMIN_SUPPORT, scoped=True),
    # Audit
    "audit:event_list": roles(*SUPERVISORS, Role.SYSADMIN),
}

# Whole namespaces handed to another access check: the Django admin (system
# admins only, through accounts.admin_site, which also requires MFA).
NAMESPACE_POLICY: dict[str, Rule] = {
    "admin": roles(Role.SYSADMIN),
}


def rule_for(view_name: str | None) -> Rule | None:
    """The declared rule for a resolved view name, or None (denied)."""
    if not view_name:
        return None
    if view_name in POLICY:
        return POLICY[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else None
    return NAMESPACE_POLICY.get(namespace) if namespace else None


# ------------------------------------------------------------------------------
# Coverage: every URL pattern must be declared above.
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeclaredPattern:
    view_name: str | None
    route: str


def url_patterns(urlconf: str | None = None) -> list[DeclaredPattern]:
    """Every URL pattern of the project (the admin's included), with its namespaced name."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[DeclaredPattern] = []

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace])) or None
                walk(entry.url_patterns, inner, route)
            elif isinstance(entry, URLPattern):
                # An unnamed route inside a namespace resolves to "namespace:<view path>",
                # which the namespace's rule covers; an unnamed top-level route has no rule.
                name = f"{namespace}:{entry.name or entry.lookup_str}" if namespace else entry.name
                found.append(DeclaredPattern(view_name=name, route=route))

    walk(get_resolver(urlconf).url_patterns, None, "")
    return found


def undeclared_url_patterns(urlconf: str | None = None) -> list[str]:
    """Routes whose view name the policy does not declare (unnamed routes included)."""
    return [p.route for p in url_patterns(urlconf) if rule_for(p.view_name) is None]
