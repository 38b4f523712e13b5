"""Referring a case to a partner's pathway, and the one-page summary the partner receives."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import consultation_record
from editing.forms import form_add_service_error, posted
from subjects.models import age_on
from subjects.selectors.access import case_get_visible

from .. import selectors, services
from ..forms import ReferralForm, ReferralSummaryForm
from ..pdf import referral_summary_build


@require_http_methods(["GET", "POST"])
def pathway_refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose one of the pathways open to the case's subject today; the referral is planned as an intervention."""
    case = case_get_visible(request.user, pk)
    today = timezone.localdate()
    pathways = selectors.pathway_list_for_case(case, on=today)
    form = ReferralForm(posted(request), pathways=pathways)
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.pathway_refer(
                case=case,
                pathway=form.cleaned_data["pathway"],
                by=request.user,
                fields=form.fields_for_service(),
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Referred to {intervention.pathway.name}. Download the summary for the partner.")
            return redirect("partners:referral_summary", pk=intervention.pk)
    context = {
        "case": case,
        "form": form,
        "age": age_on(case.subject.date_of_birth, today),
        "has_pathways": bool(form.fields["pathway"].queryset),
    }
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "partners/pathway_refer.html", context)


@require_http_methods(["GET", "POST"])
def referral_summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the summary will say. POST: the PDF, with the officer's optional reason (printed, not stored).

    The download is a disclosure to the partner and is logged as one. POST, so
    the reason travels in the body, never in a URL or a server log. The officer
    on the summary is the one downloading it: the disclosure is theirs, and so
    is the partner's point of contact.
    """
    intervention = selectors.referral_get_visible(request.user, pk)
    form = ReferralSummaryForm(posted(request))
    today = timezone.localdate()
    if request.method == "POST" and form.is_valid():
        pdf = services.referral_summary_disclose(
            intervention=intervention, by=request.user, reason=form.cleaned_data["reason"], on=today, request=request
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="referral-summary-{intervention.pk}.pdf"'
        return response
    # Shown again after a refused reason too: every render is a read.
    consultation_record(
        request=request,
        object_type="intervention",
        object_id=intervention.pk,
        force=intervention.case.force.code,
    )
    preview = referral_summary_build(intervention=intervention, officer=request.user, reason="", on=today)
    context = {"intervention": intervention, "case": intervention.case, "form": form, "preview": preview}
    return render(request, "partners/referral_summary.html", context, status=400 if form.errors else 200)
