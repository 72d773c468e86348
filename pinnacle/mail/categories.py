"""What kind of mail a template makes, registered by the apps that send it from their
AppConfig.ready(): outreach (carries the one-click opt-out, refused for an opted-out address) or
transactional; and private to one member (kept out of leadership's sight in the admin)."""

from __future__ import annotations

from django.db.models import Q

from pinnacle.mail.models import OutboxMessage

# Templates whose messages are outreach: anything a lead did not ask for. Filled by the apps that
# send such mail, from their AppConfig.ready(); every other template is transactional.
OUTREACH_TEMPLATES: set[str] = set()


def register_outreach_template(template_name: str) -> None:
    """Make every message rendered from `template_name` ("outreach/message") outreach: it carries
    the one-click opt-out and is refused for an opted-out or suppressed address."""
    OUTREACH_TEMPLATES.add(template_name)


# Template prefixes whose messages are one member's own business (the advocate CRM's inner
# circle: "advocates/"): partnership leadership does not read them in the admin's outbox, as they
# would name a member's contacts. Platform staff (superusers) still do, for delivery problems.
PRIVATE_TEMPLATE_PREFIXES: set[str] = set()


def register_private_templates(prefix: str) -> None:
    """Keep every message rendered from a template starting with `prefix` out of leadership's
    sight in the admin (an app registers its own from AppConfig.ready())."""
    PRIVATE_TEMPLATE_PREFIXES.add(prefix)


def is_private_template(template_name: str) -> bool:
    return template_name.startswith(tuple(PRIVATE_TEMPLATE_PREFIXES))


def private_templates() -> Q:
    """The messages of private templates, as a filter (nothing when none are registered)."""
    found = Q(pk__in=[])
    for prefix in sorted(PRIVATE_TEMPLATE_PREFIXES):
        found |= Q(template__startswith=prefix)
    return found


def category_for(template_name: str) -> str:
    if template_name in OUTREACH_TEMPLATES:
        return OutboxMessage.Category.OUTREACH
    return OutboxMessage.Category.TRANSACTIONAL
