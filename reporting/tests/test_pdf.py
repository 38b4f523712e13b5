"""The PDF: the marking and page numbers on every page, the CSV's numbers, and nothing fetched."""

import io
import re
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from interventions.models import InterventionType
from outreach.models import Product
from outreach.quarters import FinancialQuarter
from outreach.tests.factories import LessonLearntFactory, OutreachEventFactory
from reporting import exports
from reporting.pdf import FIGURE_WIDTH, FetchRefused, StaticOnlyFetcher, figure_columns, render_pdf
from reporting.services import return_figures
from subjects.models import VulnerabilityFlag
from subjects.tests.factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db
Q1 = FinancialQuarter(2026, 1)
SHORT = '<img src="file:///etc/passwd">'  # fits 100-character fields
HOSTILE = '<img src="file:///etc/passwd"><img src="https://example.com/x.png"><link rel="stylesheet" href="http://evil.test/a.css">'


class SpyFetcher(StaticOnlyFetcher):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


def pdf_of(rows, fetcher=None, scope="WM"):
    return render_pdf(rows=rows, title="Test return", scope_code=scope, external=False,
                      generated_at=timezone.now(), version=1, fetcher=fetcher)  # fmt: skip


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_page_carries_the_marking_and_page_x_of_y(settings, force_a):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE TEST"
    CaseFactory(subject=SubjectFactory(force=force_a), number=1, referral_date=Q1.start)

    pages = pages_text(pdf_of(return_figures(quarter=Q1, scope_code="WM", external=False)))

    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE TEST" in text
        assert f"Page {number} of {len(pages)}" in text


def test_the_pdf_holds_the_same_numbers_as_the_csv(force_a):
    for day in [date(2026, 4, 1), date(2026, 5, 3), date(2026, 6, 30)]:
        CaseFactory(subject=SubjectFactory(force=force_a), number=1, referral_date=day)
    OutreachEventFactory(force=force_a, date=date(2026, 5, 1), attendees=37, sign_ups=11)
    rows = return_figures(quarter=Q1, scope_code="WM", external=False)

    text = " ".join(pages_text(pdf_of(rows)))
    csv_rows = exports.read_csv(exports.csv_bytes(rows))

    numbers_in_pdf = re.findall(r"\d+(?:\.\d+)?", text)
    for row in csv_rows:
        if row["value"] not in ("", "0"):
            assert row["value"] in numbers_in_pdf, (row["measure"], row["breakdown"], row["value"])
    assert {"37", "11", "3"} <= set(numbers_in_pdf)


def test_hostile_text_anywhere_that_could_reach_the_pdf_fetches_nothing(force_a):
    force_a.name = SHORT
    force_a.save()
    VulnerabilityFlag.objects.filter(code="asd_diagnosed").update(label=SHORT)
    InterventionType.objects.filter(code="mentoring").update(label=SHORT)
    for product in Product.objects.all():
        Product.objects.filter(pk=product.pk).update(name=f"{SHORT} {product.pk}")
    subject = SubjectFactory(force=force_a, first_name=SHORT, last_name=SHORT, safeguarding_notes=HOSTILE)
    subject.vulnerability_flags.set(VulnerabilityFlag.objects.filter(code="asd_diagnosed"))
    CaseFactory(subject=subject, number=1, referral_date=Q1.start, narrative=HOSTILE, referrer=HOSTILE, operation=SHORT)
    OutreachEventFactory(force=force_a, date=Q1.start, host_organisation=HOSTILE, notes=HOSTILE, sector=SHORT,
                         products=list(Product.objects.all()[:1]))  # fmt: skip
    LessonLearntFactory(force=force_a, finding=HOSTILE, recommendation=HOSTILE, theme=HOSTILE[:150])
    spy = SpyFetcher()

    for scope in ["WM", "region"]:
        pdf_of(return_figures(quarter=Q1, scope_code=scope, external=False), fetcher=spy, scope=scope)

    assert spy.asked == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.png",
        "http://127.0.0.1/",
        "data:text/plain,hi",
        "static:/static/../../etc/passwd",
        "static:/static//etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_the_apps_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_apps_own_static_files():
    response = StaticOnlyFetcher().fetch("static:/static/css/app.css")

    assert response is not None


def test_a_rows_figures_are_padded_into_columns_that_line_up_from_row_to_row():
    rows = [figure_columns(["WM", "ST", "region"]), figure_columns([12345, "[c]", -3]), figure_columns(["n/a", 0, 7.5])]

    assert {len(row) for row in rows} == {3 * FIGURE_WIDTH}
    assert rows[1] == "   12345     [c]      -3"
    assert [row.split() for row in rows] == [["WM", "ST", "region"], ["12345", "[c]", "-3"], ["n/a", "0", "7.5"]]
