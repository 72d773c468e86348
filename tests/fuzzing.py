"""What the fuzz tests share: the HTML forms of a page, values Hypothesis draws for their fields,
and the row count of every table (to prove a refusal wrote nothing).

A form is read with Python's html.parser: its inputs, selects with their options and textareas.
Each field gets a strategy that mostly sends something plausible (its own value, an offered
option) and otherwise something hostile: any unicode text, control characters and NUL bytes, a
very long string, numbers far out of range, malformed dates, a choice that was not offered, the
field missing, the field twice, and a file of random bytes where a file input is.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Small and reproducible: the same examples on every run (derandomize), no example database.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

MISSING = object()

HOSTILE_TEXT = (
    "",
    " ",
    "\x00",
    "name\x00with a NUL",
    "\r\nBcc: evil@example.com",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example")',
    "\u202eevil\u200b\ufeff",
    "🏠" * 50,
    "x" * 20_000,
    "-1",
    "0",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1e308",
    "NaN",
    "2026-02-30",
    "2026-13-45",
    "99999-01-01",
    "0000-00-00T25:61",
    "not-a-choice",
    "../../etc/passwd",
    "a@",
    "@b.example",
)
# Control characters, NULs and any other code point (surrogates excluded: they cannot be encoded).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
FILE_NAMES = ("photo.png", "doc.pdf", "list.csv", "../../etc/passwd", "a\x00.png", "ü ñ.jpg")


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # text, email, number, date, hidden, checkbox, radio, file, select, textarea, ...
    value: str = ""
    options: list[str] = dataclasses.field(default_factory=list)
    required: bool = False


@dataclasses.dataclass
class Form:
    page: str  # the URL the form was found on
    action: str  # where it posts
    fields: dict[str, Field] = dataclasses.field(default_factory=dict)

    @property
    def has_files(self) -> bool:
        return any(field.kind == "file" for field in self.fields.values())


class PageParser(HTMLParser):
    """The POST forms and the links of a page (an element with `hx-post` counts as a form)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            if attrs.get("method", "get").lower() == "post" or "hx-post" in attrs:
                self._form = Form(self.page, attrs.get("hx-post") or attrs.get("action") or "")
                self.forms.append(self._form)
            return
        if "hx-post" in attrs:
            self.forms.append(Form(self.page, attrs["hx-post"]))
        if tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")
        form, name = self._form, attrs.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            field = form.fields.setdefault(name, Field(name, kind, required="required" in attrs))
            if kind in ("radio", "checkbox", "submit"):
                field.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    field.value = attrs.get("value", "on")
            elif not field.value:
                field.value = attrs.get("value", "")
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            field = form.fields.setdefault(name, Field(name, "submit"))
            field.options.append(attrs.get("value", ""))
        elif tag in ("select", "textarea"):
            field = form.fields.setdefault(name, Field(name, tag, required="required" in attrs))
            if tag == "select":
                self._select = field
            else:
                self._textarea = field

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(page: str, html: str) -> PageParser:
    parser = PageParser(page)
    parser.feed(html)
    parser.close()
    return parser


PLAUSIBLE = {
    "email": "someone@example.com",
    "number": "3",
    "date": "2026-06-01",
    "datetime-local": "2026-06-01T10:00",
    "time": "10:00",
    "url": "https://example.com/",
    "tel": "+1 512 555 0100",
    "password": "a long enough password 123",
}


def _plausible(field: Field) -> str:
    """What a person would send: the value shown, an offered option, or for a required field
    left empty something of its type (an optional empty one, such as a honeypot, stays empty)."""
    if field.value:
        return field.value
    if options := [option for option in field.options if option]:
        return options[-1]
    return PLAUSIBLE.get(field.kind, "Plain words") if field.required else ""


def hostile_text() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), ANY_TEXT)


def field_values(field: Field) -> st.SearchStrategy:
    """What one field sends: its plausible value, something hostile, nothing, or twice."""
    if field.kind == "file":
        upload = st.builds(
            SimpleUploadedFile,
            name=st.sampled_from(FILE_NAMES),
            content=st.one_of(
                st.binary(max_size=2048),
                st.sampled_from([b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"%PDF-1.4\n%%EOF"]),
            ),
        )
        return st.one_of(upload, st.just(MISSING))
    plausible = _plausible(field)
    single = st.one_of(
        st.just(plausible),
        hostile_text(),
        st.sampled_from(field.options) if field.options else st.just(plausible),
    )
    return st.one_of(
        single,
        st.just(MISSING),
        st.lists(single, min_size=2, max_size=3),  # the field sent more than once
    )


# Every nasty thing at once that a form's checks let through, so it reaches the service.
TYPED_ATTACK = (
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>\r\nBcc: evil@example.com =1+1 🏠\u202e'
)
TYPED_FIELDS = ("text", "textarea", "search", "email", "tel", "url", "hidden")


def one_field_attacks(form: Form) -> list[dict]:
    """A plausible submission per field a person types into, with that field TYPED_ATTACK:
    tried on every run, whatever Hypothesis draws."""
    plausible = {
        name: _plausible(field)
        for name, field in form.fields.items()
        if name != "csrfmiddlewaretoken"
    }
    return [
        {**plausible, name: TYPED_ATTACK}
        for name, field in form.fields.items()
        if name in plausible and field.kind in TYPED_FIELDS
    ]


def form_data(form: Form) -> st.SearchStrategy:
    """A whole submission (fields left out where MISSING was drawn); csrf is left as it is.
    Half the draws are a plausible submission with one field hostile, so the hostile value gets
    past the other fields' checks into the service; the rest fuzz every field at once."""
    fields = {name: f for name, f in form.fields.items() if name != "csrfmiddlewaretoken"}
    plausible = {name: _plausible(field) for name, field in fields.items()}
    everything = st.fixed_dictionaries({name: field_values(f) for name, f in fields.items()})
    drawn = everything
    if fields:
        one_hostile = st.sampled_from(sorted(fields)).flatmap(
            lambda name: field_values(fields[name]).map(lambda value: {**plausible, name: value})
        )
        drawn = st.one_of(one_hostile, everything)
    return drawn.map(
        lambda values: {name: value for name, value in values.items() if value is not MISSING}
    )


def table_counts() -> dict[str, int]:
    """Every table of our models with its row count, in one query."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        - {"django_session"}
    )
    select = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return dict(zip(tables, cursor.fetchone(), strict=True))
