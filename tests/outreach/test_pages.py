"""A member's outreach as they use it: the lead's page, the composer, logging, cross-selling,
templates; each refusal says why and until when."""

import pytest
from django.core import mail

from outreach.models import Attempt, DecisionNote, LeadReply, Recommendation, Template
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory, grow_leads
from tests.members.factories import MemberFactory
from tests.outreach.factories import TemplateFactory, grow_attempts

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        specialization="helping first-time buyers in North Austin",
    )


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def client(agent):
    return client_for(agent.partnership, agent)


def compose(client, lead, action="send", **fields):
    data = {
        "subject": "Homes near Domain",
        "body": "Dana, I have three homes to show you.",
        **fields,
    }
    return client.post(f"/outreach/leads/{lead.pk}/write/", {**data, "action": action})


def test_the_lead_page_offers_outreach_with_the_viewers_state(client, lead):
    page = client.get(f"/leads/{lead.pk}/").text
    assert "Your outreach to Dana Prospect" in page
    assert f'href="/outreach/leads/{lead.pk}/write/"' in page
    assert "Not tried" in page and "Stage: New" in page


def test_sending_a_message_records_an_attempt_and_queues_outreach(client, lead):
    response = compose(client, lead)
    assert response.status_code == 302 and response.url == f"/leads/{lead.pk}/"
    attempt = Attempt.objects.get()
    assert attempt.channel == "portal_email" and attempt.was_cold
    message = attempt.message
    assert message.to_email == "dana@example.com" and message.subject == "Homes near Domain"
    assert message.category == OutboxMessage.Category.OUTREACH
    assert message.from_email.startswith("Alice Agent")
    assert "Dana, I have three homes to show you." in message.body_text


def test_preview_shows_the_exact_email_and_sends_nothing(client, lead):
    response = compose(client, lead, action="preview")
    assert response.status_code == 200
    assert "Preview: exactly what Dana Prospect receives" in response.text
    assert "helping first-time buyers in North Austin" in response.text
    assert "Dana, I have three homes to show you." in response.text
    assert not OutboxMessage.objects.exists() and not Attempt.objects.exists()


def test_an_empty_message_is_refused(client, lead):
    response = compose(client, lead, body="   ")
    assert response.status_code == 400
    assert "Write your own message to the lead before sending." in response.text
    assert not Attempt.objects.exists()


def test_a_template_left_unchanged_is_refused(client, agent, lead):
    template = TemplateFactory(member=agent, partnership=agent.partnership)
    page = client.get(f"/outreach/leads/{lead.pk}/write/?template={template.pk}").text
    assert template.body in page
    response = compose(client, lead, body=f"  {template.body} ", template=template.pk)
    assert response.status_code == 400
    assert "Make it personal" in response.text
    assert compose(client, lead, body=template.body + " See you Tuesday?", template=template.pk)
    assert Attempt.objects.count() == 1


def test_a_member_without_a_specialization_is_asked_to_write_it_first(partnership, lead):
    member = MemberFactory(partnership=partnership, specialization="")
    client = client_for(partnership, member)
    assert "Write it on your profile" in client.get(f"/outreach/leads/{lead.pk}/write/").text
    response = compose(client, lead)
    assert response.status_code == 400 and "specialization statement" in response.text
    assert not Attempt.objects.exists()


def test_the_third_cold_attempt_is_refused_on_the_page_with_the_date(client, lead):
    compose(client, lead)
    client.post(f"/outreach/leads/{lead.pk}/call/", {"outcome": "voicemail", "note": ""})
    page = client.get(f"/leads/{lead.pk}/").text
    assert "No attempt now." in page and "Your next attempt is allowed from" in page
    assert f'href="/outreach/leads/{lead.pk}/write/"' not in page
    response = client.post(
        f"/outreach/leads/{lead.pk}/call/", {"outcome": "no_answer"}, follow=True
    )
    assert "Not recorded. You have made 2 cold attempts" in response.text
    assert Attempt.objects.count() == 2


def test_logging_a_reply_makes_contact(client, lead):
    client.post(f"/outreach/leads/{lead.pk}/replied/", {"note": "She called back"})
    assert LeadReply.objects.get().note == "She called back"
    assert "Contact made" in client.get(f"/leads/{lead.pk}/").text


