"""Interventions on a case: planning one, its page (with editing), and moving it through its statuses."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audit.services import consultation_record
from editing.forms import form_add_service_error, form_save_edit, posted
from subjects.selectors.access import case_get_visible, case_list_visible

from .. import services
from ..forms import INTERVENTION_ACTIONS, InterventionEditForm, InterventionPlanForm, InterventionTransitionForm
from ..models import Intervention, InterventionStatus, InterventionStatusChange


def _intervention_get_visible(request: HttpRequest, pk: int) -> Intervention:
    """The intervention if its case is visible to the user (other forces, hidden restricted records: 404)."""
    queryset = (
        Intervention.objects.filter(case__in=case_list_visible(request.user))
        .select_related("type", "case__subject", "case__force", "created_by")
        .prefetch_related(
            Prefetch("status_changes", queryset=InterventionStatusChange.objects.select_related("by").order_by("at"))
        )
    )
    return get_object_or_404(queryset, pk=pk)


def moves_available(intervention: Intervention) -> list[tuple[str, str]]:
    allowed = services.INTERVENTION_TRANSITIONS.allowed(intervention.status)
    return [(status, action) for status, action in INTERVENTION_ACTIONS.items() if status in allowed]


@require_http_methods(["GET", "POST"])
def intervention_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    form = InterventionPlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.intervention_plan(
                case=case, by=request.user, fields=form.fields_for_service(), request=request
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{intervention.type} planned on case {case.reference}.")
            return redirect("subjects:case_detail", pk=case.pk)
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "interventions/intervention_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def intervention_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The intervention with its history; its details are edited here (no lost updates)."""
    intervention = _intervention_get_visible(request, pk)
    # The form works on a copy, so the page shows what is saved, not the unsaved input.
    form = InterventionEditForm(posted(request), instance=copy.copy(intervention))
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.intervention_update(
            intervention=intervention,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(),
            request=request,
        ),
        object_type="intervention",
    )
    if saved is not None:
        messages.success(request, "Intervention saved.")
        return redirect("interventions:intervention_detail", pk=intervention.pk)
    # Shown again after a refused edit too: every render is a read.
    consultation_record(
        request=request,
        object_type="intervention",
        object_id=intervention.pk,
        force=intervention.case.force.code,
    )
    context = {
        "intervention": intervention,
        "case": intervention.case,
        "form": form,
        "conflict": conflict,
        "moves": moves_available(intervention),
    }
    return render(request, "interventions/intervention_detail.html", context)


@require_http_methods(["GET", "POST"])
def intervention_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _intervention_get_visible(request, pk)
    to_status = request.POST.get("to_status", "") if request.method == "POST" else request.GET.get("to", "")
    form = InterventionTransitionForm(posted(request), to_status=to_status)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_transition(
                intervention=intervention,
                by=request.user,
                to_status=to_status,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data.get("on"),
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            label = InterventionStatus(to_status).label.lower()
            messages.success(request, f"{intervention.type} is now {label}.")
            return redirect("interventions:intervention_detail", pk=intervention.pk)
    context = {
        "intervention": intervention,
        "case": intervention.case,
        "form": form,
        "to_status": to_status,
        "action": INTERVENTION_ACTIONS.get(to_status, to_status),
        "allowed": to_status in dict(moves_available(intervention)),
    }
    return render(request, "interventions/intervention_transition_form.html", context)
