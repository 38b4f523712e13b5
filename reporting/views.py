from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role

from . import services
from .forms import ReturnChoiceForm
from .models import ReturnFormat, ReturnStatus
from .pdf import pdf_context
from .selectors import return_get_visible, return_list_visible
from .services import return_diff, return_figures, return_read_file, return_request, return_submitted_before

CONTENT_TYPES = {
    ReturnFormat.PDF: "application/pdf",
    ReturnFormat.CSV: "text/csv; charset=utf-8",
    ReturnFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAKERS = {Role.ADMIN_SUPPORT, Role.SERGEANT, Role.INSPECTOR}


def index(request):
    """Choose a quarter and scope, preview its figures (then generate that return), see the versions generated."""
    form = ReturnChoiceForm(request.GET or None, user=request.user, initial=ReturnChoiceForm.initial_for())
    preview, previewed = None, {}
    if form.is_bound and form.is_valid():
        # What the preview's own "Generate" form posts: the choice as it was previewed.
        previewed = {name: value for name, value in request.GET.items() if name in form.fields}
        rows = return_figures(
            quarter=form.period, scope_code=form.cleaned_data["scope"], external=form.cleaned_data["external"]
        )
        preview = pdf_context(rows=rows, title="", scope_code=form.cleaned_data["scope"], external=False)
    context = {
        "form": form,
        "preview": preview,
        "previewed": previewed,
        "returns": return_list_visible(request.user)[:50],
        "can_generate": request.user.role in MAKERS,
    }
    return render(request, "reporting/return_index.html", context)


@require_POST
def generate(request):
    form = ReturnChoiceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choose a quarter and a force or the region to generate a return.")
        return redirect("reporting:index")
    quarterly_return = return_request(
        quarter=form.period,
        scope_code=form.cleaned_data["scope"],
        external=form.cleaned_data["external"],
        by=request.user,
    )
    return redirect("reporting:return_detail", pk=quarterly_return.pk)


def return_detail(request, pk):
    quarterly_return = return_get_visible(request.user, pk)
    submitted = return_submitted_before(quarterly_return)
    context = {
        "object": quarterly_return,
        "submitted": submitted,
        "changes": return_diff(old=submitted, new=quarterly_return)
        if submitted and _finished(quarterly_return)
        else None,
        "versions": return_list_visible(request.user).filter(
            financial_year=quarterly_return.financial_year,
            quarter=quarterly_return.quarter,
            force=quarterly_return.force_id,
            external=quarterly_return.external,
        ),
        "can_submit": request.user.role == Role.ADMIN_SUPPORT,
    }
    return render(request, "reporting/return_detail.html", context)


def _finished(quarterly_return) -> bool:
    return quarterly_return.status in {ReturnStatus.DRAFT, ReturnStatus.SUBMITTED}


def return_status(request, pk):
    """The progress partial, polled by htmx while the return is being generated."""
    quarterly_return = return_get_visible(request.user, pk)
    return render(request, "reporting/_status.html", {"object": quarterly_return})


def return_download(request, pk, fmt):
    quarterly_return = return_get_visible(request.user, pk)
    if fmt not in ReturnFormat.values or not quarterly_return.file_name(fmt):
        raise Http404("No such file.")
    data = return_read_file(quarterly_return=quarterly_return, fmt=fmt, by=request.user, request=request)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{quarterly_return.download_name(fmt)}"'
    return response


def return_submit(request, pk):
    quarterly_return = return_get_visible(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.return_submit(quarterly_return=quarterly_return, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Return submitted. It can no longer be changed.")
    return redirect("reporting:return_detail", pk=pk)
