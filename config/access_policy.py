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
PUBLIC = Rule(anonymous=True)
BEFORE_MFA = Rule(before_mfa=True)
EVERY_ROLE = roles(*ALL_ROLES)
SUPERVISORS = (Role.SERGEANT, Role.INSPECTOR)

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
    "accounts:team": roles(*SUPERVISORS, Role.SYSADMIN),
    "accounts:user_detail": roles(*SUPERVISORS, Role.SYSADMIN, scoped=True),
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
