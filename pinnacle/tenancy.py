"""Tenancy: every request and every tenant row belongs to one Partnership.

- `PartnershipMiddleware` resolves `request.partnership` from the Host header.
- `TenantOwned` models carry `partnership` and a manager with `for_partnership(p)`.
- `tenant_scope(p)` sets the database session's partnership, which the row-level security policies
  compare every tenant row with (pinnacle/rls.py): the middleware wraps each request in it, the
  tasks each partnership's work.
- `get_for_partnership_or_404` fetches a tenant object by id with `pinnacle.access.get_or_404`:
  missing and foreign objects give the same 404, so nothing leaks that another tenant's row exists.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from typing import Self, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.http import HttpRequest, HttpResponseNotFound
from django.utils import timezone

from pinnacle.access import get_or_404
from pinnacle.models import AuditEvent, Partnership
from pinnacle.rls import SETTING, owner_alias, walled
from pinnacle.telemetry.context import scoped_partnership

M = TypeVar("M", bound=models.Model)

log = logging.getLogger(__name__)

# Paths that answer without a tenant: health checks, metrics scrapes and ESP webhooks arrive on
# any host.
TENANTLESS_PREFIXES = ("/healthz", "/metrics", "/anymail/", "/static/", "/media/")
# The health check names each dependency that is down, the database included, and a metrics
# scrape reports what it can: neither looks the partnership up (which needs the database).
OPERATOR_PATHS = ("/healthz", "/metrics")


class TenantQuerySet(models.QuerySet[M]):
    # A Partnership, never its id: the type checker (mypy, `make test`) refuses an int here, so
    # every scoped query starts from the request's or an already scoped object's partnership.
    def for_partnership(self, partnership: Partnership) -> Self:
        return self.filter(partnership=partnership)


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantOwned(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


def resolve_partnership(host: str) -> Partnership | None:
    host = host.split(":", 1)[0].lower().rstrip(".")
    base = settings.BASE_DOMAIN.lower()
    if host in ("localhost", "127.0.0.1", "[::1]", base):
        return Partnership.objects.filter(slug=settings.DEFAULT_PARTNERSHIP).first()
    if host.endswith("." + base):
        slug = host.removesuffix("." + base)
        found = Partnership.objects.filter(slug=slug).first()
        if found:
            return found
    return Partnership.objects.filter(domain=host).first()


@contextlib.contextmanager
def tenant_scope(partnership: Partnership | int, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block with the database session's partnership set (pinnacle/rls.py), then put back
    the one before (none, outside another scope).

    A session setting (`set_config(..., false)`), not a transaction's: requests and tasks run in
    autocommit, where a transaction-local setting would be gone after the first statement. The
    exit puts the previous value back, on exceptions too, so a reused connection (CONN_MAX_AGE)
    never carries one request's partnership into the next; if that reset fails, the connection
    is closed rather than reused (the block's result stands). Nothing to set where the wall is
    off (`walled`)."""
    pk = partnership if isinstance(partnership, int) else partnership.pk
    if pk is None or isinstance(pk, bool):
        raise ValueError("tenant_scope needs a saved partnership or its id")
    # The block's log lines and errors name the partnership (pinnacle.telemetry.context).
    with scoped_partnership(partnership):
        if not walled(using):
            yield
            return
        yield from _walled_scope(pk, using)


def _walled_scope(pk: int, using: str) -> Iterator[None]:
    connection = connections[using]
    with connection.cursor() as cursor:
        # OFFSET 0 keeps the subquery (the value before) from being merged into the outer query,
        # so it is read before set_config changes it.
        cursor.execute(
            "SELECT before.value, set_config(%s, %s, false) FROM "
            "(SELECT current_setting(%s, true) AS value OFFSET 0) before",
            [SETTING, str(int(pk)), SETTING],
        )
        before = cursor.fetchone()[0] or ""
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, before])
        except DatabaseError:
            # A closed connection carries nothing over; the block's own answer stands.
            log.warning("Could not reset the partnership setting; connection closed")
            connection.close()


def each_partnership() -> Iterator[Partnership]:
    """Every partnership in turn, the loop's body within its `tenant_scope`: what a sweep over
    all tenants runs in (the partnership table itself has no row-level security)."""
    for partnership in Partnership.objects.order_by("id"):
        with tenant_scope(partnership):
            yield partnership


def totals(counts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """A sweep's (x, y) counts over every partnership, added up."""
    first = second = 0
    for x, y in counts:
        first, second = first + x, second + y
    return first, second


class TenantRequest(HttpRequest):
    """What `PartnershipMiddleware` makes of a request, for annotations."""

    partnership: Partnership | None


class PartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: TenantRequest):
        if request.path in OPERATOR_PATHS:
            request.partnership = None
            return self.get_response(request)
        request.partnership = resolve_partnership(request.get_host())
        if request.partnership is None:
            if not request.path.startswith(TENANTLESS_PREFIXES):
                return HttpResponseNotFound("Unknown partnership.")
            return self.get_response(request)
        # Pages show the partnership's time by default; member pages switch to the member's own.
        with tenant_scope(request.partnership), timezone.override(request.partnership.tzinfo):
            return self.get_response(request)


class SuperuserAdminMiddleware:
    """A superuser's admin pages see every partnership: the request runs on the owner's
    connection, which the row-level security policies do not hold. Leadership's admin (staff, not
    superusers) stays on the app role's connection, walled to the request's partnership.
    After AuthenticationMiddleware (it reads `request.user`). Streaming responses are not used by
    the admin; one would be read after the connection is swapped back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/") or not request.user.is_superuser:
            return self.get_response(request)
        alias = owner_alias()
        if alias == DEFAULT_DB_ALIAS:
            return self.get_response(request)  # one role: the wall is off anyway
        app = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = connections[alias]
        try:
            return self.get_response(request)
        finally:
            connections[DEFAULT_DB_ALIAS] = app


def partnership_context(request: HttpRequest) -> dict:
    return {"partnership": getattr(request, "partnership", None)}


def get_for_partnership_or_404(queryset, partnership: Partnership, **lookup):
    """Fetch one tenant row by lookup; another tenant's row is indistinguishable from none."""
    found = get_or_404(queryset.for_partnership(partnership), **lookup)
    # The partnership is in hand: the row's own `partnership` (what scopes the queries that
    # start from it) then costs no further query.
    found.partnership = partnership
    return found


def audit_target_type(target) -> str:
    """What an audit record calls the kind of its target (a model or a row): the model's label,
    unless the model keeps the label its rows were audited under before it moved to another app
    (`audit_target_type` on the model), so the records kept so far still find it."""
    return getattr(target, "audit_target_type", "") or target._meta.label_lower


def record_audit(
    *,
    partnership: Partnership,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        partnership=partnership,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=audit_target_type(target) if target is not None else "",
        target_id=target.pk if target is not None else None,
        summary=summary[:300],
        data=data or {},
    )
