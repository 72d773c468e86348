"""The mail pipeline's rows about a person (pinnacle.privacy.registry): their opt-outs and
suppressions, the messages sent to them or about their rows, and the ESP's events of those."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.privacy.hashing import address_hash
from pinnacle.privacy.registry import Erase, Provider, Search, by_email, either, linked


def _keep_hash(rows: models.QuerySet, search: Search) -> None:
    rows.update(email_hash=address_hash(search.email))


def _by_address_or_hash(search: Search, model: type[models.Model]) -> models.QuerySet:
    """The address's entries, and those an earlier erasure kept as its hash."""
    by_address = models.Q(email__lower=search.email)
    return search.rows(model).filter(by_address | models.Q(email_hash=address_hash(search.email)))


def _about_found_rows(search: Search, model: type[models.Model]) -> models.QuerySet:
    """Messages to someone else (a member told of a new lead) whose subject row is a row found
    before."""
    from django.apps import apps

    condition = models.Q(pk__in=[])
    for label, ids in search.found.items():
        if ids and "#" not in label:
            content_type = ContentType.objects.get_for_model(apps.get_model(label))
            condition |= models.Q(content_type=content_type, object_id__in=ids)
    return search.rows(model).filter(condition).exclude(to_email__lower=search.email)


PROVIDERS = [
    Provider(
        model=Suppression,
        find=_by_address_or_hash,
        fields={"email": Erase.EMAIL, "note": Erase.BLANK},
        about="Opt-outs and suppressions of the address",
        kept="Still holds: the entry keeps the address's keyed hash, so nothing is sent to the "
        "address again (docs/privacy.md).",
        before_erase=_keep_hash,
    ),
    Provider(
        model=OutboxMessage,
        find=by_email("to_email"),
        fields={
            "to_email": Erase.EMAIL,
            "subject": Erase.BLANK,
            "body_text": Erase.BLANK,
            "body_html": Erase.BLANK,
            "headers": Erase.BLANK,
            "last_error": Erase.BLANK,
        },
        about="Emails sent to the address, with their bodies",
        kept="The delivery record stays (when, status), emptied of recipient and content.",
        not_the_person=("from_email",),
        late=True,
    ),
    Provider(
        model=OutboxMessage,
        key="mail.OutboxMessage#about",
        find=_about_found_rows,
        fields={
            "subject": Erase.BLANK,
            "body_text": Erase.BLANK,
            "body_html": Erase.BLANK,
            "headers": Erase.BLANK,
        },
        about="Emails to members about the person's records, with their bodies",
        kept="The member's delivery record stays (to whom, when, status), emptied of content.",
        late=True,
    ),
    Provider(
        model=DeliveryEvent,
        find=either(by_email("recipient"), linked("message_id", "mail.OutboxMessage")),
        fields={"recipient": Erase.EMAIL, "description": Erase.BLANK, "mta_response": Erase.BLANK},
        about="The email service's events about those emails",
        late=True,
    ),
]
