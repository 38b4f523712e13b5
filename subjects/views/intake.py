"""Referral intake: one form that checks for people already known, then records the referral."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from editing.forms import posted
from subjects.forms.intake import ReferralForm
from subjects.services.consultations import people_listed_record
from subjects.services.intake import referral_record

from ..matching import possible_matches


def referral_new_view(request: HttpRequest) -> HttpResponse:
    """GET: an empty referral. POST: possible matches first (if any), then save and go to the new case."""
    form = ReferralForm(posted(request), user=request.user)
    matches, match_check = [], ""
    if form.is_bound and form.is_valid():
        matches = possible_matches(viewer=request.user, **form.match_criteria())
        match_check = form.match_fingerprint() if matches else ""
        choice = form.match_choice(matches)
        if choice is not None:
            try:
                case = referral_record(by=request.user, request=request, **form.referral_data(choice))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Referral recorded as case {case.reference}.")
                return redirect("subjects:case_detail", pk=case.pk)
    # The possible matches show people already recorded (names, dates of birth): one event for them.
    people_listed_record(request=request, listing="possible_matches", shown=[match.subject for match in matches])
    return render(request, "subjects/referral_new.html", {"form": form, "matches": matches, "match_check": match_check})
