"""Every contact a member makes first says where the lead's contact details really came from
(the seed: "acknowledge to the prospect/lead the origin of the prospect/lead contact
information"): the lead's first submission decides it, in the email the lead receives (text and
HTML), in its preview, and in the scripts for a call, a voicemail and a text."""

import pytest
from django.core import mail

from leads.models import FormKind
from outreach import services
from outreach.selectors.scripts import channel_scripts
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory, SubmissionFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

WEBSITE = "https://www.pinnaclepartnerships.example"
SENTENCES = {
    FormKind.JOIN: "I have your contact details because you requested access to the Pinnacle "
    f"Partnerships partner directory on the Pinnacle Partnerships website ({WEBSITE}).",
    FormKind.CONTACT: "I have your contact details because you filled in the online form on the "
    f"Pinnacle Partnerships website ({WEBSITE}).",
    FormKind.CAPTURE: "I have your contact details because you left them on a property or "
    "information page published by Pinnacle Partnerships partner members.",
    FormKind.ADVOCATE_REFERRAL: "I have your contact details because someone who knows you "
    "referred you to me.",
}
FALSE_CLAIM = "because you accessed the"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def agent(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        specialization="helping first-time buyers in North Austin",
        cell_phone="512-555-0199",
    )


def lead_from(partnership, form, named_referrer=None):
    lead = LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")
    SubmissionFactory(lead=lead, form=form, named_referrer=named_referrer)
    return lead


def sent_email(agent, lead):
    services.send_message(
        member=agent,
        lead=lead,
        subject="Homes near Domain",
        body="Dana, I have three homes to show you.",
        actor=agent.user,
    )
    delivery.deliver(OutboxMessage.objects.get().pk)
    (sent,) = mail.outbox
    return sent.body, sent.alternatives[0][0]


@pytest.mark.parametrize("form", list(SENTENCES))
def test_the_email_says_where_this_leads_details_came_from(partnership, agent, form):
    referrer = agent if form == FormKind.ADVOCATE_REFERRAL else None
    lead = lead_from(partnership, form, named_referrer=referrer)
    text, html = sent_email(agent, lead)
    assert text.index("Hello Dana Prospect,") < text.index(SENTENCES[form])
    assert text.index(SENTENCES[form]) < text.index("I specialize in helping first-time buyers")
    assert f"<p>{SENTENCES[form]}</p>" in html
    assert FALSE_CLAIM not in text and FALSE_CLAIM not in html


@pytest.mark.parametrize("form", list(SENTENCES))
def test_the_call_voicemail_and_text_scripts_say_it_too(partnership, agent, form):
    referrer = agent if form == FormKind.ADVOCATE_REFERRAL else None
    lead = lead_from(partnership, form, named_referrer=referrer)
    scripts = channel_scripts(member=agent, lead=lead)
    assert list(scripts) == ["call", "voicemail", "text"]
    for script in scripts.values():
        assert SENTENCES[form] in script
        assert script.index(SENTENCES[form]) < script.index("I specialize in helping first-time")
        assert FALSE_CLAIM not in script
    assert "Please call me back at 512-555-0199" in scripts["voicemail"]


@pytest.mark.parametrize("form", [FormKind.CAPTURE, FormKind.ADVOCATE_REFERRAL])
def test_the_lead_page_shows_the_call_script_and_the_preview_with_the_origin(
    partnership, agent, form
):
    referrer = agent if form == FormKind.ADVOCATE_REFERRAL else None
    lead = lead_from(partnership, form, named_referrer=referrer)
    client = client_for(partnership, agent)
    page = client.get(f"/leads/{lead.pk}/").text
    call_script = page.split('id="script-call">', 1)[1].split("</blockquote>", 1)[0]
    assert SENTENCES[form] in call_script
    assert "their visit to the" not in page  # the page's own hint claims no website visit
    preview = client.post(
        f"/outreach/leads/{lead.pk}/write/",
        {"subject": "Hi", "body": "Dana, I have three homes to show you.", "action": "preview"},
    ).text
    assert SENTENCES[form] in preview and FALSE_CLAIM not in preview


def test_an_advocate_referral_entered_by_a_colleague_names_that_colleague(partnership, agent):
    rita = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    lead = lead_from(partnership, FormKind.ADVOCATE_REFERRAL, named_referrer=rita)
    expected = (
        "I have your contact details because someone who knows you referred you to Rita "
        "Referrer, a fellow Pinnacle Partnerships partner member."
    )
    text, _html = sent_email(agent, lead)
    assert expected in text
    assert expected in channel_scripts(member=agent, lead=lead)["call"]
    # Rita herself says the lead was referred to her.
    assert SENTENCES[FormKind.ADVOCATE_REFERRAL] in channel_scripts(member=rita, lead=lead)["call"]


def test_the_first_submission_is_where_the_details_came_from(partnership, agent, time_machine):
    time_machine.move_to("2025-04-07 09:00 -04:00", tick=False)
    lead = lead_from(partnership, FormKind.CAPTURE)
    time_machine.move_to("2025-04-09 09:00 -04:00", tick=False)
    SubmissionFactory(lead=lead, form=FormKind.JOIN)  # later, they asked for the directory too
    text, _html = sent_email(agent, lead)
    assert SENTENCES[FormKind.CAPTURE] in text
    assert SENTENCES[FormKind.JOIN] not in text
