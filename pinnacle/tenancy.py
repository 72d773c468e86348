"""Tenancy: every request and every tenant row belongs to one Partnership.

- `PartnershipMiddleware` resolves `request.partnership` from the Host header.
- `TenantOwned` models carry `partnership` and a manager with `for_partnership(p)`.
- `get_for_partnership_or_404` fetches a tenant object by id with `pinnacle.access.get_or_404`:
  missing and foreign objects give the same 404, so nothing leaks that another tenant's row exists.
"""

from __future__ import annotations

from typing import Self, TypeVar

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponseNotFound
from django.utils import timezone

from pinnacle.access import get_or_404
from pinnacle.models import AuditEvent, Partnership

M = TypeVar("M", bound=models.Model)

# Paths that answer without a tenant: health checks and ESP webhooks arrive on any host.
TENANTLESS_PREFIXES = ("/healthz", "/anymail/", "/static/", "/media/")
# The health check names each dependency that is down, the database included: it never looks
# the partnership up (which needs the database) before answering.
HEALTH_CHECK = "/healthz"


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


class TenantRequest(HttpRequest):
    """What `PartnershipMiddleware` makes of a request, for annotations."""

    partnership: Partnership | None


class PartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: TenantRequest):
        if request.path == HEALTH_CHECK:
            request.partnership = None
            return self.get_response(request)
        request.partnership = resolve_partnership(request.get_host())
        if request.partnership is None:
            if not request.path.startswith(TENANTLESS_PREFIXES):
                return HttpResponseNotFound("Unknown partnership.")
            return self.get_response(request)
        # Pages show the partnership's time by default; member pages switch to the member's own.
        with timezone.override(request.partnership.tzinfo):
            return self.get_response(request)


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
