"""The email pipeline's entry point: `queue_email` renders a template triple, stores it as an
OutboxMessage in the caller's transaction and schedules delivery on commit (the same key twice
sends once); whether a message is outreach is decided from its template (`pinnacle.mail.
categories`), never by the caller. Leadership's decisions about mail (a retry, a suppression or
its lifting) are here too, each audited; a refusal is a `MailRefused`."""

from __future__ import annotations

import logging
import time
from email.utils import formataddr

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from pinnacle.mail.categories import category_for
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.signals import message_status_changed
from pinnacle.mail.tokens import unsubscribe_url
from pinnacle.models import Partnership
from pinnacle.privacy.hashing import address_hash
from pinnacle.refusals import Refused
from pinnacle.tenancy import record_audit

log = logging.getLogger(__name__)
Status = OutboxMessage.Status
# How far along a message is; a status only ever moves to a higher rank.
STATUS_RANK: dict[str, int] = {
    Status.QUEUED: 0,
    Status.SENT: 1,
    Status.DELIVERED: 2,
    Status.OPENED: 3,
    Status.CLICKED: 4,
    Status.BOUNCED: 5,
    Status.REJECTED: 5,
    Status.FAILED: 5,
    Status.SUPPRESSED: 5,
    Status.COMPLAINED: 6,
}


class MailRefused(Refused):
    """A mail use case that cannot be done; the message is written for the person who asked."""


def find_suppression(*, partnership: Partnership, email: str) -> Suppression | None:
    """The address's entry on the suppression list (lower(email) uses its index), or an erased
    person's entry by the address's keyed hash (docs/privacy.md): their opt-out still holds."""
    address = email.strip().lower()
    by_address = models.Q(email__lower=address) | models.Q(email_hash=address_hash(address))
    return Suppression.objects.for_partnership(partnership).filter(by_address).first()


def is_suppressed(*, partnership: Partnership, email: str) -> bool:
    return find_suppression(partnership=partnership, email=email) is not None


def blocking_suppression(*, partnership: Partnership, email: str, category: str):
    """The suppression that forbids sending a message of `category` to `email`, if any."""
    found = find_suppression(partnership=partnership, email=email)
    if found and (category == OutboxMessage.Category.OUTREACH or found.stops_all_mail):
        return found
    return None


def _since(suppression: Suppression) -> str:
    """The entry as a refusal states it, "opted out on March 4, 2025" (the partnership's day)."""
    day = suppression.partnership.localtime(suppression.created_at)
    return f"{suppression.get_reason_display().lower()} on {date_format(day, 'DATE_FORMAT')}"


