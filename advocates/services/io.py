"""Contacts in and out as CSV: an import checked row by row before anything is stored, and an
export of the whole circle.

The file is parsed with tablib (CSV dialect, quoting, ragged rows); the rules of a contact are
`advocates.services.contacts`' own, so an imported contact is held to what the form holds it to.
An import is all or nothing: while one row has an error nothing is imported, and the confirmed
import is one transaction through `create_contact`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

import tablib
from django.db import transaction
from django.utils import timezone

from advocates.models import Contact, Segment
from advocates.selectors.circle import contacts_of
from advocates.services import AdvocatesRefused
from advocates.services.contacts import clean_contact_fields, create_contact
from members.models import Member
from pinnacle.once import DOUBLE_SUBMIT_WINDOW
from pinnacle.spreadsheets import csv_lines

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
# The columns a file may have, in the sample's order; only `name` is required.
COLUMNS = (
    "name",
    "email",
    "phone",
    "company",
    "service",
    "segment",
    "mailing_address",
    "family",
    "hobbies",
    "interests",
    "birthday",
    "home_anniversary",
    "notes",
)
DATE_COLUMNS = ("birthday", "home_anniversary")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SAMPLE_ROWS = [
    {
        "name": "Maya Thompson",
        "email": "maya@example.com",
        "phone": "512-555-0141",
        "segment": "Core Advocates",
        "family": "Married to Chris; twins Ava and Leo",
        "hobbies": "Trail running",
        "birthday": "1986-12-03",
        "home_anniversary": "2021-06-18",
    },
    {
        "name": "Sunrise Moving Co.",
        "email": "dispatch@sunrise.example.com",
        "company": "Sunrise Moving Co.",
        "service": "Local and long-distance moves",
        "segment": "Allied Resources",
    },
    {"name": "Daniel Okafor", "email": "daniel@example.com", "notes": "Closed on Elm St, 2023"},
]


@dataclass
class ImportRow:
    line: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def is_clean(self) -> bool:
        return bool(self.rows) and not self.error_count


def _segment(value: str) -> str | None:
    """A segment by its value or its label, any case; blank is Advocates."""
    wanted = value.strip().lower()
    if not wanted:
        return Segment.ADVOCATES
    for choice in Segment:
        if wanted in (choice.value, choice.label.lower()):
            return choice.value
    return None


def parse_contacts_csv(*, owner: Member, data: bytes) -> ImportPreview:
    """Read an uploaded file into rows with their errors; stores nothing. A file that cannot be
    read at all (too big, not UTF-8, no name column) is refused with the reason."""
    if len(data) > MAX_BYTES:
        raise AdvocatesRefused("The file is over 1 MB; split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdvocatesRefused(
            "Save the file as CSV with UTF-8 encoding and upload it again."
        ) from exc
    if "\x00" in text:
        raise AdvocatesRefused("This is not a CSV text file.")
    if not text.strip():
        raise AdvocatesRefused("The file is empty.")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except tablib.InvalidDimensions as exc:
        raise AdvocatesRefused(
            "The file could not be read as CSV: every row needs as many cells as the header."
        ) from exc
    except (csv.Error, ValueError) as exc:
        # The csv module's own limit on a cell (131,072 characters), reached by a huge cell or
        # by a quote opened and never closed, which runs to the end of the file.
        raise AdvocatesRefused(
            "The file could not be read as CSV: a cell is far too long, or a quote is opened "
            "and never closed."
        ) from exc
    headers = [(h or "").strip().lower() for h in (dataset.headers or [])]
    if "name" not in headers:
        raise AdvocatesRefused("The first row must name the columns, with at least a name column.")
    if len(dataset) > MAX_ROWS:
        raise AdvocatesRefused(f"The file has {len(dataset):,} rows; import at most {MAX_ROWS:,}.")
    duplicated = sorted({h for h in headers if headers.count(h) > 1 and h})
    if duplicated:
        raise AdvocatesRefused(f"The column {duplicated[0]} appears twice.")
    rows = [
        ImportRow(
            line=number,
            values={
                c: str(cells[headers.index(c)] or "").strip() if c in headers else ""
                for c in COLUMNS
            },
        )
        for number, cells in enumerate(dataset, start=2)
    ]
    validate_rows(owner=owner, rows=rows)
    return ImportPreview(rows=rows, ignored_columns=[h for h in headers if h not in COLUMNS])


def _fields(values: dict[str, str]) -> dict:
    """A row's values as `create_contact` takes them (dates parsed); raises on a bad value."""
    fields: dict = {c: values.get(c, "") for c in COLUMNS if c not in (*DATE_COLUMNS, "segment")}
    for column in DATE_COLUMNS:
        value = values.get(column, "")
        if not value:
            fields[column] = None
            continue
        try:
            if not ISO_DATE.match(value):
                raise ValueError(value)
            fields[column] = dt.date.fromisoformat(value)
        except ValueError as exc:
            label = column.replace("_", " ")
            raise AdvocatesRefused(f"The {label} {value!r} is not a date as YYYY-MM-DD.") from exc
    return fields


