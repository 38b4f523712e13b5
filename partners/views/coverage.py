"""Which pathways each force has, by intervention type, so the gaps show at a glance."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..forms import CoverageFilterForm


@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None)
    band = form.chosen_band()
    table = selectors.coverage(request.user, band=band)
    return render(request, "partners/coverage.html", {"form": form, "band": band, "table": table})
