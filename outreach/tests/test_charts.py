"""The server-rendered progress chart: an accessible image, no script, no style attributes."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from outreach.charts import progress_chart_svg
from outreach.progress import ProgressRow


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""
    children: list = field(default_factory=list)


class _Tree(HTMLParser):
    """Just enough of a parser to read our own SVG back (the standard library's, so no XML entity tricks)."""

    def __init__(self):
        super().__init__()
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].text += data


def _parse(markup: str) -> Element:
    tree = _Tree()
    tree.feed(str(markup))
    return tree.root.children[0]


def _all(element: Element, tag: str) -> list[Element]:
    found = [element] if element.tag == tag else []
    for child in element.children:
        found += _all(child, tag)
    return found


def _rows():
    return [
        ProgressRow(measure="events", scope="national", target=10, actual=6),
        ProgressRow(measure="attendees", scope="national", target=200, actual=260),
        ProgressRow(measure="sign_ups", scope="local", target=None, actual=4),
        ProgressRow(measure="referrals_received", scope="national", target=8, actual=None),
    ]


def test_it_is_an_image_with_a_title_and_a_description_of_every_figure():
    svg = _parse(progress_chart_svg(_rows(), title="Progress, West Midlands Police, 2026/27 Q3"))

    assert svg.tag == "svg"
    assert svg.attrs["role"] == "img"
    assert svg.attrs["aria-labelledby"] == "progress-chart-title progress-chart-desc"
    assert _all(svg, "title")[0].text == "Progress, West Midlands Police, 2026/27 Q3"
    description = _all(svg, "desc")[0].text
    assert "Events delivered (national): 6 of a target of 10, 60%." in description
    assert "Attendees (national): 260 of a target of 200, 130%." in description
    assert "No target or no figures yet for: Sign-ups (local); Referrals received (national)." in description


def test_it_draws_a_bar_per_row_with_a_target_and_figures():
    svg = _parse(progress_chart_svg(_rows()))

    texts = [t.text for t in _all(svg, "text")]
    assert "6 of 10 (60%)" in texts
    assert "260 of 200 (130%)" in texts
    assert "100% (target)" in texts
    assert len(_all(svg, "rect")) == 1 + 2 * 2  # background, then a track and a bar per charted row


def test_a_bar_is_as_long_as_its_share_of_the_scale_and_stops_at_150_percent():
    bars = [r for r in _all(_parse(progress_chart_svg(_rows())), "rect") if r.attrs["fill"] in {"#1d70b8", "#00703c"}]

    assert [float(bar.attrs["width"]) for bar in bars] == [120.0, 260.0]  # 60% and 130% of 300px for 150%
    assert [bar.attrs["fill"] for bar in bars] == ["#1d70b8", "#00703c"]  # below target, target met


def test_it_uses_attributes_never_style_or_script():
    markup = str(progress_chart_svg(_rows()))

    assert "style=" not in markup
    assert "<script" not in markup


def test_it_escapes_labels_and_titles():
    markup = str(progress_chart_svg(_rows(), title="<b>Tom & Jerry</b>"))

    assert "<b>" not in markup
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in markup


def test_it_says_so_when_nothing_can_be_charted():
    svg = _parse(progress_chart_svg([ProgressRow("events", "national", None, 3)]))

    assert "No targets with recorded figures this quarter." in [t.text for t in _all(svg, "text")]
