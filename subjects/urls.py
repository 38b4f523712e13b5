from django.urls import path

from .views import cases, files, intake, merging, people, people_edit, restricted

app_name = "subjects"

urlpatterns = [
    # People
    path("", people.subject_list_view, name="list"),
    path("referral/", intake.referral_new_view, name="referral_new"),
    path("<int:pk>/", people.subject_detail_view, name="detail"),
    path("<int:pk>/edit/", people_edit.subject_edit_view, name="edit"),
    path("<int:pk>/identifiers/add/", people_edit.identifier_add_view, name="identifier_add"),
    path("<int:pk>/contacts/add/", people_edit.contact_add_view, name="contact_add"),
    path("<int:pk>/associations/add/", people_edit.association_add_view, name="association_add"),
    path("contexts/<int:pk>/", people_edit.context_detail_view, name="context_detail"),
    # Restricted records
    path("<int:pk>/break-glass/", restricted.break_glass_view, name="break_glass"),
    # Merging duplicates
    path("<int:pk>/merge/", merging.merge_view, name="merge"),
    # Files
    path("<int:pk>/attachments/add/", files.attachment_add_view, name="attachment_add"),
    path("attachments/<int:pk>/download/", files.attachment_download_view, name="attachment_download"),
    # Cases
    path("cases/<int:pk>/", cases.case_detail_view, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit_view, name="case_edit"),
    path("cases/<int:pk>/transition/", cases.case_transition_view, name="case_transition"),
    path("cases/<int:pk>/engagements/add/", cases.engagement_add_view, name="engagement_add"),
]
