import pytest
from django.test import Client

from pinnacle.mail.models import Suppression
from pinnacle.mail.tokens import make_unsubscribe_token, unsubscribe_url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def path_for(partnership, email="Lead@Example.com"):
    return unsubscribe_url(partnership=partnership, email=email).split(partnership.host, 1)[1]


def test_get_only_asks_so_link_scanners_opt_no_one_out(partnership):
    response = client_for(partnership).get(path_for(partnership))
    assert response.status_code == 200
    assert "Unsubscribe lead@example.com" in response.text
    assert not Suppression.objects.exists()


def test_one_click_post_needs_no_login_cookie_or_csrf(partnership):
    client = Client(enforce_csrf_checks=True, HTTP_HOST=partnership.host)
    response = client.post(path_for(partnership), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    suppression = Suppression.objects.for_partnership(partnership).get()
    assert suppression.email == "lead@example.com" and suppression.reason == "unsubscribed"
    # again: idempotent, and the page now says so
    client.post(path_for(partnership))
    assert Suppression.objects.count() == 1
    assert "already unsubscribed" in client_for(partnership).get(path_for(partnership)).text


def test_forged_token_is_404(partnership):
    assert client_for(partnership).post("/unsubscribe/not-a-token/").status_code == 404


def test_token_of_another_partnership_is_404_on_this_host(partnership, other_partnership):
    token = make_unsubscribe_token(partnership=other_partnership, email="lead@example.com")
    assert client_for(partnership).post(f"/unsubscribe/{token}/").status_code == 404
    assert not Suppression.objects.exists()
