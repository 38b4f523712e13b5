"""Server-rendered SVG charts: no script, no style attributes (CSP), usable as-is in PDF returns.

Each chart is an image with a title and a description that repeats its figures,
so a screen reader hears what a sighted user sees; pages show the same figures
in a table as well.
"""

from collections.abc import Iterable
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 680
LABEL_WIDTH = 230
BAR_WIDTH = 300
ROW_HEIGHT = 34
BAR_HEIGHT = 18
TOP = 12
AXIS_HEIGHT = 28
SCALE_MAX = 150  # percent of target at the right-hand end of the bars
TEXT = "#0b0c0c"
TRACK = "#e9ecef"
BELOW_TARGET = "#1d70b8"
MET_TARGET = "#00703c"


class ChartRow(Protocol):
    label: str
    actual: int | None
    target: int | None

    @property
    def percent(self) -> int | None: ...


def progress_chart_svg(
    rows: Iterable[ChartRow], *, title: str = "Progress against targets", chart_id: str = "progress-chart"
) -> SafeString:
    """A horizontal bar per row: actual as a percentage of target, with the target line at 100%.

    Rows without a target or not yet measured are left out of the bars and
    named in the description. ``rows`` need ``label``, ``actual``, ``target``
    and ``percent`` (``outreach.progress.ProgressRow`` has them).
    """
    rows = list(rows)
    charted = [row for row in rows if row.percent is not None]
    height = TOP + max(len(charted), 1) * ROW_HEIGHT + AXIS_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" role="img" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(rows, charted))}</desc>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    if not charted:
        parts.append(_text(LABEL_WIDTH, TOP + ROW_HEIGHT / 2 + 5, "No targets with recorded figures this quarter."))
    for index, row in enumerate(charted):
        parts.extend(_bar(index, row))
    parts.extend(_axis(TOP + max(len(charted), 1) * ROW_HEIGHT))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it went through escape()


def _bar(index: int, row: ChartRow) -> list[str]:
    y = TOP + index * ROW_HEIGHT
    bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
    length = BAR_WIDTH * min(row.percent, SCALE_MAX) / SCALE_MAX
    colour = MET_TARGET if row.percent >= 100 else BELOW_TARGET
    return [
        _text(LABEL_WIDTH - 8, bar_y + 13, row.label, anchor="end"),
        f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="{TRACK}"/>',
        f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>',
        _text(LABEL_WIDTH + BAR_WIDTH + 8, bar_y + 13, f"{row.actual:,} of {row.target:,} ({row.percent}%)"),
    ]


def _axis(y: float) -> list[str]:
    target_x = LABEL_WIDTH + BAR_WIDTH * 100 / SCALE_MAX
    parts = [
        f'<line x1="{target_x:.1f}" y1="{TOP - 4}" x2="{target_x:.1f}" y2="{y}" stroke="{TEXT}"'
        ' stroke-width="2" stroke-dasharray="4 3"/>'
    ]
    for percent in (0, 50, 100, 150):
        x = LABEL_WIDTH + BAR_WIDTH * percent / SCALE_MAX
        label = f"{percent}%" + (" (target)" if percent == 100 else "")
        parts.append(_text(x, y + 18, label, anchor="middle"))
    return parts


def _text(x: float, y: float, content: str, *, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{TEXT}" font-size="13" font-family="sans-serif"'
        f' text-anchor="{anchor}">{escape(content)}</text>'
    )


def _description(rows: list[ChartRow], charted: list[ChartRow]) -> str:
    sentences = [f"{row.label}: {row.actual:,} of a target of {row.target:,}, {row.percent}%." for row in charted]
    left_out = [row.label for row in rows if row.percent is None]
    if left_out:
        sentences.append("No target or no figures yet for: " + "; ".join(left_out) + ".")
    return " ".join(sentences) or "No targets are set."