def test_recommending_members_emails_the_lead_and_tells_each_member(client, partnership, lead):
    bob = MemberFactory(partnership=partnership, display_name="Bob Broker")
    lena = MemberFactory(partnership=partnership, display_name="Lena Lender")
    response = client.post(
        f"/outreach/leads/{lead.pk}/recommend/",
        {"recommended": [bob.pk, lena.pk], "note": "Bob knows condos; Lena can pre-approve you."},
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert set(recommendation.recommended.all()) == {bob, lena}
    to_lead = recommendation.message
    assert to_lead.subject == "Alice Agent recommends Bob Broker and Lena Lender for you"
    assert bob.get_absolute_url() in to_lead.body_text and "/directory/" in to_lead.body_text
    notices = OutboxMessage.objects.filter(template="outreach/recommended_notice")
    assert sorted(m.to_email for m in notices) == sorted([bob.email, lena.email])
    assert Attempt.objects.get().was_cold  # a cold lead: the recommendation is an attempt


def test_recording_the_decision_process_puts_it_on_the_timeline(client, lead):
    client.post(
        f"/outreach/leads/{lead.pk}/decision/",
        {"decision_process": "Comparing two lenders on fees", "feedback": "Ask both for a LE"},
    )
    assert DecisionNote.objects.exists()
    assert "Comparing two lenders on fees" in client.get(f"/leads/{lead.pk}/").text


def test_templates_are_the_members_own(client, agent, partnership):
    response = client.post(
        "/outreach/templates/new/",
        {"name": "First hello", "subject": "Hello", "body": "My opening", "stages": ["new"]},
    )
    assert response.status_code == 302
    template = Template.objects.get(member=agent)
    assert template.stages == ["new"]
    duplicate = client.post(
        "/outreach/templates/new/", {"name": "First hello", "subject": "x", "body": "y"}
    )
    assert "You already have a template named" in duplicate.text
    colleague = client_for(partnership, MemberFactory(partnership=partnership))
    assert colleague.get(f"/outreach/templates/{template.pk}/").status_code == 404
    assert colleague.post(f"/outreach/templates/{template.pk}/delete/").status_code == 404
    assert "Delete" in client.get(f"/outreach/templates/{template.pk}/delete/").text
    client.post(f"/outreach/templates/{template.pk}/delete/")
    assert not Template.objects.exists()


def test_templates_for_the_leads_stage_come_first(client, agent, lead):
    TemplateFactory(
        member=agent, partnership=agent.partnership, name="A later", stages=["customer"]
    )
    TemplateFactory(member=agent, partnership=agent.partnership, name="B new", stages=["new"])
    page = client.get(f"/outreach/leads/{lead.pk}/write/").text
    assert page.index("B new (suits this stage)") < page.index("A later")


def test_my_outreach_lists_the_leads_i_tried(client, agent, lead, partnership):
    compose(client, lead)
    page = client.get("/outreach/").text
    assert "Dana Prospect" in page and "1 of 2 this week" in page


def test_the_leads_list_shows_each_member_their_own_state(client, lead, partnership):
    compose(client, lead)
    assert "1 of 2 this week" in client.get("/leads/").text
    colleague = client_for(partnership, MemberFactory(partnership=partnership))
    assert "Not tried" in colleague.get("/leads/").text


def test_the_sent_message_is_wrapped_by_the_system(client, agent, lead, partnership, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    compose(client, lead)
    delivery.deliver(OutboxMessage.objects.get().pk)
    sent = mail.outbox[0]
    html = sent.alternatives[0][0]
    for part in (sent.body, html):
        assert "Pinnacle Partnerships website" in part  # where their details came from
        assert "I specialize in helping first-time buyers in North Austin" in part
        assert partnership.website_url in part
        assert "Opt out of future outreach" in part
    assert partnership.seal_url in html
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.extra_headers["List-Unsubscribe"].strip("<>") in sent.body


# Partnership, user, membership; the page's count of leads tried and its rows; the policy state
# of the page's leads (one); the member's template count.
MY_OUTREACH_QUERIES = 7


@pytest.mark.parametrize("count", [10, 1000])
def test_my_outreach_query_count_does_not_grow_with_the_leads_tried(
    client, agent, partnership, count, django_assert_num_queries
):
    grow_leads(partnership, count)
    grow_attempts(partnership, agent)
    with django_assert_num_queries(MY_OUTREACH_QUERIES):
        page = client.get("/outreach/").text
    assert page.count('<th scope="row" class="lead-name">') == min(count, 25)
    assert "2 of 2 this week" in page
    with django_assert_num_queries(MY_OUTREACH_QUERIES):
        assert client.get("/outreach/", {"page": "2"}).status_code == 200
