"""Editing a subject, and adding what is known about them: identifiers, contacts, associations; shared contexts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import consultation_record
from editing.forms import form_add_service_error, form_save_edit, posted
from subjects.forms.people_edit import AssociationForm, AssociationTarget, ContactForm, IdentifierForm, SubjectEditForm
from subjects.selectors.access import subject_details_visible, subject_get_visible
from subjects.services import relations
from subjects.services.people import subject_update

from ..models import Context, Subject

CONTEXT_MEMBERS_PER_PAGE = 50


def _subject_for_editing(request: HttpRequest, pk: int) -> Subject:
    """The subject if the user may see its details; a restricted record they may not see is not found."""
    subject = subject_get_visible(request.user, pk)
    if not subject_details_visible(request.user, subject):
        raise Http404
    return subject


def subject_form_render(request: HttpRequest, template: str, subject: Subject, context: dict) -> HttpResponse:
    """A form about ``subject`` (shown empty, with errors or after a conflict): it shows the person, so it is logged."""
    consultation_record(request=request, object_type="subject", object_id=subject.pk, force=subject.force.code)
    return render(request, template, {"subject": subject, **context})


@require_http_methods(["GET", "POST"])
def subject_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_for_editing(request, pk)
    form = SubjectEditForm(posted(request), instance=subject, viewer=request.user)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: subject_update(
            subject=subject,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(),
            request=request,
        ),
        object_type="subject",
        viewer=request.user,
    )
    if saved is not None:
        messages.success(request, f"{subject.reference} saved.")
        return redirect("subjects:detail", pk=subject.pk)
    return subject_form_render(request, "subjects/subject_form.html", subject, {"form": form, "conflict": conflict})


@require_http_methods(["GET", "POST"])
def identifier_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_for_editing(request, pk)
    form = IdentifierForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            identifier = relations.identifier_record(
                subject=subject, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Identifier {identifier} added to {subject.reference}.")
            return redirect("subjects:detail", pk=subject.pk)
    return subject_form_render(request, "subjects/identifier_form.html", subject, {"form": form})


@require_http_methods(["GET", "POST"])
def contact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_for_editing(request, pk)
    form = ContactForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            relations.contact_add(subject=subject, by=request.user, fields=form.cleaned_data, request=request)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Contact added to {subject.reference}.")
            return redirect("subjects:detail", pk=subject.pk)
    return subject_form_render(request, "subjects/contact_form.html", subject, {"form": form})


@require_http_methods(["GET", "POST"])
def association_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject_for_editing(request, pk)
    form = AssociationForm(posted(request), viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            _association_add(request, subject, form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Link added to {subject.reference}.")
            return redirect("subjects:detail", pk=subject.pk)
    return subject_form_render(request, "subjects/association_form.html", subject, {"form": form})


def _association_add(request: HttpRequest, subject: Subject, data: dict) -> None:
    common = {"subject": subject, "by": request.user, "relationship": data["relationship"], "notes": data["notes"]}
    if data["target"] == AssociationTarget.PERSON:
        relations.association_add_subject(other=data["other"], request=request, **common)
    else:
        relations.association_add_context(
            kind=data["context_kind"], name=data["context_name"], request=request, **common
        )


@require_GET
def context_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone the viewer can see who shares this context; a context with none of them is not found."""
    context = get_object_or_404(Context, pk=pk)
    members = relations.context_members_visible(request.user, context)
    page = Paginator(members, CONTEXT_MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404
    members_shown = [member.reference for member in page.object_list]
    consultation_record(request=request, object_type="context", object_id=context.pk, shown=members_shown)
    return render(request, "subjects/context_detail.html", {"context_obj": context, "page": page})
