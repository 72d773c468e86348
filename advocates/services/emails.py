"""Emailing a contact of the inner circle through the portal: from the member (their name on
From, Reply-To them), logged in the contact's communication log in the same transaction."""

from __future__ import annotations

import re

from django.db import transaction

from advocates.models import Contact, Interaction, InteractionKind
from advocates.services import AdvocatesRefused
from advocates.services.contacts import record_interaction
from members.models import Member
from pinnacle.mail.services import MailRefused, queue_email

MESSAGE_TEMPLATE = "advocates/message"
NONCE = re.compile(r"^[0-9a-f]{32}$")


def message_context(*, member: Member, contact: Contact, subject: str, body: str) -> dict:
    """What the contact email's templates render."""
    return {"member": member, "contact": contact, "subject": subject.strip(), "body": body.strip()}


@transaction.atomic
def send_contact_email(
    *, member: Member, contact: Contact, subject: str, body: str, nonce: str, actor=None
) -> Interaction:
    """Email a contact through the portal, from the member (their name on From, Reply-To them),
    and log it in the same transaction. `nonce` comes from the compose form: a double submit
    of the same form queues one message and logs it once. A refused address (opted out,
    suppressed) queues nothing and logs nothing."""
    if contact.owner_id != member.pk:
        raise AdvocatesRefused("You can only write to your own contacts.")
    if not NONCE.match(nonce or ""):
        raise AdvocatesRefused("The form expired; open the contact again and resend.")
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise AdvocatesRefused("Give your message a subject.")
    if not body:
        raise AdvocatesRefused("Write your message before sending.")
    if len(subject) > 150 or len(body) > 5000:
        raise AdvocatesRefused("Keep the subject under 150 and the message under 5,000 characters.")
    # Two submits of one form queue one message: the contact's row orders them.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.email:
        raise AdvocatesRefused(f"{contact.name} has no email address to write to.")
    return email_contact(
        member=member,
        contact=contact,
        key=f"advocates:message:{contact.pk}:{nonce}",
        template=MESSAGE_TEMPLATE,
        context=message_context(member=member, contact=contact, subject=subject, body=body),
        summary=subject,
        actor=actor,
    )


def email_contact(
    *,
    member: Member,
    contact: Contact,
    key: str,
    template: str,
    context: dict,
    summary: str,
    about=None,
    touch=None,
    actor=None,
) -> Interaction:
    """Queue the member's email to a contact of their circle (their name on From, Reply-To
    them) and log it in the contact's communication log, in the caller's transaction. A
    refused address (opted out, suppressed) raises `AdvocatesRefused` with the reason; nothing
    is queued or logged."""
    try:
        message = queue_email(
            partnership=member.partnership,
            key=key,
            template=template,
            to=contact.email,
            context=context,
            sender_name=member.display_name,
            reply_to=member.email,
            about=about or contact,
        )
    except MailRefused as refusal:
        raise AdvocatesRefused(refusal.message) from refusal
    return record_interaction(
        contact=contact,
        kind=InteractionKind.EMAIL,
        summary=summary,
        message=message,
        touch=touch,
        actor=actor,
    )
