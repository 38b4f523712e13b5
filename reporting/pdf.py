"""The return as a PDF (WeasyPrint), with nothing fetched from anywhere.

The stylesheet is inline in the template and charts are inline SVG, so the
renderer needs no resource. The URL fetcher serves only the app's own static
files (found through ``django.contrib.staticfiles.finders``, under
``STATIC_URL``) and refuses everything else: no ``file://``, no network, no
``data:``. Returns hold counts only, but labels come from editable reference
data; whatever anyone typed there cannot make the renderer read a file or call out.
"""

import logging
from collections import OrderedDict
from datetime import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from outreach.charts import progress_chart_svg

from .charts import bar_chart_svg
from .figures import CHANGE, MEASURES, TOTAL, Kind, measures_in_order
from .models import REGION
from .suppression import SUPPRESSED

logger = logging.getLogger(__name__)
STATIC_PREFIX = "static:"


class FetchRefused(ValueError):
    """The renderer asked for something that is not one of the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``/static/...`` files of the app itself; refuses every other URL."""

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        found = finders.find(path) if path else None
        if not found:
            logger.warning("Quarterly return PDF: refused to fetch %.200s", url)
            raise FetchRefused(f"The return fetches nothing but the app's static files ({url[:200]}).")
        with open(found, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body=body)

    @staticmethod
    def _static_path(url: str) -> str | None:
        prefix = STATIC_PREFIX + settings.STATIC_URL
        if not url.startswith(prefix):
            return None
        path = url[len(prefix) :]
        return None if ".." in path.split("/") or path.startswith("/") else path


