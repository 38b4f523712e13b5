from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/verify/", views.mfa_verify_view, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol_view, name="mfa_enrol"),
    path("mfa/backup-codes/", views.mfa_backup_codes_view, name="mfa_backup_codes"),
    path("profile/", views.profile_view, name="profile"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("team/", views.team_view, name="team"),
    path("team/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("password/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("access-changes/", views.access_grant_list_view, name="access_grants"),
    path("access-changes/<int:pk>/", views.access_grant_detail_view, name="access_grant_detail"),
]
