"""The email pipeline's entry point: every message in the product is queued here.

`queue_email` renders a template triple, stores the result as an OutboxMessage in the caller's
transaction and schedules delivery on commit. Calling it twice with the same key sends once.
"""

from __future__ import annotations

from email.utils import formataddr

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.tokens import unsubscribe_url
from pinnacle.models import Partnership


def is_suppressed(*, partnership: Partnership, email: str) -> bool:
    return Suppression.objects.for_partnership(partnership).filter(email__iexact=email).exists()


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render `templates/emails/<template>.{subject.txt,txt,html}` into (subject, text, html)."""
    subject = render_to_string(f"emails/{template}.subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


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
    category: str = OutboxMessage.Category.TRANSACTIONAL,
    about: models.Model | None = None,
) -> OutboxMessage:
    """Queue one message; the same (partnership, key) returns the existing row and sends nothing.

    `sender_name` is the display name on the From header (a member's name for member-sent mail);
    `category=OUTREACH` adds the one-click opt-out (body link + RFC 8058 headers).
    """
    existing = OutboxMessage.objects.for_partnership(partnership).filter(idempotency_key=key)
    if found := existing.first():
        return found

    to = to.strip()
    ctx = {"partnership": partnership, "recipient_email": to, **(context or {})}
    headers: dict[str, str] = {}
    if category == OutboxMessage.Category.OUTREACH:
        url = unsubscribe_url(partnership=partnership, email=to)
        ctx["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    subject, text, html = render_email(template, ctx)

    message = OutboxMessage(
        partnership=partnership,
        idempotency_key=key,
        template=template,
        category=category,
        to_email=to,
        from_email=formataddr((sender_name or partnership.name, partnership.from_email)),
        reply_to=reply_to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        next_attempt_at=timezone.now(),
    )
    if about is not None:
        message.content_type = ContentType.objects.get_for_model(about)
        message.object_id = about.pk
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # A concurrent caller queued the same key first: theirs is the one that goes out.
        return existing.get()

    from pinnacle.mail.tasks import deliver_message

    transaction.on_commit(lambda: enqueue_delivery(deliver_message, message.pk))
    return message


def enqueue_delivery(task, message_id: int) -> None:
    """Hand a message to the broker; if the broker is down, the outbox sweep sends it later."""
    try:
        task.delay(message_id)
    except Exception:
        import logging

        logging.getLogger(__name__).warning(
            "Broker unavailable; outbox message %s waits for the sweep", message_id
        )
