"""Who is asking: behind the TLS proxy every request comes from the proxy's address, so the
client's own comes from X-Forwarded-For, and only through `TRUSTED_PROXIES` (anyone can write
the header). Per-IP limits (the public forms', allauth's) and stored addresses all use it."""

import ipaddress
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from leads.models import Submission
from pinnacle.http import client_ip, parse_trusted_proxies
from tests.conftest import client_for
from tests.leads.test_intake import form_data
from tests.members.factories import PASSWORD

PROXY = "10.0.0.2"


def asking(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_changes_nothing(settings):
    settings.TRUSTED_PROXIES = 0
    assert asking("198.51.100.7") == PROXY
    assert asking() == PROXY


@pytest.mark.parametrize(
    "count, forwarded, client",
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # what the visitor wrote is not trusted
        (1, "not-an-address, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, " 2001:DB8::7 ", "2001:db8::7"),
        (2, "198.51.100.7", PROXY),  # fewer hops than proxies: not written by them
        (1, "198.51.100.7:4711", "198.51.100.7"),  # a proxy that writes the port too
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "198.51.100.7:port", PROXY),  # not an address
        (1, "", PROXY),
    ],
)
def test_with_a_count_of_proxies_the_client_is_that_many_hops_from_the_right(
    settings, count, forwarded, client
):
    settings.TRUSTED_PROXIES = count
    assert asking(forwarded) == client


@pytest.mark.parametrize(
    "remote, forwarded, client",
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (PROXY, "2001:db8::7, 10.0.0.9", "2001:db8::7"),
        (PROXY, "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # from inside: the first one asked
        (PROXY, "6.6.6.6, junk, 10.0.0.9", PROXY),
        ("203.0.113.50", "198.51.100.7", "203.0.113.50"),  # not through the proxy: no header
    ],
)
def test_with_trusted_networks_the_client_is_the_first_untrusted_hop_from_the_right(
    settings, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    assert asking(forwarded, remote=remote) == client


@pytest.mark.parametrize(
    "value, parsed",
    [
        ("", 0),
        ("0", 0),
        ("2", 2),
        (
            "10.0.0.0/8, 192.0.2.7",
            (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.7/32")),
        ),
        ("fd00::/8", (ipaddress.ip_network("fd00::/8"),)),
    ],
)
def test_the_setting_is_a_count_or_networks(value, parsed):
    assert parse_trusted_proxies(value) == parsed


@pytest.mark.parametrize(
    "value", ["yes", "-1", "1.5", "10.0.0.1/8", "10.0.0.0/8,", "1, 10.0.0.0/8"]
)
def test_a_bad_setting_is_refused(value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_trusted_proxies(value)


@pytest.mark.slow
def test_a_bad_setting_stops_the_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pinnacle.settings", "TRUSTED_PROXIES": "one"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES='one'" in result.stderr


# Through the pages


def join(client, visitor: str, n: int):
    return client.post(
        "/join/",
        form_data(email=f"p{n}@example.com"),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=visitor,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_prospect_has_their_own_limit_and_address(partnership, settings):
    settings.TRUSTED_PROXIES = 1
    client = client_for(partnership)
    for n in range(6):
        assert join(client, f"198.51.100.{n}", n).status_code == 302  # six visitors
    stored = sorted(Submission.objects.values_list("ip_address", flat=True))
    assert stored == [f"198.51.100.{n}" for n in range(6)]
    for n in range(6, 10):
        assert join(client, "198.51.100.0", n).status_code == 302
    assert join(client, "198.51.100.0", 10).status_code == 429  # the first one's sixth


@pytest.mark.django_db
def test_without_the_setting_a_spoofed_header_changes_nothing(partnership, settings):
    settings.TRUSTED_PROXIES = 0
    client = client_for(partnership)
    for n in range(5):
        assert join(client, f"198.51.100.{n}", n).status_code == 302
    assert join(client, "198.51.100.99", 5).status_code == 429
    assert set(Submission.objects.values_list("ip_address", flat=True)) == {PROXY}


def log_in(client, visitor: str, email: str, password: str):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=visitor,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("trusted, refused", [(1, False), (0, True)])
def test_failed_logins_count_per_visitor_only_behind_a_trusted_proxy(
    partnership, member, settings, trusted, refused
):
    settings.TRUSTED_PROXIES = trusted
    for n in range(10):  # allauth: at most 10 failed logins a minute from one address
        log_in(client_for(partnership), "6.6.6.6", f"guess{n}@example.com", "wrong")
    response = log_in(client_for(partnership), "198.51.100.7", member.user.email, PASSWORD)
    assert (response.status_code == 429 or "Too many" in response.text) is refused
    assert (response.status_code == 302) is not refused
