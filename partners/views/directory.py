"""Reading partners: the filtered directory and one partner's page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import consultation_record
from subjects.services.consultations import people_listed_record

from .. import selectors
from ..forms import PartnerFilterForm
from . import force_code_for

PARTNERS_PER_PAGE = 25


@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None, user=request.user)
    partners = selectors.partner_list_filtered(request.user, form.filters())
    page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "expiring": selectors.agreements_expiring(selectors.EXPIRES_SOON_DAYS, user=request.user),
    }
    return render(request, "partners/directory.html", context)


@require_GET
def partner_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner with its contacts (personal data: the view is logged as a consultation), pathways and more."""
    partner = selectors.partner_get_visible(request.user, pk)
    page = selectors.partner_page(request.user, partner)
    if page.contacts:
        consultation_record(
            request=request,
            object_type="partner_contacts",
            object_id=partner.pk,
            force=force_code_for(request.user, partner),
        )
    # The referrals listed name the people referred: one event for them.
    referred = [referral.case for item in page.pathways for referral in item.visible]
    people_listed_record(request=request, listing="partner_referrals", shown=referred)
    today = timezone.localdate()
    agreements = [(a, selectors.agreement_expires_soon(a, today=today)) for a in page.agreements]
    context = {"partner": partner, "page": page, "agreements": agreements, "today": today}
    return render(request, "partners/partner_detail.html", context)
