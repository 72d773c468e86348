"""With DEBUG off, an error is a plain page of the site's own: a 503 with Retry-After while the
database is unreachable, a 500 otherwise; never a traceback (tests/test_faults_database.py
shows both against a real PostgreSQL that is restarted or full)."""

import pytest
from django.db import OperationalError
from django.test import Client

from pinnacle import tenancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_lookup(monkeypatch):
    """The partnership lookup (the first query of every page) raises `failing_lookup.error`."""

    class Lookup:
        error: Exception = OperationalError("connection failed: too many clients already")

    def lookup(host):
        raise Lookup.error

    monkeypatch.setattr(tenancy, "resolve_partnership", lookup)
    return Lookup


def get(partnership, path="/"):
    client = Client(HTTP_HOST=partnership.host, raise_request_exception=False)
    return client.get(path)


def test_an_unreachable_database_is_a_plain_503(partnership, failing_lookup):
    response = get(partnership)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.text
    assert "too many clients" not in response.text and "Traceback" not in response.text


def test_any_other_error_is_a_plain_500(partnership, failing_lookup):
    failing_lookup.error = ValueError("a bug")
    response = get(partnership)
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "a bug" not in response.text and "Traceback" not in response.text


def test_the_health_check_answers_without_the_partnership(partnership, failing_lookup):
    response = get(partnership, "/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"
