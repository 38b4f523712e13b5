"""Campaigns: national or local themes that events support."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from editing.forms import form_add_service_error

from .. import selectors, services
from ..forms import CampaignForm


def campaign_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/campaign_list.html", {"campaigns": selectors.campaign_list()})


@require_http_methods(["GET", "POST"])
def campaign_new_view(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(fields=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Campaign “{campaign}” added.")
            return redirect("outreach:campaign_list")
    return render(
        request,
        "outreach/simple_form.html",
        {"form": form, "heading": "Add a campaign", "back": "outreach:campaign_list"},
    )
