"""Members log in with their email and password; the login keeps working when Redis is down (the
rate limiter lets the attempt through and says so in the log), and a wrong password is still a
form error."""

import logging

import pytest

from pinnacle.mail.models import OutboxMessage
from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_logs_in_with_redis_down(anon_client, member, redis_down, caplog):
    with caplog.at_level(logging.WARNING):
        response = anon_client.post(
            "/accounts/login/", {"login": member.user.email, "password": PASSWORD}
        )
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert anon_client.get("/dashboard/").status_code == 200
    assert "Rate limiter unavailable; allauth's login accepted without it" in caplog.text


def test_a_wrong_password_is_a_form_error_with_redis_down(anon_client, member, redis_down):
    response = anon_client.post(
        "/accounts/login/", {"login": member.user.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert anon_client.get("/dashboard/").status_code == 302


def test_with_redis_up_the_sixth_wrong_password_in_five_minutes_is_refused(anon_client, member):
    wrong = {"login": member.user.email, "password": "not-the-password"}
    for _ in range(5):
        assert "are not correct" in anon_client.post("/accounts/login/", wrong).text
    refused = anon_client.post("/accounts/login/", {**wrong, "password": PASSWORD})
    assert "Too many failed login attempts" in refused.text
    assert anon_client.get("/dashboard/").status_code == 302


def test_a_member_asks_for_a_password_reset_with_redis_down(
    anon_client, member, redis_down, caplog
):
    response = anon_client.post("/accounts/password/reset/", {"email": member.user.email})
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(to_email=member.user.email).exists()
    assert "allauth's reset_password accepted without it" in caplog.text


def test_a_superuser_who_is_no_member_here_lands_on_the_admin(anon_client, partnership):
    """Not on the dashboard, which answers 404 to anyone who is no member of the partnership."""
    UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    response = anon_client.post(
        "/accounts/login/", {"login": "root@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert anon_client.get("/admin/").status_code == 200


def test_a_member_who_is_staff_still_lands_on_the_dashboard(anon_client, leader):
    leader.user.is_staff = True
    leader.user.save(update_fields=["is_staff"])
    response = anon_client.post(
        "/accounts/login/", {"login": leader.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
