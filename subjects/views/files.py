"""Attachments: upload to a subject (optionally one of its cases), and the only way to download one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from subjects.forms.files import AttachmentForm
from subjects.selectors.access import subject_details_visible, subject_get_visible
from subjects.services.attachments import attachment_add, attachment_get_visible, attachment_open_for_download
from subjects.views.people_edit import subject_form_render


@require_http_methods(["GET", "POST"])
def attachment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = subject_get_visible(request.user, pk)
    if not subject_details_visible(request.user, subject):
        raise Http404
    form = AttachmentForm(request.POST or None, request.FILES or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = attachment_add(
                subject=subject,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                case=form.cleaned_data["case"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{attachment.original_name} is attached.")
            return redirect("subjects:detail", pk=subject.pk)
    return subject_form_render(request, "subjects/attachment_form.html", subject, {"form": form})


@require_GET
def attachment_download_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = attachment_get_visible(request.user, pk)
    handle = attachment_open_for_download(attachment=attachment, user=request.user, request=request)
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
