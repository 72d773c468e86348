"""The second tenant wall: PostgreSQL row-level security (pinnacle/rls.py) holds the app role to
the partnership of the request or task, whatever the query forgets to filter.

The rest of the suite runs as the owner (a superuser: not held). These tests connect as the app
role (`app` in tests/settings.py, the same test database) by putting its connection in place of
`default` (`as_app`), and are transactional so the owner's rows are committed for it to see.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.apps import apps
from django.core import mail
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone

from advocates.models import Contact
from leads.models import Lead
from members.models import Member
from outreach.models import Recommendation
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.tasks import deliver_message, sweep_outbox
from pinnacle.models import AuditEvent, Partnership
from pinnacle.rls import APP_ROLE, ensure_app_role, leaky_search_functions
from pinnacle.tenancy import each_partnership, record_audit, tenant_scope
from policy.models import PolicyRevision
from policy.tasks import close_policy_votes
from tests.advocates.factories import ContactFactory, ReferralFactory, SurveyFactory
from tests.comarketing.factories import MediaFactory
from tests.leads.factories import InquiryFactory, SubmissionFactory
from tests.members.factories import (
    BreachReportFactory,
    InvitationFactory,
    MemberFactory,
    PolicyRevisionFactory,
    PolicySuggestionFactory,
    UserFactory,
)
from tests.outreach.factories import TemplateFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.pinnacle.mail_pipeline_helpers import notice
from tests.transactions.factories import DisclosureFactory, TransactionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "owner", "app"]),
    pytest.mark.slow,
    # One worker makes the app role (a cluster-wide row, which two workers' ALTER ROLE could race).
    pytest.mark.xdist_group("row_level_security"),
]

SETTING = "pinnacle.partnership"


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker):
    """The app role and its grants on the test database, as `make run` and docker-compose make
    them (the `app_role` command); its password left as it is (none when made here: the test
    server trusts loopback)."""
    with django_db_blocker.unblock():
        ensure_app_role(APP_ROLE, None, using="default")


@contextlib.contextmanager
def as_app():
    """The app role's connection where the code looks for `default`."""
    owner = connections["default"]
    connections["default"] = connections["app"]
    try:
        yield connections["app"]
    finally:
        connections["default"] = owner


def tenant_models():
    """Every concrete model with a `partnership` foreign key to Partnership, walked here rather
    than taken from pinnacle/rls.py, so a model the code forgets still fails the test."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.name == "partnership" and field.related_model is Partnership:
                found.append(model)
    return found


def child_models():
    """Models of tenant data without a partnership (many-to-many tables between tenant models):
    walled through their parents."""
    tenant = set(tenant_models())
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model not in tenant
        and model._meta.managed
        and not model._meta.proxy
        and any(f.is_relation and f.related_model in tenant for f in model._meta.concrete_fields)
    ]


Recommended = Recommendation.recommended.through


def session_setting(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [SETTING])
        return cursor.fetchone()[0] or ""


def populate(partnership) -> None:
    """Rows of every app in the partnership (the partnership's own creation already made its
    policy, plans and settings)."""
    member = MemberFactory(partnership=partnership, kind="lender")
    DisclosureFactory(transaction=TransactionFactory(lead__partnership=partnership))
    SubmissionFactory(lead__partnership=partnership)
    InquiryFactory(lead__partnership=partnership)
    InvitationFactory(partnership=partnership)
    PolicySuggestionFactory(partnership=partnership)
    BreachReportFactory(partnership=partnership)
    TemplateFactory(partnership=partnership)
    MediaFactory(partnership=partnership)
    lead = Lead.objects.filter(partnership=partnership).first()
    recommendation = Recommendation.objects.create(
        partnership=partnership, member=member, lead=lead, note="Two good agents."
    )
    recommendation.recommended.add(MemberFactory(partnership=partnership))
    contact = ContactFactory(owner=member)
    ReferralFactory(contact=contact)
    SurveyFactory(owner=member)
    notice(partnership, key=f"notice:{partnership.slug}")
    record_audit(partnership=partnership, actor=None, action="rls.test", summary="a row")


def probe(request):
    """Every tenant model, read unscoped: which partnerships' rows, how many."""
    seen = {}
    for model in tenant_models():
        ids = list(model._default_manager.all().values_list("partnership_id", flat=True))
        seen[model._meta.label] = [len(ids), sorted(set(ids))]
    seen["recommended"] = [Recommended.objects.count(), []]
    if request.GET.get("fail"):
        raise RuntimeError("the view failed after reading")
    if request.GET.get("drop"):  # the connection dies under the view (a restart, a kill)
        with contextlib.suppress(DatabaseError), connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return JsonResponse(seen)


