"""Disposals: proposing one with its National Decision Model rationale, submitting it, and deciding it.

Who may decide is the service's rule (``services.check_can_decide``); the page
only hides the decision form from those it would refuse. A refused decision
(the proposer, a role below the type's approver, a disposal no longer waiting)
answers 403 with the reason; a decision with bad input answers 200 with the
form and its errors. Nothing is saved in either case.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from audit.services import consultation_record
from editing.forms import form_add_service_error, form_save_edit, posted
from subjects.selectors.access import case_get_visible

from .. import services
from ..forms import (
    DISPOSAL_FORM_FIELDS,
    NDM_FIELDS,
    NDM_HINTS,
    DisposalDecideForm,
    DisposalEditForm,
    DisposalProposeForm,
)
from ..models import NDM_STAGES, Disposal, DisposalStatus, DisposalStatusChange
from ..selectors import disposal_get_visible

SUBMITTABLE = frozenset({DisposalStatus.DRAFT, DisposalStatus.RETURNED})


def _disposal_for_page(request: HttpRequest, pk: int) -> Disposal:
    disposal = disposal_get_visible(request.user, pk)
    prefetch_related_objects(
        [disposal],
        Prefetch("status_changes", queryset=DisposalStatusChange.objects.select_related("by").order_by("at", "id")),
    )
    return disposal


def decide_refusal(user: User, disposal: Disposal) -> str:
    """Why ``user`` may not decide ``disposal`` now, or "" if they may."""
    try:
        services.check_can_decide(user=user, disposal=disposal)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _detail(
    request: HttpRequest,
    disposal: Disposal,
    *,
    decide_form: DisposalDecideForm | None = None,
    problems=(),
    decision_posted: bool = False,
) -> HttpResponse:
    consultation_record(request=request, object_type="disposal", object_id=disposal.pk, force=disposal.case.force.code)
    refusal = decide_refusal(request.user, disposal)
    context = {
        "disposal": disposal,
        "case": disposal.case,
        "stages": [(label, getattr(disposal, name)) for name, label in NDM_STAGES],
        "history": disposal.status_changes.all(),
        "can_decide": not refusal,
        "refusal": refusal if decision_posted else "",
        "decide_form": decide_form or DisposalDecideForm(),
        "can_submit": disposal.status in SUBMITTABLE and disposal.proposed_by_id == request.user.pk,
        "can_edit": disposal.status in services.EDITABLE_STATUSES,
        "problems": problems,
    }
    status = 403 if decision_posted and refusal else 200
    return render(request, "interventions/disposal_detail.html", context, status=status)


def _form_context(case, form, **extra) -> dict:
    return {"case": case, "form": form, "hints": NDM_HINTS, "ndm_fields": NDM_FIELDS, **extra}


def _form_render(request: HttpRequest, context: dict) -> HttpResponse:
    """The disposal form names the person: a read of the disposal being edited, or of the case for a new one."""
    disposal, case = context["disposal"], context["case"]
    if disposal is not None:
        consultation_record(request=request, object_type="disposal", object_id=disposal.pk, force=case.force.code)
    else:
        consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "interventions/disposal_form.html", context)


@require_http_methods(["GET", "POST"])
def disposal_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    form = DisposalProposeForm(posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            disposal = services.disposal_propose(
                case=case, by=request.user, fields=form.fields_for_service(), request=request
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Draft disposal saved. Submit it for approval once every stage is written.")
            return redirect("interventions:disposal_detail", pk=disposal.pk)
    return _form_render(request, _form_context(case, form, disposal=None))


def disposal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = _disposal_for_page(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _detail(request, disposal)


@require_http_methods(["GET", "POST"])
def disposal_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = disposal_get_visible(request.user, pk)
    case = disposal.case
    form = DisposalEditForm(posted(request), instance=copy.copy(disposal), case=case)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.disposal_update(
            disposal=disposal,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(),
            request=request,
        ),
        object_type="disposal",
        case=case,
    )
    if saved is not None:
        if disposal.status == DisposalStatus.APPROVED and saved.status == DisposalStatus.SUBMITTED:
            messages.warning(request, "Saved. It had been approved, so it has gone back for approval.")
        else:
            messages.success(request, "Disposal saved.")
        return redirect("interventions:disposal_detail", pk=disposal.pk)
    context = _form_context(
        case,
        form,
        disposal=disposal,
        conflict=conflict,
        editable=disposal.status in services.EDITABLE_STATUSES,
    )
    return _form_render(request, context)


def disposal_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Looked up first, so another force's disposal is "not found" whatever the method.
    disposal = disposal_get_visible(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.disposal_submit(disposal=disposal, by=request.user, request=request)
    except ValidationError as error:
        if hasattr(error, "error_dict") and disposal.status in services.EDITABLE_STATUSES:
            return _missing_stages(request, disposal, error)
        return _detail(request, _disposal_for_page(request, pk), problems=error.messages)
    messages.success(request, f"Disposal for case {disposal.case.reference} submitted for approval.")
    return redirect("interventions:disposal_detail", pk=disposal.pk)


def _missing_stages(request: HttpRequest, disposal: Disposal, error: ValidationError) -> HttpResponse:
    """The edit form, showing which stages the submission lacked, at their boxes."""
    saved = model_to_dict(disposal, DISPOSAL_FORM_FIELDS)
    data = {name: "" if value is None else value for name, value in saved.items()}
    data["version"] = disposal.version
    form = DisposalEditForm(data, instance=copy.copy(disposal), case=disposal.case)
    form.is_valid()
    form_add_service_error(form, error)
    context = _form_context(disposal.case, form, disposal=disposal, editable=True, submitting=True)
    return _form_render(request, context)


def disposal_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = disposal_get_visible(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DisposalDecideForm(request.POST)
    if form.is_valid():
        try:
            decided = services.disposal_decide(
                disposal=disposal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            label = decided.get_status_display().lower()
            messages.success(request, f"Disposal for case {decided.case.reference} {label}.")
            return redirect("interventions:approval_queue")
    # Read it again: a refusal may be because someone else decided first.
    return _detail(request, _disposal_for_page(request, pk), decide_form=form, decision_posted=True)
