from django.urls import path

from .views import campaigns, event_lists, events, lessons, targets

app_name = "outreach"

urlpatterns = [
    # Events
    path("events/", event_lists.event_list_view, name="event_list"),
    path("events/export.csv", event_lists.event_export_view, name="event_export"),
    path("events/log/", events.event_log_view, name="event_log"),
    path("events/plan/", events.event_plan_view, name="event_plan"),
    path("events/<int:pk>/", events.event_detail_view, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit_view, name="event_edit"),
    path("events/<int:pk>/transition/", events.event_transition_view, name="event_transition"),
    path("calendar/", event_lists.event_calendar_view, name="calendar"),
    # Campaigns
    path("campaigns/", campaigns.campaign_list_view, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new_view, name="campaign_new"),
    # Lessons learnt
    path("lessons/", lessons.lesson_list_view, name="lesson_list"),
    path("lessons/new/", lessons.lesson_new_view, name="lesson_new"),
    path("lessons/<int:pk>/edit/", lessons.lesson_edit_view, name="lesson_edit"),
    # Targets and progress
    path("targets/", targets.target_list_view, name="target_list"),
    path("targets/new/", targets.target_new_view, name="target_new"),
    path("targets/<int:pk>/edit/", targets.target_edit_view, name="target_edit"),
    path("progress/", targets.progress_view, name="progress"),
]
