from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.admin_site import require_mfa_for_admin

from . import views

require_mfa_for_admin(admin.site)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("subjects/", include("subjects.urls")),
    path("casework/", include("interventions.urls")),
    path("casework/", include("followups.urls")),
    path("audit/", include("audit.urls")),
    path("outreach/", include("outreach.urls")),
    path("partners/", include("partners.urls")),
    path("returns/", include("reporting.urls")),
    # The admin has no sign-in of its own: everyone signs in (with MFA) here.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
