"""Markup typed into a free-text field is shown as text in every output: pages, the HTML part of
emails, PDFs (ReportLab's Paragraph reads mini-markup, so text is escaped into it) and CSVs.

Each row plants the markup in one field through the usual factories or the public form, and
returns what one output shows; HTML outputs must carry it escaped and never raw, PDF and CSV
outputs must carry it as the literal text typed (not parsed, not lost).
"""

import csv
import io

import pytest
from django.core import mail
from django.utils.html import escape
from pypdf import PdfReader

from leads.models import Lead
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.advocates.factories import ContactFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.leads.test_intake import form_data
from tests.members.factories import MemberFactory
from tests.transactions.transaction_builders import Committee
from transactions.letter_pdf import render_letter_pdf
from transactions.services.thank_you import draft_letter

pytestmark = pytest.mark.django_db

MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<b>bold</b> & <i>")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def lead_page(partnership, member, leader, markup):
    lead = LeadFactory(partnership=partnership, name=markup, referring_member=member)
    return page(client_for(partnership, member), f"/leads/{lead.pk}/")


def leads_list(partnership, member, leader, markup):
    LeadFactory(partnership=partnership, name=markup, referring_member=member)
    return page(client_for(partnership, leader), "/leads/")


def directory(partnership, member, leader, markup):
    named = MemberFactory(partnership=partnership, display_name=markup, bio=markup)
    anonymous = client_for(partnership)
    return page(anonymous, "/directory/") + page(anonymous, f"/directory/{named.slug}/")


def advocate_contact(partnership, member, leader, markup):
    contact = ContactFactory(owner=member, name=markup, notes=markup, hobbies=markup)
    return page(client_for(partnership, member), f"/advocates/{contact.pk}/")


def welcome_email_html(partnership, member, leader, markup):
    response = client_for(partnership).post("/join/", form_data(name=markup, message=markup))
    assert response.status_code == 302
    for message in OutboxMessage.objects.order_by("pk"):
        delivery.deliver(message.pk)
    return "".join(html for email in mail.outbox for html, _ in email.alternatives)


HTML_OUTPUTS = {
    "lead name on the lead's page": lead_page,
    "lead name in the leads list": leads_list,
    "member name and bio in the directory": directory,
    "contact name, notes and hobbies on the contact's page": advocate_contact,
    "prospect name and message in the emails' HTML": welcome_email_html,
}


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize("markup", MARKUP)
@pytest.mark.parametrize("output", sorted(HTML_OUTPUTS))
def test_markup_is_escaped_in_html(output, markup, partnership, member, leader):
    shown = HTML_OUTPUTS[output](partnership, member, leader, markup)
    assert escape(markup) in shown
    assert markup not in shown


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_the_customer_name_is_text_in_the_thank_you_letter_pdf(partnership, markup):
    closed = Committee(partnership).close(
        lead=LeadFactory(partnership=partnership, name=markup, email="dana@example.com")
    )
    pdf = render_letter_pdf(draft_letter(transaction=closed))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert markup in " ".join(text.split())


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_a_lead_name_is_the_literal_text_of_the_export(partnership, leader, markup):
    LeadFactory(partnership=partnership, name=markup)
    response = client_for(partnership, leader).get("/leads/export.csv")
    text = b"".join(response.streaming_content).decode()
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert names == [markup]
    assert Lead.objects.get().name == markup
