from django.contrib.auth.backends import BaseBackend

from .models import Role

# What a system admin manages in the Django admin: users, forces, MFA devices
# and lockouts. The access log is read-only to them. No case data, by default.
_SYSADMIN_APPS = frozenset({"accounts", "otp_totp", "otp_static", "axes"})
_SYSADMIN_READ_ONLY_APPS = frozenset({"audit"})
# Reference data of other apps a system admin keeps (app label -> model names); no delete: rows are
# PROTECTed by what uses them, so they are deactivated instead.
_SYSADMIN_REFERENCE_DATA = {
    "interventions": frozenset({"interventiontype", "homeofficeoutcome", "disposaltype"}),
    "outreach": frozenset({"product", "campaign"}),
}


class RolePermissionBackend(BaseBackend):
    """Model permissions that follow from a user's role, in one place."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not user_obj.is_active or getattr(user_obj, "role", None) != Role.SYSADMIN:
            return False
        app_label, _, codename = perm.partition(".")
        if app_label in _SYSADMIN_APPS:
            return True
        action, _, model = codename.partition("_")
        if model in _SYSADMIN_REFERENCE_DATA.get(app_label, ()):
            return action in {"view", "add", "change"}
        return app_label in _SYSADMIN_READ_ONLY_APPS and codename.startswith("view_")

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not user_obj.is_active or getattr(user_obj, "role", None) != Role.SYSADMIN:
            return False
        return app_label in _SYSADMIN_APPS | _SYSADMIN_READ_ONLY_APPS | _SYSADMIN_REFERENCE_DATA.keys()
