"""The contacts CSV import, fuzzed: any uploaded file (random bytes, other encodings, a BOM,
wrong or doubled headers, huge cells, formula cells, NULs, nothing at all) gets an answer with
a reason and never a 500; the preview stores nothing; confirming a clean preview imports every
row or none (the import promises all-or-nothing: advocates.services.io.import_contacts).
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from advocates.models import Contact
from advocates.services.io import COLUMNS
from tests.conftest import client_for
from tests.fuzzing import FUZZ, hostile_text, table_counts

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HEADER = st.lists(
    st.one_of(
        st.sampled_from(COLUMNS), st.sampled_from(("Name", " NAME ", "", "bogus")), hostile_text()
    ),
    min_size=1,
    max_size=6,
)
CELL = st.one_of(
    st.sampled_from(("Maya Thompson", "maya@example.com", "advocates", "2024-02-30", "1999-01-01")),
    st.sampled_from(("=1+1", "+SUM(A1)", "-2", "@x", "\t=1", "x" * 200_000)),
    hostile_text(),
)


def as_csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


TABLES = st.builds(as_csv, HEADER, st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=4))
FILES = st.one_of(
    TABLES.map(lambda text: text.encode("utf-8")),
    TABLES.map(lambda text: "\ufeff".encode() + text.encode("utf-8")),  # a BOM
    TABLES.map(lambda text: text.encode("utf-16")),
    TABLES.map(lambda text: text.encode("latin-1", errors="replace")),
    st.binary(max_size=1000),
    st.sampled_from((b"", b"\n\n", b'name\n"never closed', b"name\x00\nx", b"name,name\na,b")),
)


def test_any_file_gets_a_reason_and_an_import_is_all_or_nothing(member):
    client = client_for(member.partnership, member)
    before = table_counts()
    confirmed_imports = []

    @settings(FUZZ, max_examples=40)
    @given(data=FILES)
    def upload(data):
        client.cookies.pop("messages", None)
        with transaction.atomic():
            upload = SimpleUploadedFile("contacts.csv", data, content_type="text/csv")
            response = client.post("/advocates/import/", {"file": upload})
            assert response.status_code in (200, 400)
            assert table_counts() == before, "the preview stored something"
            page = response.content.decode()
            if response.status_code == 400:
                assert 'class="errorlist' in page
            token = re.search(r'name="token" value="([^"]+)"', page)
            if token:
                rows = int(re.search(r"Import (\d+) contacts", page)[1])
                confirmed = client.post("/advocates/import/confirm/", {"token": token[1]})
                assert confirmed.status_code == 302
                imported = Contact.objects.filter(owner=member).count()
                assert imported in (0, rows), "a half import"
                if imported == 0:
                    assert table_counts() == before
                confirmed_imports.append(imported)
            transaction.set_rollback(True)

    upload()
    assert any(confirmed_imports), "no clean file was drawn: the confirm step went untested"
