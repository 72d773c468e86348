"""The benchmark's large seed, run at its smallest scale: every kind of row is made, every page the
benchmark measures answers 200 for the login the manifest names, and nothing of the second
partnership shows on the first's pages. Keeps the benchmark from rotting when models change."""

import io
import json

import pytest
from django.test import Client

from advocates.models import Contact, Enrollment, Touch
from bench.seed.run import PARTNERSHIPS, seed
from comarketing.models import Connection
from leads.models import Inquiry, InquiryResponse, Lead, Submission
from members.models import Member, User
from outreach.models import Attempt
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership
from transactions.models import (
    HandoffEvaluation,
    PostCloseStep,
    TeamMember,
    ThankYouLetter,
    Transaction,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SCALE = 0.001


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    seed(scale=SCALE, manifest=path, out=io.StringIO())
    written = json.loads(path.read_text())
    assert written["scale"] == SCALE
    return written


def client_of(manifest, who: str) -> Client:
    login = manifest["logins"][who]
    user = User.objects.get(email=login["email"])
    assert user.check_password(manifest["password"])
    client = Client(HTTP_HOST=login["host"])
    client.force_login(user)
    return client


def test_every_kind_of_row_is_made_in_both_partnerships(manifest):
    counts = manifest["counts_per_partnership"]
    for slug, _ in PARTNERSHIPS:
        p = Partnership.objects.get(slug=slug)
        assert Lead.objects.for_partnership(p).count() == counts["leads"]
        assert Member.objects.for_partnership(p).count() == counts["members"]
        assert Transaction.objects.for_partnership(p).count() == counts["transactions"]
        assert Contact.objects.for_partnership(p).count() == counts["contacts"]
        assert Connection.objects.for_partnership(p).count() == counts["connections"]
        assert OutboxMessage.objects.for_partnership(p).count() == counts["outbox"]
        for model in (
            Submission,
            Inquiry,
            InquiryResponse,
            Attempt,
            TeamMember,
            PostCloseStep,
            ThankYouLetter,
            HandoffEvaluation,
            Enrollment,
            Touch,
        ):
            assert model.objects.for_partnership(p).exists(), model.__name__
        queued = OutboxMessage.objects.for_partnership(p).filter(status="queued")
        assert queued.filter(next_attempt_at__isnull=False).count() == queued.count() > 0


def test_a_second_run_at_the_same_scale_adds_nothing(manifest, tmp_path):
    before = OutboxMessage.objects.count(), Lead.objects.count()
    out = io.StringIO()
    seed(scale=SCALE, manifest=tmp_path / "again.json", out=out)
    assert "Already seeded" in out.getvalue()
    assert (OutboxMessage.objects.count(), Lead.objects.count()) == before


def test_every_benchmark_page_answers(manifest):
    anonymous = Client(HTTP_HOST=manifest["partnerships"][0]["host"])
    for name, url in manifest["pages"]["anonymous"].items():
        assert anonymous.get(url).status_code == 200, (name, url)
    for who in ("agent", "leader"):
        client = client_of(manifest, who)
        for name, url in manifest["pages"][who].items():
            assert client.get(url).status_code == 200, (who, name, url)


def test_the_searches_find_the_agents_leads(manifest):
    client = client_of(manifest, "agent")
    pages = manifest["pages"]["agent"]
    surname = pages["leads_search_name"].split("q=")[1]
    assert surname in client.get(pages["leads_search_name"]).content.decode()
    digits = pages["leads_search_phone"].split("q=")[1]
    mine = Lead.objects.filter(referring_member__user__email=manifest["logins"]["agent"]["email"])
    shown = client.get(pages["leads_search_phone"]).content.decode()
    matching = [lead for lead in mine if digits in "".join(filter(str.isdigit, lead.phone))]
    assert matching
    assert all(f"/leads/{lead.pk}/" in shown for lead in matching)


def test_the_second_partnership_never_shows_on_the_first(manifest):
    other = Partnership.objects.get(slug=PARTNERSHIPS[1][0])
    client = client_of(manifest, "agent")
    lead = Lead.objects.for_partnership(other).order_by("pk").first()
    transaction = Transaction.objects.for_partnership(other).order_by("pk").first()
    contact = Contact.objects.for_partnership(other).order_by("pk").first()
    for url in (
        f"/leads/{lead.pk}/",
        f"/transactions/{transaction.pk}/",
        f"/advocates/{contact.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get(f"/leads/?q={lead.email}").content.decode()
    assert f"/leads/{lead.pk}/" not in listed
    directory = client.get("/directory/").content.decode()
    ours = set(
        Member.objects.for_partnership(
            Partnership.objects.get(slug=PARTNERSHIPS[0][0])
        ).values_list("slug", flat=True)
    )
    theirs = set(Member.objects.for_partnership(other).values_list("slug", flat=True)) - ours
    assert theirs
    assert not any(f"/directory/{slug}/" in directory for slug in theirs)
