"""PostgreSQL faults with real processes: the portal served by gunicorn (production settings:
DEBUG off, psycopg's connection pool with health checks) from a PostgreSQL of the test's own, which
the test restarts under load and then fills up until it refuses new connections ("too many
clients", as when several processes shared one server).

During the outage every answer is the plain "temporarily unavailable" page (a 503 with
Retry-After, never a traceback or Django's debug page), `/healthz` says the database is down,
nothing is half-saved, and once the server is back the same app process answers again.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import psycopg
import pytest
import requests
from django.db import connection

from tests.processes import (
    PostgresServer,
    RedisServer,
    database_url,
    gunicorn,
    port_open,
    production_env,
    wait_until,
    web_port,
)

# One xdist worker runs the tests that serve on the machine's web ports (8101-8119), one at a time.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("web-ports"),
]

DATABASE = "portal"
UNAVAILABLE = "Temporarily unavailable"
NEVER_SHOWN = ("Traceback", "OperationalError", "psycopg", "Exception Value", "DEBUG = True")


@dataclass
class Portal:
    url: str
    database: PostgresServer
    database_url: str
    timeout: float = 10  # seconds a request may take (the pool waits 5 s for a connection)
    prospects: ClassVar[Iterator[int]] = itertools.count(1)

    def get(self, path: str) -> requests.Response:
        return requests.get(self.url + path, timeout=self.timeout, allow_redirects=False)

    def join(self, email: str) -> requests.Response:
        """A prospect's /join/ form, posted the way a browser does (CSRF cookie and token), each
        from an address of its own behind the proxy (the per-IP limit counts prospects)."""
        address = str(ipaddress.IPv4Address("10.0.0.0") + next(Portal.prospects))
        page = requests.get(self.url + "/join/", timeout=self.timeout)
        if page.status_code != 200:
            return page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "name": "Dana Prospect",
            "email": email,
            "phone": "(512) 555-0199",
            "need": "buy",
            "timeframe": "3m",
            "referrer": "none",
            "message": "Looking for a starter home.",
            "consent": "on",
            "website": "",
        }
        # The cookie is marked Secure (production settings): sent by hand over loopback http.
        cookie = f"csrftoken={page.cookies['csrftoken']}"
        return requests.post(
            self.url + "/join/",
            data=data,
            headers={"Cookie": cookie, "X-Forwarded-For": address},
            timeout=self.timeout,
            allow_redirects=False,
        )

    def leads(self) -> set[str]:
        with psycopg.connect(self.database_url) as db:
            return {row[0] for row in db.execute("SELECT email FROM leads_lead")}


@pytest.fixture
def portal(partnership, tmp_path) -> Iterator[Portal]:
    """gunicorn (one process, four threads) serving the portal from its own PostgreSQL, a copy
    of the test database with this test's partnership, and its own Redis."""
    server = PostgresServer(max_connections=10)
    redis = RedisServer(tmp_path)
    try:
        server.start()
        server.copy_database(database_url(connection.settings_dict), DATABASE)
        redis.start()
        port = web_port()
        url = f"postgres://postgres@127.0.0.1:{server.port}/{DATABASE}"
        env = production_env(url, redis.url(), DATABASE_POOL_SIZE="4", DATABASE_POOL_TIMEOUT="2")
        with gunicorn(port, env, tmp_path / "gunicorn.log"):
            wait_until(lambda: port_open(port), 30, "gunicorn to listen")
            yield Portal(url=f"http://127.0.0.1:{port}", database=server, database_url=url)
    finally:
        redis.stop()
        server.cleanup()


def assert_plain_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:500]
    assert UNAVAILABLE in response.text
    assert response.headers["Retry-After"] == "30"
    for shown in NEVER_SHOWN:
        assert shown not in response.text


