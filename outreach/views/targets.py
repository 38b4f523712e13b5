"""Targets per force and quarter, and progress against them computed from the records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.selectors import force_ids_accessible
from editing.forms import form_add_service_error
from editing.versions import ConflictError

from .. import selectors, services
from ..charts import progress_chart_svg
from ..forms import ProgressForm, TargetFilterForm, TargetForm
from ..progress import progress_for_force
from ..quarters import FinancialQuarter, financial_year_label
from . import KEPT_BELOW, input_kept_after_conflict

_LIST = "outreach:target_list"


def target_list_view(request: HttpRequest) -> HttpResponse:
    form = TargetFilterForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or FinancialQuarter.current().year
    targets = selectors.target_list_visible(request.user, year=year)
    context = {"form": form, "targets": targets, "year": year, "year_label": financial_year_label(year)}
    return render(request, "outreach/target_list.html", context)


@require_http_methods(["GET", "POST"])
def target_new_view(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(fields=form.changes())
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Target saved: {target}.")
            return redirect(f"{reverse(_LIST)}?year={target.financial_year}")
    return render(request, "outreach/simple_form.html", {"form": form, "heading": "Set a target", "back": _LIST})


@require_http_methods(["GET", "POST"])
def target_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get_visible(request.user, pk)
    form = TargetForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(target=target, expected_version=form.cleaned_data["version"], changes=form.changes())
        except ConflictError as error:
            form = input_kept_after_conflict(TargetForm, request, target, error, KEPT_BELOW)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The target is saved.")
            return redirect(f"{reverse(_LIST)}?year={form.cleaned_data['financial_year']}")
    return render(request, "outreach/simple_form.html", {"form": form, "heading": f"Edit {target}", "back": _LIST})


def progress_view(request: HttpRequest) -> HttpResponse:
    """Actual against target for one of the viewer's forces in any quarter (default: theirs, now)."""
    current = FinancialQuarter.current()
    force_id = request.GET.get("force") or _default_force_id(request.user)
    force = selectors.force_get_visible(request.user, force_id) if force_id else None
    data = {"force": force_id, "year": current.year, "quarter": current.quarter, **request.GET.dict()}
    form = ProgressForm(data, user=request.user)
    form.is_valid()
    # A field in error keeps its message and input; the page falls back to the current quarter's part.
    quarter = FinancialQuarter(
        form.cleaned_data.get("year") or current.year, form.cleaned_data.get("quarter") or current.quarter
    )
    rows = progress_for_force(force=force, quarter=quarter) if force else []
    title = f"Progress against targets, {force}, {quarter.label}"
    chart = progress_chart_svg(rows, title=title) if force else ""
    context = {"form": form, "force": force, "quarter": quarter, "rows": rows, "chart": chart}
    return render(request, "outreach/progress.html", context)


def _default_force_id(user) -> int | None:
    forces = sorted(force_ids_accessible(user))
    return user.home_force_id if user.home_force_id in forces else (forces[0] if forces else None)
