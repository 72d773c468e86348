import pytest
from django.core import signing
from django.test import Client

from pinnacle.mail.models import Suppression
from pinnacle.mail.services import queue_email
from pinnacle.mail.tokens import UNSUBSCRIBE_SALT, make_unsubscribe_token
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def outreach(partnership, member, register_outreach):
    """An outreach email from Alice Agent to the lead, as the pipeline queued it."""
    register_outreach("mail/notice")
    return queue_email(
        partnership=partnership,
        key="outreach:1",
        template="mail/notice",
        to="Lead@Example.com",
        context={"subject": "Homes near Hyde Park", "body": "Would these suit you?"},
        sender_name=member.display_name,
        reply_to=member.email,
    )


def path_in(message):
    """The opt-out link as the email carries it (List-Unsubscribe header and body link)."""
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url in message.body_text
    return url.split(message.partnership.host, 1)[1]


def test_get_only_asks_so_link_scanners_opt_no_one_out(partnership, outreach):
    response = client_for(partnership).get(path_in(outreach))
    assert response.status_code == 200
    assert "Opt out lead@example.com" in response.text
    assert not Suppression.objects.exists()


def test_one_click_post_needs_no_login_cookie_or_csrf(partnership, outreach):
    # A mail client's RFC 8058 POST: no session, no cookies, no CSRF token.
    client = Client(enforce_csrf_checks=True, HTTP_HOST=partnership.host)
    response = client.post(path_in(outreach), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You have opted out" in response.text
    assert not client.cookies
    suppression = Suppression.objects.for_partnership(partnership).get()
    assert suppression.email == "lead@example.com" and suppression.reason == "unsubscribed"
    assert suppression.source == Suppression.Source.ONE_CLICK
    assert suppression.source_message == outreach
    assert suppression.source_label == "One-click unsubscribe"
    # again: idempotent, the first record stands, and the page now says so
    client.post(path_in(outreach))
    assert Suppression.objects.get().source == Suppression.Source.ONE_CLICK
    assert "already opted out" in client_for(partnership).get(path_in(outreach)).text


def test_the_pages_button_records_the_link_and_the_message(partnership, outreach):
    client = client_for(partnership)
    page = client.get(path_in(outreach))
    assert '<form method="post">' in page.text  # the button posts nothing else
    client.post(path_in(outreach))
    suppression = Suppression.objects.get()
    assert suppression.source == Suppression.Source.LINK
    assert suppression.source_label == "Opt-out link"
    assert suppression.source_message == outreach
    assert suppression.source_message.sender_name == "Alice Agent"


def test_a_link_from_before_messages_were_named_still_opts_out(partnership):
    old_token = signing.dumps(
        {"p": partnership.pk, "e": "lead@example.com"}, salt=UNSUBSCRIBE_SALT, compress=True
    )
    client_for(partnership).post(f"/unsubscribe/{old_token}/")
    suppression = Suppression.objects.get()
    assert suppression.source == Suppression.Source.LINK and suppression.source_message is None


def test_forged_token_is_404(partnership):
    assert client_for(partnership).post("/unsubscribe/not-a-token/").status_code == 404


def test_token_of_another_partnership_is_404_on_this_host(partnership, other_partnership):
    token = make_unsubscribe_token(
        partnership=other_partnership, email="lead@example.com", message_id=1
    )
    assert client_for(partnership).post(f"/unsubscribe/{token}/").status_code == 404
    assert not Suppression.objects.exists()