urlpatterns = [path("rls-probe/", probe), path("", include("pinnacle.urls"))]


@pytest.fixture
def two(app_role, settings):
    """Partnerships A and B with rows of every app, made by the owner."""
    settings.ROOT_URLCONF = __name__
    a = PartnershipFactory(slug="alpha", name="Alpha")
    b = PartnershipFactory(slug="bravo", name="Bravo")
    populate(a)
    populate(b)
    return a, b


def owner_counts(partnership) -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.filter(partnership=partnership).count()
        for model in tenant_models()
    } | {"recommended": Recommended.objects.filter(recommendation__partnership=partnership).count()}


def test_every_tenant_table_has_the_policy():
    """A model with a partnership, a table with a partnership_id column, or a table of tenant
    data reached through its parents, without row-level security and the partnership policy
    fails here."""
    children = {model._meta.db_table for model in child_models()}
    assert "outreach_recommendation_recommended" in children
    tables = {model._meta.db_table for model in tenant_models()} | children
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'partnership_id'"
        )
        tables |= {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, p.qual, p.with_check FROM pg_class c "
            "LEFT JOIN pg_policies p ON p.tablename = c.relname AND p.schemaname = current_schema()"
            " WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
            [sorted(tables)],
        )
        found = {name: (on, qual, check) for name, on, qual, check in cursor.fetchall()}
    assert len(tables) > 50
    unwalled = sorted(t for t in tables if not found.get(t, (False,))[0])
    assert unwalled == []
    for table in tables:
        _, qual, check = found[table]
        for condition in (qual, check):
            assert condition is not None, table
            assert "partnership_id" in condition and f"'{SETTING}'" in condition, table


def test_the_searches_keep_their_indexes_under_the_wall():
    """The searches' functions are leakproof, so PostgreSQL may still use their conditions as
    index conditions under the policy (a trigram search: 4 ms, not 150, at 200,000 leads; see
    bench/results/rls.md). The suite's owner is a superuser, who may declare them so."""
    assert leaky_search_functions() == []


def test_every_tenant_row_is_hidden_outside_a_partnership(two):
    a, b = two
    expected = owner_counts(a)
    both = [label for label, n in expected.items() if n and owner_counts(b)[label]]
    # The data spans every app with tenant models, so the checks below mean something.
    assert len(both) >= 20, both
    apps_with_rows = {label.split(".")[0] for label in both if "." in label}
    assert apps_with_rows == {m._meta.app_label for m in tenant_models()}

    with as_app() as app:
        assert session_setting(app) == ""
        # No partnership set: no rows of any tenant model.
        for model in tenant_models() + child_models():
            assert not model._default_manager.exists(), model._meta.label

        # A request of A: an unscoped read of every tenant model sees A's rows, all of them.
        response = app_client(a).get("/rls-probe/")
        assert response.status_code == 200
        seen = response.json()
        assert seen["recommended"][0] == expected["recommended"] == 1
        for label, (count, partnerships) in seen.items():
            assert partnerships in ([], [a.pk]), label
            assert count == expected[label], label

        # The request is over: the same connection, reused, has no partnership again.
        assert session_setting(app) == ""
        assert not Lead.objects.exists()
        assert not Recommended.objects.exists()

        # A failing request resets it too.
        with pytest.raises(RuntimeError):
            app_client(b).get("/rls-probe/?fail=1")
        assert session_setting(app) == ""
        assert not Member.objects.exists()

        # A connection that died under the view cannot be reset: it is closed, the answer stands.
        assert app_client(a).get("/rls-probe/?drop=1").status_code == 200
        assert session_setting(app) == ""
        assert not Member.objects.exists()


