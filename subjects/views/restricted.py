"""Break-glass access to a restricted subject: a stated reason, logged, and the sergeant told."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from subjects.forms.restricted import BreakGlassForm
from subjects.selectors.access import subject_details_visible, subject_get_visible
from subjects.services.restricted import break_glass_minutes, break_glass_open


@require_http_methods(["GET", "POST"])
def break_glass_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = subject_get_visible(request.user, pk)
    if subject_details_visible(request.user, subject):
        return redirect("subjects:detail", pk=subject.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = break_glass_open(
                subject=subject, user=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = timezone.localtime(access.expires_at)
            messages.warning(
                request, f"Break-glass access to {subject.reference} is logged and open until {until:%H:%M}."
            )
            return redirect("subjects:detail", pk=subject.pk)
    context = {"subject": subject, "form": form, "minutes": break_glass_minutes()}
    return render(request, "subjects/break_glass_form.html", context)
