"""Every email a member sends a lead first acknowledges where the lead's contact details came from
and gives the partnership's introductory statement in the member's words (the seed's "Partner
Member Outreach to Leads List"), read from the message as the lead receives it."""

import pytest
from django.core import mail

from leads.models import FormKind
from leads.services.inquiries import express_interest, respond_to_inquiry
from leads.services.intake import submit_lead
from members.models import Member
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.leads.factories import LeadFactory, SubmissionFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

# Dana's details came from the directory access request (/join/).
ACKNOWLEDGEMENT = (
    "I have your contact details because you requested access to the Pinnacle Partnerships "
    "partner directory on the Pinnacle Partnerships website "
    "(https://www.pinnaclepartnerships.example)."
)
STATEMENT = (
    "Thank you for exploring the Pinnacle Partnerships website.  I hope that you found the "
    "information on Pinnacle Partnerships to be exciting and rewarding"
)


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def rita(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Rita Referrer",
        specialization="first-time buyers and relocation to Central Texas",
    )


def dana(partnership):
    """A lead who requested directory access: her first submission is the /join/ form."""
    return SubmissionFactory(
        lead=LeadFactory(partnership=partnership, name="Dana Prospect"), form=FormKind.JOIN
    ).lead


def received(template):
    """The one message of `template`, delivered, as the lead's mail client has it."""
    message = OutboxMessage.objects.get(template=template)
    delivery.deliver(message.pk)
    (sent,) = [m for m in mail.outbox if m.subject == message.subject]
    return sent.body, sent.alternatives[0][0]


def assert_opens_with_the_acknowledgement_and_statement(text, html, specialization):
    sentence = f"As a Pinnacle Partnerships partner member, I specialize in {specialization}."
    for body, acknowledgement in ((text, ACKNOWLEDGEMENT), (html, f"<p>{ACKNOWLEDGEMENT}</p>")):
        assert acknowledgement in body
        assert STATEMENT in body and sentence in body
        # First where the details came from, then the statement, then the member's own words.
        assert body.index("Hello Dana Prospect,") < body.index(acknowledgement)
        assert body.index(acknowledgement) < body.index(STATEMENT) < body.index(sentence)


def test_the_thank_you_in_the_members_name_carries_the_statement(partnership, rita):
    submit_lead(
        partnership=partnership,
        form=FormKind.JOIN,
        name="Dana Prospect",
        email="dana@example.com",
        need="buy",
        timeframe="3m",
        referrer=rita,
    )
    text, html = received("leads/referrer_thanks")
    assert_opens_with_the_acknowledgement_and_statement(
        text, html, "first-time buyers and relocation to Central Texas"
    )
    assert text.index(STATEMENT) < text.index("I will be your main contact")


@pytest.mark.parametrize("kind", ["reply", "ack"])
def test_an_inquiry_answer_carries_the_statement(partnership, rita, kind):
    lead = dana(partnership)
    inquiry = express_interest(lead=lead, member=rita, message="Homes near Hyde Park?")
    respond_to_inquiry(
        inquiry=inquiry,
        member=rita,
        kind=kind,
        body="Three homes there fit; I will send them.",
        follow_up_on=partnership.today() if kind == "ack" else None,
    )
    text, html = received("leads/inquiry_response")
    assert_opens_with_the_acknowledgement_and_statement(
        text, html, "first-time buyers and relocation to Central Texas"
    )
    assert text.index(STATEMENT) < text.index("Three homes there fit")


@pytest.mark.parametrize(
    ("category", "job_title", "completed"),
    [
        (Member.ServiceCategory.MORTGAGE, "Loan Officer", "mortgage lending"),
        (Member.ServiceCategory.OTHER, "Interior Designer", "interior designer"),
    ],
)
def test_a_member_without_a_statement_still_completes_the_sentence(
    partnership, category, job_title, completed
):
    lena = MemberFactory(
        partnership=partnership, specialization="  ", service_category=category, job_title=job_title
    )
    lead = dana(partnership)
    inquiry = express_interest(lead=lead, member=lena, message="Can you help?")
    respond_to_inquiry(inquiry=inquiry, member=lena, kind="reply", body="Gladly.")
    text, html = received("leads/inquiry_response")
    assert_opens_with_the_acknowledgement_and_statement(text, html, completed)


def test_the_statement_reads_as_written_in_text_and_is_escaped_in_html(partnership, rita):
    rita.specialization = "condos & townhomes in O'Hare's <north> suburbs."
    rita.save()
    lead = dana(partnership)
    inquiry = express_interest(lead=lead, member=rita, message="Condos?")
    respond_to_inquiry(inquiry=inquiry, member=rita, kind="reply", body="Yes.")
    text, html = received("leads/inquiry_response")
    assert "I specialize in condos & townhomes in O'Hare's <north> suburbs.\n" in text
    assert "I specialize in condos &amp; townhomes in O&#x27;Hare&#x27;s &lt;north&gt;" in html
    assert "suburbs.." not in text  # a statement that ends itself gets no second period
