from django.urls import path

from .views import coverage, directory, records, referrals

app_name = "partners"

urlpatterns = [
    # The directory and one partner's page (pk = the partner)
    path("", directory.directory_view, name="directory"),
    path("new/", records.partner_new_view, name="partner_new"),
    path("<int:pk>/", directory.partner_detail_view, name="partner_detail"),
    path("<int:pk>/edit/", records.partner_edit_view, name="partner_edit"),
    # What a partner has: contacts, interactions, pathways, agreements (add: pk = the partner; edit: pk = the row)
    path("<int:pk>/contacts/add/", records.contact_add_view, name="contact_add"),
    path("contacts/<int:pk>/edit/", records.contact_edit_view, name="contact_edit"),
    path("<int:pk>/interactions/add/", records.interaction_add_view, name="interaction_add"),
    path("interactions/<int:pk>/edit/", records.interaction_edit_view, name="interaction_edit"),
    path("<int:pk>/pathways/add/", records.pathway_add_view, name="pathway_add"),
    path("pathways/<int:pk>/edit/", records.pathway_edit_view, name="pathway_edit"),
    path("<int:pk>/agreements/add/", records.agreement_add_view, name="agreement_add"),
    path("agreements/<int:pk>/edit/", records.agreement_edit_view, name="agreement_edit"),
    # Which pathways each force has, by intervention type
    path("coverage/", coverage.coverage_view, name="coverage"),
    # Referring a case to a pathway (pk = the case), and the summary sent to the partner (pk = the intervention)
    path("cases/<int:pk>/refer/", referrals.pathway_refer_view, name="pathway_refer"),
    path("referrals/<int:pk>/summary/", referrals.referral_summary_view, name="referral_summary"),
]
