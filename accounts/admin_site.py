from django.contrib.admin import AdminSite

from .models import Role


def require_mfa_for_admin(site: AdminSite) -> None:
    """The admin is open only to verified (MFA) system admins."""

    def has_permission(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_verified() and user.role == Role.SYSADMIN)

    site.has_permission = has_permission
    site.site_header = "Prevent & Protect administration"
    site.site_title = "Prevent & Protect"
