"""Contacts in and out as CSV: a preview with every row's errors, all or nothing, and an export
a spreadsheet cannot run."""

import csv
import datetime
import io as stdio

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advocates.models import Contact, Segment
from advocates.services import AdvocatesRefused
from advocates.services.io import import_contacts, parse_contacts_csv
from tests.advocates.factories import ContactFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "Name,EMAIL,Segment,Birthday,Home_Anniversary,Family\n"
    "Maya Thompson,maya@example.com,Core Advocates,1986-12-03,2021-06-18,Twins\n"
    "Sunrise Moving,dispatch@sunrise.example.com,allied_resources,,,\n"
    "Daniel Okafor,,,,,\n"
)


def upload(client, text, encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        reverse("advocates_import"),
        {"file": SimpleUploadedFile("circle.csv", data, content_type="text/csv")},
    )


def test_a_clean_file_is_previewed_then_imported_on_confirm(member, member_client):
    response = upload(member_client, "\ufeff" + GOOD)  # a BOM, as Excel writes it
    page = response.content.decode()
    assert response.status_code == 200
    assert "Import 3 contacts" in page
    assert not Contact.objects.exists()  # nothing until confirmed
    token = response.context["token"]
    confirmed = member_client.post(reverse("advocates_import_confirm"), {"token": token})
    assert confirmed["Location"] == reverse("advocates")
    maya = Contact.objects.get(owner=member, email="maya@example.com")
    assert (maya.segment, maya.birthday, maya.home_anniversary, maya.family) == (
        Segment.CORE_ADVOCATES,
        datetime.date(1986, 12, 3),
        datetime.date(2021, 6, 18),
        "Twins",
    )
    assert Contact.objects.get(name="Sunrise Moving").segment == Segment.ALLIED_RESOURCES
    assert Contact.objects.get(name="Daniel Okafor").segment == Segment.ADVOCATES
    # The token is spent: a second confirm imports nothing more.
    again = member_client.post(reverse("advocates_import_confirm"), {"token": token})
    assert again["Location"] == reverse("advocates_import")
    assert Contact.objects.count() == 3


def test_every_row_shows_its_errors_and_nothing_is_imported(member, member_client):
    ContactFactory(owner=member, email="known@example.com")
    text = (
        "name,email,segment,birthday\n"
        "Good Row,good@example.com,,\n"
        ",nobody@example.com,,\n"
        "Bad Email,not-an-email,,\n"
        "Bad Segment,seg@example.com,Friends,\n"
        "Bad Date,date@example.com,,03/12/1986\n"
        "First,twice@example.com,,\n"
        "Second,TWICE@example.com,,\n"
        "Known,known@example.com,,\n"
    )
    response = upload(member_client, text)
    rows = {row.line: row.errors for row in response.context["preview"].rows}
    assert rows[2] == []
    assert rows[3] == ["The name is missing."]
    assert rows[4] == ["not-an-email is not a valid email address."]
    assert "Unknown segment 'Friends'" in rows[5][0]
    assert rows[6] == ["The birthday '03/12/1986' is not a date as YYYY-MM-DD."]
    assert rows[7] == []
    assert rows[8] == ["twice@example.com is already on line 7 of this file."]
    assert rows[9] == ["known@example.com is already in your inner circle."]
    page = response.content.decode()
    assert "7 of 8 rows have errors" not in page
    assert "6 of 8 rows have errors" in page
    assert "Import 8 contacts" not in page
    assert response.context["token"] is None
    assert Contact.objects.count() == 1


def test_the_confirmed_import_is_all_or_nothing(member):
    rows = [
        {"name": "One", "email": "one@example.com"},
        {"name": "Two", "email": "two@example.com"},
    ]
    # Between preview and confirm, "two" was added by hand: the whole import is refused.
    ContactFactory(owner=member, email="two@example.com")
    with pytest.raises(AdvocatesRefused, match="Nothing was imported: line 3"):
        import_contacts(owner=member, rows=rows)
    assert not Contact.objects.filter(email="one@example.com").exists()


def test_a_confirm_for_another_members_preview_is_refused(member, member_client):
    response = upload(member_client, GOOD)
    token = response.context["token"]
    colleague = MemberFactory(partnership=member.partnership)
    session = member_client.session
    stored = session[f"advocates_import:{token}"]
    stored["owner"] = colleague.pk
    session[f"advocates_import:{token}"] = stored
    session.save()
    member_client.post(reverse("advocates_import_confirm"), {"token": token})
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,email\n" + b"x" * (1024 * 1024), "over 1 MB"),
        ("name,email\nJos\xe9,j@example.com\n".encode("latin-1"), "UTF-8"),
        (b"email,phone\nj@example.com,1\n", "at least a name column"),
        (("name\n" + "Someone\n" * 2001).encode(), "at most 2,000"),
        (b"", "empty"),
        (b"name,email\nA,a@example.com,extra\n", "as many cells as the header"),
        (b"name,notes\nA," + b"x" * 200_000 + b"\n", "a cell is far too long"),
        (b'name,notes\nA,"' + b"x" * 200_000 + b"\n", "a quote is opened and never closed"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(member, data, message):
    with pytest.raises(AdvocatesRefused, match=message):
        parse_contacts_csv(owner=member, data=data)


def test_an_unreadable_upload_is_a_form_error_not_a_500(member_client):
    response = upload(member_client, b"\x00\x01\x02")
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_the_sample_csv_imports_cleanly(member, member_client):
    sample = member_client.get(reverse("advocates_import_sample"))
    assert sample["Content-Type"].startswith("text/csv")
    preview = parse_contacts_csv(owner=member, data=sample.content)
    assert preview.is_clean and len(preview.rows) == 3


def test_the_export_has_every_data_point_and_no_runnable_formula(member, member_client):
    partner = MemberFactory(partnership=member.partnership, display_name="Paul Partner")
    ContactFactory(
        owner=member,
        name='=HYPERLINK("http://evil")',
        email="maya@example.com",
        company="+Corp",
        notes="@SUM(A1)",
        family="-1+2",
        birthday=datetime.date(1986, 12, 3),
        segment=Segment.CORE_ADVOCATES,
        linked_member=partner,
        service_rating=7,
        strength="42.50",
        frequency_points="50.00",
    )
    ContactFactory(owner=MemberFactory(partnership=member.partnership), name="Not Mine")
    response = member_client.get(reverse("advocates_export"))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(stdio.StringIO(body)))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["company"] == "'+Corp"
    assert row["notes"] == "'@SUM(A1)"
    assert row["family"] == "'-1+2"
    assert row["email"] == "maya@example.com"
    assert row["segment"] == "Core Advocates"
    assert row["birthday"] == "1986-12-03"
    assert row["linked_member"] == "Paul Partner"
    assert (row["service_rating"], row["strength"], row["frequency_points"]) == (
        "7",
        "42.50",
        "50.00",
    )
