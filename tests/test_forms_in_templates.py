"""No personal data and no CSRF token in a URL: every GET form of every template, checked (issue 20).

A GET form puts its fields in the URL, and URLs end up in proxy and access
logs. So a form that can be submitted by GET (its method, or a button's
``formmethod``) must not carry a CSRF token, nor a field named like a
person's name or a free-text search for people.

Most forms render their fields from a Django form class, so the template
alone does not show their names. The check therefore runs twice: over the
template source (``{% csrf_token %}``, fields written out by hand) and over
the pages as served, and it fails if a template holding a GET form was not
among the pages served.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from config.access_policy import POLICY
from subjects.tests.factories import SubjectFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Field names that would put a person's name, contact details or a search for people in a URL.
NAME_LIKE_FIELDS = frozenset(
    {
        "q",
        "query",
        "search",
        "term",
        "name",
        "first_name",
        "last_name",
        "surname",
        "full_name",
        "alias",
        "aliases",
        "handle",
        "email",
        "phone",
        "username",
        "actor",
        "date_of_birth",
        "postcode",
        "postcode_district",
        "school_or_employer",
    }
)
# (where: the URL name of the page, or the template's path under templates/; field) -> why it may stay a GET.
ALLOWED = {
    ("partners:directory", "q"): "searches partner organisations' names only (PartnerFilters: Partner.name), no person",
    ("audit:event_list", "actor"): "filters the access log by staff username, never by a person in the records",
}
# Served as these personas, the pages without a URL argument cover the GET forms; the merge form takes a subject.
PERSONAS = ["sergeant", "admin_support"]


@dataclass
class Form:
    line: int
    method: str
    get_buttons: bool = False
    fields: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def submits_by_get(self) -> bool:
        return self.method != "post" or self.get_buttons


class FormParser(HTMLParser):
    """The ``<form>`` elements of a page or a template: method, field names and the text inside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = Form(line=self.getpos()[0], method=(attrs.get("method") or "get").strip().lower())
            self.forms.append(self._open)
        elif self._open is not None and tag in {"input", "select", "textarea", "button"}:
            if (attrs.get("formmethod") or "").lower() == "get":
                self._open.get_buttons = True
            if attrs.get("name"):
                self._open.fields.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def problems_of(form: Form, where: str) -> list[str]:
    if not form.submits_by_get:
        return []
    found = []
    if "{% csrf_token %}" in form.text or "csrfmiddlewaretoken" in form.fields:
        found.append(f"{where}:{form.line}: a GET form carries the CSRF token")
    found.extend(
        f"{where}:{form.line}: a GET form has the field {name!r}"
        for name in form.fields
        if name in NAME_LIKE_FIELDS and (where, name) not in ALLOWED
    )
    return found


def template_get_forms() -> dict[str, list[Form]]:
    """Each template under templates/ that holds a form submitted by GET, with those forms."""
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        forms = [form for form in forms_of(path.read_text()) if form.submits_by_get]
        if forms:
            found[path.relative_to(TEMPLATES).as_posix()] = forms
    return found


# ------------------------------------------------------------------------------
# The check itself
# ------------------------------------------------------------------------------
def test_it_finds_a_csrf_token_in_a_get_form_and_a_name_field():
    get_form = '<form method="get">{% csrf_token %}<input name="last_name"></form>'
    source = get_form + '<form method="post"><input name="q"></form>'

    assert problems_of(forms_of(source)[0], "x.html") == [
        "x.html:1: a GET form carries the CSRF token",
        "x.html:1: a GET form has the field 'last_name'",
    ]
    assert problems_of(forms_of(source)[1], "x.html") == []


def test_a_form_without_a_method_or_with_a_get_button_counts_as_a_get_form():
    source = '<form><input name="q"></form><form method="post"><button formmethod="get" name="email"></button></form>'

    assert [form.submits_by_get for form in forms_of(source)] == [True, True]


def test_every_allowed_field_says_why():
    assert all(len(reason) > 20 for reason in ALLOWED.values())


# ------------------------------------------------------------------------------
# Every template, as written
# ------------------------------------------------------------------------------
def test_no_template_has_a_get_form_with_a_csrf_token_or_a_name_field():
    problems = [
        problem
        for template, forms in template_get_forms().items()
        for form in forms
        for problem in problems_of(form, template)
    ]

    assert problems == []


# ------------------------------------------------------------------------------
# Every page, as served (fields rendered from form classes)
# ------------------------------------------------------------------------------
def _pages(subject) -> list[str]:
    plain = [reverse(name) for name in POLICY if _takes_no_argument(name)]
    return [*plain, reverse("subjects:merge", args=[subject.pk])]


def _takes_no_argument(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.django_db
def test_no_page_serves_a_get_form_with_a_csrf_token_or_a_name_field(personas, client_for, force_a):
    subject = SubjectFactory(force=force_a)
    problems, rendered = [], set()
    for persona in PERSONAS:
        client = client_for(personas[persona])
        for url in _pages(subject):
            response = client.get(url)
            if response.status_code != 200 or response.streaming:
                continue
            rendered |= {template.name for template in response.templates if template.name}
            page = response.resolver_match.view_name
            for form in forms_of(response.content.decode()):
                problems += problems_of(form, page)

    assert problems == []
    # Every template holding a GET form was served, so the forms drawn from form classes were all checked.
    assert set(template_get_forms()) - rendered == set()
