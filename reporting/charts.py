"""A plain horizontal bar chart as server-rendered SVG, for the PDF return.

``outreach.charts`` draws progress against target (percent bars with a target
line) and is reused for the targets section; the counts by breakdown need a
plain bar per category, which it does not offer, so this is that chart, in the
same style (title and description repeating the figures; no script, no style).
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 220
BAR_SPACE = 360
ROW_HEIGHT = 22
BAR_HEIGHT = 14
BAR = "#1d70b8"
TEXT = "#0b0c0c"


def bar_chart_svg(items: list[tuple[str, int]], *, title: str) -> SafeString:
    """One bar per (label, value); values scale to the largest."""
    height = max(len(items), 1) * ROW_HEIGHT + 8
    biggest = max((value for _, value in items), default=0) or 1
    description = "; ".join(f"{label}: {value}" for label, value in items) or "Nothing to chart."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for index, (label, value) in enumerate(items):
        y = 4 + index * ROW_HEIGHT
        width = round(BAR_SPACE * value / biggest, 1)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end" font-size="10" fill="{TEXT}">'
            f"{escape(label[:40])}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 12}" font-size="10" fill="{TEXT}">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it went through escape()