@dataclass
class Load:
    """Prospects and visitors at the portal from several threads until stopped; every answer
    kept (the status, whether it was the plain unavailable page, and each form's address)."""

    portal: Portal
    answers: list[tuple[str, int, bool]] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def visitor(self, n: int) -> None:
        sent = 0
        while not self.stop.is_set():
            for path in ("/", "/join/", "/healthz"):
                try:
                    response = self.portal.get(path)
                except requests.RequestException as error:  # never: gunicorn stays up
                    self.answers.append((path, -1, False))
                    raise AssertionError(f"{path}: {error}") from error
                self.answers.append((path, response.status_code, self.plain(response)))
            email = f"visitor{n}.{sent}@example.com"
            sent += 1
            response = self.portal.join(email)
            self.answers.append(("POST /join/", response.status_code, self.plain(response)))
            (self.joined if response.status_code == 302 else self.refused).append(email)
            time.sleep(0.05)

    @staticmethod
    def plain(response: requests.Response) -> bool:
        if response.status_code != 503:
            return True
        if response.headers.get("Content-Type", "").startswith("application/json"):
            return True  # /healthz's own answer, checked below
        try:
            assert_plain_unavailable(response)
        except AssertionError:
            return False
        return True

    def __enter__(self):
        self.threads = [threading.Thread(target=self.visitor, args=(n,)) for n in range(3)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def healthz(portal: Portal) -> tuple[int, dict]:
    """The status and the dependencies' answers (beat and outbox: tests/pinnacle/test_healthz.py;
    here beat is "pending", the portal having just started)."""
    response = portal.get("/healthz")
    body = response.json()
    return response.status_code, {name: body[name] for name in ("database", "redis", "broker")}


def test_a_database_restart_under_load_is_a_plain_503_and_the_app_recovers_by_itself(portal):
    assert healthz(portal) == (200, {"database": "ok", "redis": "ok", "broker": "ok"})
    with Load(portal) as load:
        wait_until(lambda: len(load.joined) >= 3, 30, "prospects joining before the outage")
        portal.database.stop()
        outage_started = len(load.answers)
        assert healthz(portal) == (503, {"database": "unreachable", "redis": "ok", "broker": "ok"})
        assert_plain_unavailable(portal.get("/"))
        time.sleep(1)
        portal.database.start()
        wait_until(lambda: portal.get("/").status_code == 200, 15, "the app to answer again")
        during = load.answers[outage_started:]
        recovered = len(load.joined)
        wait_until(lambda: len(load.joined) >= recovered + 3, 30, "prospects joining after")

    statuses = {status for _, status, _ in load.answers}
    assert statuses <= {200, 302, 503}, statuses  # never a 500, never a dropped connection
    assert all(plain for _, _, plain in load.answers), "a 503 that was not the plain page"
    assert any(status == 503 for _, status, _ in during), "the load never met the outage"
    assert healthz(portal) == (200, {"database": "ok", "redis": "ok", "broker": "ok"})
    # Every prospect told "thank you" is saved; none refused during the outage is half-saved.
    assert portal.leads() == set(load.joined)


def test_a_database_refusing_new_connections_is_a_plain_503_until_it_has_room(portal):
    """Every connection slot is taken by other processes before the app needs one: PostgreSQL
    answers "too many clients"; the app says so plainly, and takes a slot once one is free."""
    held: list[psycopg.Connection] = []
    try:
        while True:
            try:
                held.append(psycopg.connect(portal.database_url, connect_timeout=5))
            except psycopg.OperationalError as error:
                assert "too many clients" in str(error) or "remaining connection slots" in str(
                    error
                )
                break
        assert_plain_unavailable(portal.get("/"))
        assert_plain_unavailable(portal.join("full@example.com"))
        assert healthz(portal)[1]["database"] == "unreachable"
    finally:
        for db in held:
            db.close()
    # The pool's own reconnection backs off while the server refuses: back within seconds.
    wait_until(lambda: portal.get("/").status_code == 200, 30, "the app to answer again")
    assert portal.join("room@example.com").status_code == 302
    assert healthz(portal) == (200, {"database": "ok", "redis": "ok", "broker": "ok"})
    assert portal.leads() == {"room@example.com"}