def render_pdf(*, rows: list[dict], title: str, scope_code: str, external: bool, generated_at: datetime,
               version: int, fetcher: URLFetcher | None = None) -> bytes:  # fmt: skip
    """The return as a PDF: a short section per scope, then one cross-scope table per measure.

    The layout is what keeps this fast: WeasyPrint's cost grows with boxes,
    lines of text and SVG text nodes, so every figure is printed once (forces
    side by side as columns), rows that are zero in every scope are left out,
    a row's figures share one cell (set in a monospaced font, padded into
    aligned columns: half the cells of a cell per figure, and half the time),
    tables use a fixed layout and charts are few and have few text nodes.
    """
    context = pdf_document_context(rows=rows, title=title, scope_code=scope_code, external=external)
    context.update(generated_at=generated_at, version=version)
    html = render_to_string("reporting/return_pdf.html", context)
    document = HTML(string=html, base_url=STATIC_PREFIX + "/", url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf()


def pdf_document_context(*, rows: list[dict], title: str, scope_code: str, external: bool) -> dict:
    """What ``reporting/return_pdf.html`` needs: scope sections, cross-scope tables, definitions."""
    from accounts.models import Force

    codes = list(OrderedDict.fromkeys(row["scope"] for row in rows))
    names = dict(Force.objects.filter(code__in=codes).values_list("code", "name"))
    names[REGION] = "Regional summary"
    scopes = [{"code": code, "name": names.get(code) or code} for code in codes]
    by_measure = OrderedDict()
    for row in rows:
        by_measure.setdefault(row["measure"], []).append(row)
    return {
        "title": title,
        "marking": settings.PROTECTIVE_MARKING,
        "marking_css": css_string(settings.PROTECTIVE_MARKING),
        "external": external,
        "scopes": scopes,
        "scope_sections": [_scope_section(scope, by_measure) for scope in scopes],
        "tables": [_cross_table(code, measure_rows, codes) for code, measure_rows in by_measure.items()],
        "scope_columns": figure_columns([scope["code"] for scope in scopes]),
        "headline_columns": figure_columns(HEADLINE_COLUMNS),
        "is_region": scope_code == REGION,
        "definitions": measures_in_order(),
        "suppressed_marker": SUPPRESSED,
    }


def _scope_section(scope: dict, by_measure: dict) -> dict:
    """One scope's headline figures (each count table's total, with its change) and its targets chart."""
    code = scope["code"]
    changes = {r["breakdown"]: _shown(r) for r in by_measure.get(CHANGE, []) if r["scope"] == code}
    headlines = []
    for measure_code, measure_rows in by_measure.items():
        measure = MEASURES.get(measure_code)
        if not measure or measure.kind != Kind.COUNT:
            continue
        for r in measure_rows:
            if r["scope"] == code and (r["breakdown"] == TOTAL or (r["row"] == TOTAL and r["col"] == TOTAL)):
                label = f"{r['measure_label']}: {r['breakdown']}"
                figures = figure_columns([_shown(r), changes.get(label, "")])
                headlines.append({"label": r["measure_label"], "figures": figures})
    targets = [r for r in by_measure.get("targets", []) if r["scope"] == code]
    return {**scope, "headlines": headlines, "chart": _targets_chart(targets) if targets else None}


def _cross_table(code: str, rows: list[dict], scopes: list[str]) -> dict:
    """One measure with a column per scope; rows blank (zero or no value) in every scope are left out."""
    measure = MEASURES.get(code)
    values = OrderedDict()
    for r in rows:
        values.setdefault(r["breakdown"], {})[r["scope"]] = r
    lines, dropped = [], 0
    for breakdown, cells in values.items():
        if all(_blank(c) for c in cells.values()):
            dropped += 1
            continue
        shown = [_shown(cells[s]) if s in cells else "" for s in scopes]
        lines.append({"breakdown": breakdown, "figures": figure_columns(shown), "total": breakdown == TOTAL})
    return {
        "code": code,
        "label": rows[0]["measure_label"],
        "section": measure.section if measure else "Change",
        "lines": lines,
        "dropped": dropped,
    }


# The headline tables' figure columns: this quarter's figure and its change on the quarter before.
HEADLINE_COLUMNS = ("Quarter", "Change")
FIGURE_WIDTH = 8


def figure_columns(values) -> str:
    """``values`` right-aligned in columns of ``FIGURE_WIDTH`` characters, for one monospaced cell.

    Every column has the same width whatever the figure, so the columns of every row (and of the header) line up.
    """
    return "".join(f"{value!s:>{FIGURE_WIDTH}}" for value in values)


def pdf_context(*, rows: list[dict], title: str, scope_code: str, external: bool) -> dict:
    scopes = OrderedDict()
    for row in rows:
        scopes.setdefault(row["scope"], []).append(row)
    sections = [_section(code, scope_rows) for code, scope_rows in scopes.items()]
    return {
        "title": title,
        "marking": settings.PROTECTIVE_MARKING,
        "marking_css": css_string(settings.PROTECTIVE_MARKING),
        "external": external,
        "sections": sections,
        "is_region": scope_code == REGION,
        "definitions": measures_in_order(),
        "suppressed_marker": SUPPRESSED,
    }


def css_string(text: str) -> str:
    """``text`` as the inside of a double-quoted CSS string: anything but letters, digits and spaces is escaped."""
    return "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text)


def _section(code: str, rows: list[dict]) -> dict:
    from accounts.models import Force

    name = (
        "Regional summary" if code == REGION else Force.objects.filter(code=code).values_list("name", flat=True).first()
    )
    tables = OrderedDict()
    for row in rows:
        tables.setdefault(row["measure"], []).append(row)
    return {
        "code": code,
        "name": name or code,
        "tables": [_table(measure, table_rows) for measure, table_rows in tables.items()],
    }


def _table(code: str, rows: list[dict]) -> dict:
    measure = MEASURES.get(code)
    table = {
        "code": code,
        "label": rows[0]["measure_label"],
        "section": measure.section if measure else "Change",
        "rows": [{"breakdown": r["breakdown"], "value": _shown(r)} for r in rows],
        "chart": None,
    }
    if measure and measure.two_way:
        table["grid"] = _grid(rows)
    if measure and measure.kind == Kind.COUNT and not measure.two_way:
        items = [(r["breakdown"], r["value"]) for r in rows if r["breakdown"] != TOTAL and isinstance(r["value"], int)]
        if any(value for _, value in items):
            table["chart"] = bar_chart_svg(items, title=rows[0]["measure_label"])
    if code == "targets":
        table["chart"] = _targets_chart(rows)
    if code == CHANGE:
        table["section"] = "Change"
    return table


def _grid(rows: list[dict]) -> dict:
    cols = list(OrderedDict.fromkeys(r["col"] for r in rows))
    lines = OrderedDict()
    for r in rows:
        lines.setdefault(r["row"], []).append(_shown(r))
    return {"cols": cols, "lines": list(lines.items())}


class _ChartRow:
    def __init__(self, label: str, target, actual):
        self.label, self.target, self.actual = label, target, actual

    @property
    def percent(self):
        if not isinstance(self.actual, int) or not self.target:
            return None
        return round(self.actual * 100 / self.target)


def _targets_chart(rows: list[dict]):
    pairs = OrderedDict()
    for r in rows:
        label, _, part = r["breakdown"].rpartition(": ")
        pairs.setdefault(label, {})[part] = r["value"]
    chart_rows = [_ChartRow(label, p.get("target"), p.get("actual")) for label, p in pairs.items()]
    if not chart_rows:
        return None
    return progress_chart_svg(chart_rows, title="Targets against actuals", chart_id=f"targets-{rows[0]['scope']}")


def _blank(row: dict) -> bool:
    """Nothing to print: an integer zero or no value, and not suppressed (a ``0.0`` percent is a figure)."""
    return not row.get("suppressed") and (row["value"] is None or (type(row["value"]) is int and row["value"] == 0))


def _shown(row: dict):
    if row.get("suppressed"):
        return SUPPRESSED
    return "n/a" if row["value"] is None else row["value"]