def validate_rows(*, owner: Member, rows: list[ImportRow]) -> None:
    """Fill each row's errors: every problem of the row, not only the first. One query."""
    in_circle = {
        email.lower()
        for email in contacts_of(owner).exclude(email="").values_list("email", flat=True)
    }
    seen: dict[str, int] = {}
    for row in rows:
        row.errors = []
        values = row.values
        if not values.get("name"):
            row.errors.append("The name is missing.")
        if _segment(values.get("segment", "")) is None:
            row.errors.append(
                f"Unknown segment {values['segment']!r}: use Allied Resources, Advocates or "
                "Core Advocates."
            )
        try:
            fields = clean_contact_fields({**_fields(values), "name": values.get("name") or "-"})
        except AdvocatesRefused as refusal:
            row.errors.append(str(refusal))
            fields = {}
        email = fields.get("email", "")
        if email:
            if email in seen:
                row.errors.append(f"{email} is already on line {seen[email]} of this file.")
            else:
                seen[email] = row.line
            if email in in_circle:
                row.errors.append(f"{email} is already in your inner circle.")


@transaction.atomic
def import_contacts(*, owner: Member, rows: list[dict[str, str]], actor=None) -> list[Contact]:
    """Add every row to the member's circle, or none: the rows are checked again against the
    circle as it is now, and any refusal undoes the whole import."""
    checked = [ImportRow(line=n, values=values) for n, values in enumerate(rows, start=2)]
    if not checked:
        raise AdvocatesRefused("There is nothing to import.")
    # Two tabs confirming the same file (or a double click): the member's row orders them, and
    # the second finds every row just imported by the first and returns those contacts.
    Member.objects.select_for_update().filter(pk=owner.pk).first()
    already = _just_imported(owner, checked)
    if already is not None:
        return already
    validate_rows(owner=owner, rows=checked)
    if any(row.errors for row in checked):
        bad = next(row for row in checked if row.errors)
        raise AdvocatesRefused(f"Nothing was imported: line {bad.line}: {bad.errors[0]}")
    return [
        create_contact(
            owner=owner,
            # validate_rows refused the rows naming no known segment.
            segment=cast(str, _segment(row.values.get("segment", ""))),
            actor=actor,
            once=False,
            **_fields(row.values),
        )
        for row in checked
    ]


def _just_imported(owner: Member, rows: list[ImportRow]) -> list[Contact] | None:
    """The contacts the same rows made within the double-submit window, when every row has one
    (matched by name and email): the file was confirmed twice."""
    recent = list(
        contacts_of(owner)
        .filter(created_at__gt=timezone.now() - DOUBLE_SUBMIT_WINDOW)
        .order_by("pk")
    )
    found = []
    for row in rows:
        key = ((row.values.get("name") or "").strip(), (row.values.get("email") or "").lower())
        match = next((c for c in recent if (c.name, c.email) == key), None)
        if match is None:
            return None
        recent.remove(match)
        found.append(match)
    return found


# --- Export -------------------------------------------------------------------------------------

EXPORT_HEADER = [
    *COLUMNS,
    "linked_member",
    "service_rating",
    "strength",
    "frequency_points",
    "reciprocal_points",
    "appreciation_points",
    "added_on",
]


def sample_csv() -> str:
    return "".join(csv_lines(COLUMNS, ([row.get(c, "") for c in COLUMNS] for row in SAMPLE_ROWS)))


def export_rows(owner: Member) -> Iterator[str]:
    """The member's whole circle as CSV lines (the import's columns first, so a file can go
    back in), every cell guarded against spreadsheet formulas."""
    partnership = owner.partnership
    rows = contacts_of(owner).select_related("linked_member").order_by("name", "pk")
    return csv_lines(
        EXPORT_HEADER,
        (_export_row(contact, partnership) for contact in rows.iterator(chunk_size=500)),
    )


def _export_row(contact: Contact, partnership) -> list:
    return [
        contact.name,
        contact.email,
        contact.phone,
        contact.company,
        contact.service,
        contact.get_segment_display(),
        contact.mailing_address,
        contact.family,
        contact.hobbies,
        contact.interests,
        contact.birthday.isoformat() if contact.birthday else "",
        contact.home_anniversary.isoformat() if contact.home_anniversary else "",
        contact.notes,
        contact.linked_member.display_name if contact.linked_member else "",
        contact.service_rating or "",
        contact.strength,
        contact.frequency_points,
        contact.reciprocal_points,
        contact.appreciation_points,
        partnership.localtime(contact.created_at).date().isoformat(),
    ]
