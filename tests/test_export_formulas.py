"""Every CSV export neutralises formula cells: a value a spreadsheet would run (starting with
= + - @, a tab or a carriage return) is written with a leading apostrophe.

The exports are found in the URL conf (a route ending in .csv, or a view that writes text/csv);
each must have a row in EXPORTS that plants hostile values where the export shows them and
downloads it as someone allowed to, or a row in NO_USER_VALUES saying why it shows no value a
person typed. A new export in neither fails the first test.
"""

import csv
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pinnacle.spreadsheets import FORMULA_PREFIXES
from tests.advocates.factories import ContactFactory
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory
from tests.test_safe_redirects import _sources
from tests.transactions.transaction_builders import team_transaction

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1")
WRITES_CSV = re.compile(r"text/csv|csv_response")


def export_names(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from export_names(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and writes_csv(route, entry.callback):
            yield entry.name


def writes_csv(route, callback) -> bool:
    if route.startswith("admin/"):
        return False
    return route.endswith(".csv") or any(WRITES_CSV.search(s) for s in _sources(callback))


def lead_export(partnership, leader, member, formula):
    LeadFactory(partnership=partnership, name=formula, referring_member=member)
    return client_for(partnership, leader)


def compliance_export(partnership, leader, member, formula):
    named = MemberFactory(partnership=partnership, display_name=formula)
    InquiryFactory(lead__partnership=partnership, member=named)
    return client_for(partnership, leader)


def transaction_export(partnership, leader, member, formula):
    team_transaction(member, lead=LeadFactory(partnership=partnership, name=formula))
    return client_for(partnership, member)


def advocates_export(partnership, leader, member, formula):
    ContactFactory(owner=member, name=formula, company=formula)
    return client_for(partnership, member)


EXPORTS = {
    "lead_export": lead_export,
    "compliance_export": compliance_export,
    "transaction_export": transaction_export,
    "advocates_export": advocates_export,
}
NO_USER_VALUES = {
    "advocates_import_sample": "the sample file's fixed rows (written through the same guard)",
}


def test_every_export_is_covered():
    found = set(export_names())
    missing = found - set(EXPORTS) - set(NO_USER_VALUES)
    assert not missing, f"Add these exports to EXPORTS or NO_USER_VALUES: {missing}"
    assert set(EXPORTS) | set(NO_USER_VALUES) <= found, "a stale row"


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_writes_formulas_as_text(name, formula, partnership, leader, member):
    client = EXPORTS[name](partnership, leader, member, formula)
    response = client.get(reverse(name))
    assert response.status_code == 200
    content = response.streaming_content if response.streaming else [response.content]
    text = b"".join(content).decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + formula in cells, f"the planted value is not in {name}"
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