def advance_status(message: OutboxMessage, status: str, *, reason: str = "") -> bool:
    """Move `message` to `status` if that is further along; out-of-order events change nothing.

    One conditional UPDATE, so two webhooks racing cannot regress the row either.
    """
    behind = [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    fields = {"status": status, "status_changed_at": timezone.now()}
    if reason:
        fields["status_reason"] = reason[:500]
    moved = OutboxMessage.objects.filter(pk=message.pk, status__in=behind).update(**fields)
    if moved:
        message.refresh_from_db()
        message_status_changed.send(sender=OutboxMessage, message=message, status=status)
    return bool(moved)


def confirm_link_visit(message: OutboxMessage) -> bool:
    """A person confirmed a link from this message on our own page: the only real "clicked"."""
    if message.link_confirmed_at is None:
        OutboxMessage.objects.filter(pk=message.pk, link_confirmed_at__isnull=True).update(
            link_confirmed_at=timezone.now()
        )
    return advance_status(message, Status.CLICKED)


def suppress(
    *,
    partnership: Partnership,
    email: str,
    reason: str,
    source: str,
    source_message: OutboxMessage | None = None,
    received_via: str = "",
    note: str = "",
    actor=None,
) -> Suppression:
    """Add an address to the partnership's suppression list, recording how it came about and,
    where known, the message it came from. Idempotent: an address already on the list keeps
    its first entry."""
    email = email.strip().lower()
    if found := find_suppression(partnership=partnership, email=email):
        return found
    try:
        with transaction.atomic():
            suppression = Suppression.objects.create(
                partnership=partnership,
                email=email,
                reason=reason,
                source=source,
                source_message=source_message,
                received_via=received_via,
                note=note.strip(),
            )
    except IntegrityError:
        # A concurrent request added the address a moment ago: its entry is the first.
        return Suppression.objects.for_partnership(partnership).get(email__lower=email)
    record_audit(
        partnership=partnership,
        actor=actor,
        action="mail.suppressed",
        target=suppression,
        summary=f"{email} suppressed ({suppression.get_reason_display()}; "
        f"{suppression.source_label.lower()})",
    )
    return suppression


def opt_out(
    *, partnership: Partnership, email: str, source: str, message_id: int | None
) -> Suppression:
    """The person opted out from a message's link or their mail client's one-click button:
    no member of the partnership may send them outreach from now on. `message_id` (from the
    signed link) records which message they opted out from."""
    message = None
    if message_id is not None:
        message = OutboxMessage.objects.for_partnership(partnership).filter(pk=message_id).first()
    return suppress(
        partnership=partnership,
        email=email,
        reason=Suppression.Reason.UNSUBSCRIBED,
        source=source,
        source_message=message,
    )


@transaction.atomic
def record_opt_out(
    *, partnership: Partnership, email: str, how: str, note: str, actor
) -> Suppression:
    """Leadership records an opt-out the lead gave them directly (by phone, letter ...): from
    then on it stops outreach exactly as the email's link does."""
    if how not in Suppression.ReceivedVia.values:
        raise MailRefused(
            "Say how the opt-out reached you: "
            + ", ".join(label.lower() for label in Suppression.ReceivedVia.labels)
            + "."
        )
    if found := find_suppression(partnership=partnership, email=email):
        raise MailRefused(
            f"{found.email} is already on the suppression list ({_since(found)}); "
            "nothing was changed."
        )
    return suppress(
        partnership=partnership,
        email=email,
        reason=Suppression.Reason.MANUAL,
        source=Suppression.Source.LEADERSHIP,
        received_via=how,
        note=note,
        actor=actor,
    )


@transaction.atomic
def lift_suppression(*, suppression: Suppression, actor) -> None:
    """Take an address off the partnership's suppression list: mail to it may be sent again."""
    record_audit(
        partnership=suppression.partnership,
        actor=actor,
        action="mail.unsuppressed",
        summary=f"{suppression.email} removed from the suppression list "
        f"(was: {suppression.get_reason_display()})",
        data={"email": suppression.email, "reason": suppression.reason},
    )
    suppression.delete()


@transaction.atomic
def retry_message(*, message: OutboxMessage, actor) -> OutboxMessage:
    """Send a failed message again from a clean slate: queued, due now, nobody's claim.

    Only a failed message: one conditional UPDATE decides, so a message a worker is sending or
    has sent is never queued a second time.
    """
    retried = OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.QUEUED,
        status_changed_at=timezone.now(),
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
        claim_token=None,
    )
    if not retried:
        message.refresh_from_db(fields=["status"])
        raise MailRefused(
            f"\u201c{message.subject}\u201d to {message.to_email} has not failed "
            f"({message.get_status_display().lower()}); only failed messages are retried."
        )
    message.refresh_from_db()
    record_audit(
        partnership=message.partnership,
        actor=actor,
        action="mail.retried",
        target=message,
        summary=f"Retry of \u201c{message.subject}\u201d to {message.to_email}",
    )
    deliver_on_commit(message)
    return message


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render `templates/emails/<template>.{subject.txt,txt,html}` into (subject, text, html).

    Subject and plain text come from the "text" engine, which does not HTML-escape: a recipient
    reads "O'Brien & Ana", not "O&#x27;Brien &amp; Ana". The HTML part stays escaped.
    """
    subject = render_text(f"emails/{template}.subject.txt", context)
    subject = " ".join(subject.split())
    text = render_text(f"emails/{template}.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def render_text(template_name: str, context: dict, request=None) -> str:
    """A plain-text template (email subjects and bodies), rendered without HTML escaping."""
    return render_to_string(template_name, context, request, using="text")


@transaction.atomic
def queue_email(
    *,
    partnership: Partnership,
    key: str,
    template: str,
    to: str,
    context: dict | None = None,
    sender_name: str = "",
    reply_to: str = "",
    about: models.Model | None = None,
) -> OutboxMessage:
    """Queue one message; the same (partnership, key) returns the existing row and sends nothing.

    `sender_name` is the display name on the From header (a member's name for member-sent mail).
    A registered outreach template makes the message outreach: it carries the one-click opt-out
    (body link + RFC 8058 headers), and for an opted-out or suppressed address it is refused
    here with `MailRefused`, nothing stored or sent.
    """
    message = _new_message(partnership, template, to, sender_name, reply_to)
    # policy: an opted-out address gets no further outreach from any member of the partnership;
    # the pipeline refuses it when it is queued (and again at delivery, for a later opt-out).
    if message.category == OutboxMessage.Category.OUTREACH and (
        found := blocking_suppression(
            partnership=partnership, email=message.to_email, category=message.category
        )
    ):
        raise MailRefused(
            f"{found.email} gets no outreach from {partnership.name} members "
            f"({_since(found)}); nothing was sent."
        )

    existing = OutboxMessage.objects.for_partnership(partnership).filter(idempotency_key=key)
    if found := existing.first():
        return found

    message.idempotency_key = key
    message.next_attempt_at = timezone.now()
    if about is not None:
        message.content_type = ContentType.objects.get_for_model(about)
        message.object_id = about.pk
    if message.category == OutboxMessage.Category.OUTREACH:
        # The opt-out link names this message, so the row is stored first to have its id;
        # the transaction keeps anyone from seeing it before its body is rendered.
        if not _insert(message):
            return existing.get()
        url = unsubscribe_url(
            partnership=partnership, email=message.to_email, message_id=message.pk
        )
        _render(message, template, context, unsubscribe=url)
        message.save(update_fields=["subject", "body_text", "body_html", "headers"])
    else:
        _render(message, template, context)
        if not _insert(message):
            return existing.get()

    deliver_on_commit(message)
    return message


def preview_email(
    *,
    partnership: Partnership,
    template: str,
    to: str,
    context: dict | None = None,
    sender_name: str = "",
    reply_to: str = "",
) -> OutboxMessage:
    """The message `queue_email` would store, rendered the same way but neither saved nor sent:
    a composer's exact preview. Its opt-out link has the real shape but no token (it opts no
    one out), since the message it would name does not exist yet."""
    message = _new_message(partnership, template, to, sender_name, reply_to)
    inert = partnership.absolute_url(reverse("unsubscribe", args=["preview"]))
    _render(message, template, context, unsubscribe=inert)
    return message


def _new_message(partnership, template, to, sender_name, reply_to) -> OutboxMessage:
    # Folded, as subjects are: a typed newline made Django refuse From on every attempt.
    sender_name = " ".join(sender_name.split())
    return OutboxMessage(
        partnership=partnership,
        template=template,
        category=category_for(template),
        to_email=to.strip(),
        from_email=formataddr((sender_name or partnership.name, partnership.from_email)),
        reply_to=reply_to,
    )


def _render(message: OutboxMessage, template: str, context, *, unsubscribe: str = "") -> None:
    """Fill in subject, bodies and headers; outreach carries `unsubscribe` as the body's link and
    in the RFC 8058 headers."""
    ctx = {
        "partnership": message.partnership,
        "recipient_email": message.to_email,
        **(context or {}),
    }
    if message.category == OutboxMessage.Category.OUTREACH:
        ctx["unsubscribe_url"] = unsubscribe
        message.headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message.subject, message.body_text, message.body_html = render_email(template, ctx)


def _insert(message: OutboxMessage) -> bool:
    """Store a new row; False when a concurrent caller queued the same key first (theirs is the
    one that goes out)."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return False
    return True


# After a failed publish, this process leaves the broker alone for a while: a request queueing
# several emails pays for one failed connection at most, and the sweep sends them all later.
BROKER_BACKOFF_SECONDS = 30
_broker_down_until = 0.0


def deliver_on_commit(message: OutboxMessage) -> None:
    """Hand the message to a worker once the transaction that wrote it commits; the task runs
    within the message's partnership (row-level security, pinnacle/rls.py)."""
    from pinnacle.mail.tasks import deliver_message

    message_id, partnership_id = message.pk, message.partnership_id
    transaction.on_commit(lambda: enqueue_delivery(deliver_message, message_id, partnership_id))


def enqueue_delivery(task, message_id: int, partnership_id: int) -> None:
    """Hand a message to the broker, fire-and-forget; if the broker is down, the outbox sweep
    sends it later (the row is already stored, so nothing is lost)."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    try:
        # No publish retries and a short connect timeout (settings): a request never hangs.
        task.apply_async((message_id, partnership_id), retry=False)
    except Exception:  # any broker failure is recoverable by the sweep
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        log.warning("Broker unavailable; outbox message %s waits for the sweep", message_id)
