from django.urls import path

from .views import disposals, interventions, supervision

app_name = "interventions"

urlpatterns = [
    # Interventions on a case (pk = the case) and on their own (pk = the intervention)
    path("cases/<int:pk>/interventions/add/", interventions.intervention_add_view, name="intervention_add"),
    path("interventions/<int:pk>/", interventions.intervention_detail_view, name="intervention_detail"),
    path(
        "interventions/<int:pk>/transition/", interventions.intervention_transition_view, name="intervention_transition"
    ),
    # Disposals
    path("cases/<int:pk>/disposals/new/", disposals.disposal_new_view, name="disposal_new"),
    path("disposals/<int:pk>/", disposals.disposal_detail_view, name="disposal_detail"),
    path("disposals/<int:pk>/edit/", disposals.disposal_edit_view, name="disposal_edit"),
    path("disposals/<int:pk>/submit/", disposals.disposal_submit_view, name="disposal_submit"),
    path("disposals/<int:pk>/decide/", disposals.disposal_decide_view, name="disposal_decide"),
    # Supervision
    path("approvals/", supervision.approval_queue_view, name="approval_queue"),
    path("caseload/", supervision.caseload_view, name="caseload"),
    path("caseload/<int:pk>/", supervision.caseload_officer_view, name="caseload_officer"),
    path("cases/<int:pk>/review/", supervision.review_new_view, name="review_new"),
]
