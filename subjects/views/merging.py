"""Merging a duplicate into the subject being kept (sergeants and inspectors): choose, confirm, merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.services import consultation_record
from subjects.forms.merging import MergeChooseForm, MergeConfirmForm
from subjects.selectors.access import subject_get_visible
from subjects.services.merging import merge_preview, subject_merge

from ..models import Subject


@require_http_methods(["GET", "POST"])
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 (GET): the duplicate's reference. Step 2 (GET with ``duplicate``): confirm. POST: merge."""
    keep = subject_get_visible(request.user, pk)
    if request.method == "POST":
        return _merge_post(request, keep)
    choose = MergeChooseForm(request.GET if "duplicate" in request.GET else None, user=request.user, keep=keep)
    if choose.is_bound and choose.is_valid():
        confirm = MergeConfirmForm(
            initial={"duplicate": choose.duplicate_subject.reference}, user=request.user, keep=keep
        )
        return _confirm_page(request, keep, choose.duplicate_subject, confirm)
    return _choose_page(request, keep, choose)


def _choose_page(request: HttpRequest, keep: Subject, form: MergeChooseForm) -> HttpResponse:
    """Step 1 names the record kept: a read of it."""
    consultation_record(request=request, object_type="subject", object_id=keep.pk, force=keep.force.code)
    return render(request, "subjects/merge_form.html", {"keep": keep, "form": form})


def _merge_post(request: HttpRequest, keep: Subject) -> HttpResponse:
    form = MergeConfirmForm(request.POST, user=request.user, keep=keep)
    if form.is_valid():
        duplicate = form.duplicate_subject
        try:
            subject_merge(
                keep=keep, duplicate=duplicate, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{duplicate.reference} is merged into {keep.reference}.")
            return redirect("subjects:detail", pk=keep.pk)
    if "duplicate" in form.errors:
        # The duplicate went away meanwhile (merged by someone else): back to choosing, saying why.
        choose = MergeChooseForm({"duplicate": request.POST.get("duplicate", "")}, user=request.user, keep=keep)
        choose.is_valid()
        return _choose_page(request, keep, choose)
    return _confirm_page(request, keep, form.duplicate_subject, form)


def _confirm_page(request: HttpRequest, keep: Subject, duplicate: Subject, form: MergeConfirmForm) -> HttpResponse:
    preview = merge_preview(keep=keep, duplicate=duplicate, user=request.user, request=request)
    sides = [("Kept", keep), ("Duplicate, merged in", duplicate)]
    context = {"keep": keep, "duplicate": duplicate, "sides": sides, "form": form, "preview": preview}
    return render(request, "subjects/merge_confirm.html", context)
