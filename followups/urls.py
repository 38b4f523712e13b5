from django.urls import path

from . import views

app_name = "followups"

# Mounted at /casework/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("followups/", views.followup_list_view, name="list"),
    path("followups/<int:pk>/", views.followup_detail_view, name="detail"),
    path("followups/<int:pk>/open-case/", views.followup_open_case_view, name="open_case"),
    # What an officer (pk = the officer) still owes, handed to a colleague before they leave
    path("followups/handover/<int:pk>/", views.handover_view, name="handover"),
    path("reminders/settings/", views.reminder_preferences_view, name="reminder_preferences"),
]