def app_client(partnership):
    from django.test import Client

    return Client(HTTP_HOST=partnership.host)


def test_a_row_of_another_partnership_cannot_be_written(two):
    a, b = two
    b_lead = Lead.objects.filter(partnership=b).first()
    with as_app() as app, tenant_scope(a):
        assert session_setting(app) == str(a.pk)
        with pytest.raises(DatabaseError, match="row-level security"):
            AuditEvent.objects.create(partnership=b, action="rls.test", summary="smuggled")
        assert Lead.objects.filter(pk=b_lead.pk).update(name="Changed") == 0
        assert Lead.objects.filter(pk=b_lead.pk).delete()[0] == 0
        own = Lead.objects.filter(partnership=a).first()
        with pytest.raises(DatabaseError, match="row-level security"):
            Lead.objects.filter(pk=own.pk).update(partnership=b)
    b_lead.refresh_from_db()
    assert b_lead.name != "Changed"
    assert not AuditEvent.objects.filter(summary="smuggled").exists()


def test_a_delivery_task_sees_only_its_partnership(two):
    a, b = two
    message = OutboxMessage.objects.get(partnership=b)
    with as_app():
        # Run as the worker runs it: B's message with A's partnership finds nothing.
        assert deliver_message.apply(args=(message.pk, a.pk)).get() is None
        assert mail.outbox == []
        # A task without a partnership fails loudly.
        assert deliver_message.apply(args=(message.pk,)).failed()
        assert deliver_message.apply(args=(message.pk, b.pk)).get() == "sent"
        assert session_setting(connections["app"]) == ""
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_sweeps_run_each_partnership_within_its_own_scope(two, monkeypatch):
    a, b = two
    # Each partnership's part sees its own rows only.
    with as_app():
        for partnership in each_partnership():
            owners = set(Contact.objects.values_list("partnership_id", flat=True))
            assert owners <= {partnership.pk}
            assert owners  # both have contacts

    # The outbox sweep hands every due message on with its own partnership.
    published = []
    monkeypatch.setattr(
        deliver_message, "apply_async", lambda args, **kwargs: published.append(tuple(args))
    )
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    with as_app():
        assert sweep_outbox.apply().get() == 2
    assert sorted(published) == sorted(
        OutboxMessage.objects.values_list("pk", "partnership_id")
    ) and {p for _, p in published} == {a.pk, b.pk}

    # A sweep whose service reads every partnership's due rows unfiltered: both closed.
    closes = timezone.now() - datetime.timedelta(hours=1)
    for partnership in (a, b):
        PolicyRevisionFactory(
            partnership=partnership, status=PolicyRevision.Status.VOTING, voting_closes_at=closes
        )
    with as_app():
        assert close_policy_votes.apply().get() == 2
    assert not PolicyRevision.objects.filter(status=PolicyRevision.Status.VOTING).exists()


def test_a_superusers_admin_sees_every_partnership(two):
    a, b = two
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = app_client(a)
    client.force_login(admin)
    b_lead = Lead.objects.filter(partnership=b).first()
    with as_app() as app:
        response = client.get("/admin/leads/lead/")
        assert response.status_code == 200
        assert b_lead.name in response.text  # another partnership's lead, through the owner
        assert connections["default"] is app
        assert session_setting(app) == ""


def test_a_webhook_is_recorded_within_its_messages_partnership(two, settings):
    """ESP webhooks arrive on no partnership's host: the message's partnership is read on the
    owner's connection and the event recorded within it."""
    from tests.pinnacle.test_tracking_webhooks import bounced, post

    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    a, b = two
    message = OutboxMessage.objects.get(partnership=b)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent", esp_message_id="esp-1")
    message.refresh_from_db()
    with as_app() as app:
        assert post(a, bounced(message)).status_code == 200
        assert session_setting(app) == ""
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.BOUNCED
    assert message.events.get().partnership == b
