"""The one-page referral summary a partner receives: the minimum, rendered by WeasyPrint with nothing fetched.

What goes on it is decided here and nowhere else: the subject's first name and
age, what the pathway is for, the referring officer's name and contact details,
the protective marking, and, if the officer writes one, a reason in plain words.
No surname, date of birth, offence details or case narrative. The reason is
printed and not stored, so nothing extra is kept about the referral.

The template carries its CSS inline (WeasyPrint is not governed by the web
CSP), so the renderer needs no resource at all: its URL fetcher refuses every
URL — no file://, no network, no data: — and text anyone typed cannot make it
read a file or call out.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from accounts.models import User
from interventions.models import Intervention
from subjects.models import age_on

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """The PDF renderer asked for a URL; the summary needs none, so none is fetched."""


class RefuseAllFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches nothing (WeasyPrint logs the refusal and carries on)."""

    def fetch(self, url, headers=None):
        logger.warning("Referral summary: refused to fetch %.200s", url)
        raise FetchRefused(f"The referral summary fetches no resources ({url[:200]}).")


@dataclass(frozen=True)
class ReferralSummary:
    """Exactly what the partner is told."""

    first_name: str
    age: int | None
    pathway_name: str
    pathway_description: str
    partner_name: str
    officer_name: str
    officer_email: str
    officer_phone: str
    officer_force: str
    reason: str
    marking: str
    issued_on: date


def referral_summary_build(*, intervention: Intervention, officer: User, reason: str, on: date) -> ReferralSummary:
    """The summary's content. Precondition: ``intervention`` came from ``referral_get_visible``."""
    subject = intervention.case.subject
    pathway = intervention.pathway
    return ReferralSummary(
        first_name=subject.first_name,
        age=age_on(subject.date_of_birth, on),
        pathway_name=pathway.name,
        pathway_description=pathway.description,
        partner_name=pathway.partner.name,
        officer_name=officer.get_full_name() or officer.username,
        officer_email=officer.email,
        # Users have no phone number yet; printed as soon as accounts keeps one.
        officer_phone=getattr(officer, "phone", "") or "",
        officer_force=officer.home_force.name if officer.home_force else "",
        reason=reason.strip(),
        marking=settings.PROTECTIVE_MARKING,
        issued_on=on,
    )


def referral_summary_pdf(summary: ReferralSummary) -> bytes:
    """The summary on one page: laid out normally, or in the compact layout when long text would need two."""
    context = {"summary": summary, "region_name": settings.REGION_NAME}
    document = _document(render_to_string("partners/referral_summary_pdf.html", {**context, "compact": False}))
    if len(document.pages) > 1:
        document = _document(render_to_string("partners/referral_summary_pdf.html", {**context, "compact": True}))
    return document.write_pdf()


def pdf_render(html: str) -> bytes:
    """PDF bytes of ``html``, with no base URL and a fetcher that refuses everything."""
    return _document(html).write_pdf()


def _document(html: str):
    return HTML(string=html, base_url=None, url_fetcher=RefuseAllFetcher()).render()
