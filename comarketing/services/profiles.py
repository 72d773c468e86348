"""A lender (or leadership) editing a co-marketing partner's marketing profile."""

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.urls import reverse
from django.utils.text import capfirst

from comarketing.models import Connection
from comarketing.services import ComarketingRefused
from comarketing.services.invitations import can_invite
from members.models import Member
from members.services import update_profile
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

# Plain profile fields a lender may edit for a partner (images stay the partner's own).
EDITABLE_PROFILE_FIELDS = [
    "display_name",
    "job_title",
    "cell_phone",
    "office_phone",
    "employer",
    "license_number",
    "mls_market",
    "mls_agent_id",
    "street_address",
    "city",
    "state",
    "postal_code",
    "timezone",
]
PROFILE_EDITED_TEMPLATE = "comarketing/profile_edited"


def _profile_field(name: str) -> Field:
    field = Member._meta.get_field(name)
    # The editable profile fields are the member's own columns, never a relation's other side.
    assert isinstance(field, Field)  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
    return field


def partner_edit_refusal(editor: Member, connection: Connection) -> str | None:
    """Why `editor` may not edit the partner's marketing profile now, or None if they may.
    policy: "Edit ... will be present only if your organization has opted in"; the partner's
    own "Allows Profile Updates" consent is needed too; agents cannot edit, leadership may."""
    if editor.partnership_id != connection.partnership_id:
        return "This connection is not in your partnership."
    if not (editor.is_leadership or (can_invite(editor) and editor.pk == connection.lender_id)):
        return (
            "Only the lender of this connection (or leadership) edits a partner's marketing "
            "profile; agents cannot."
        )
    if connection.deleted_at is not None or not connection.is_active or not connection.partner:
        return "Only an active co-marketing partner's profile can be edited."
    company = connection.lender.company
    if company is None or not company.allows_profile_updates:
        return (
            f"{connection.lender.display_name}'s organization has not opted in to editing "
            "co-marketing partners' profiles."
        )
    if not connection.partner.allows_profile_updates:
        return (
            f"{connection.partner.display_name} has not allowed profile updates; they can allow "
            "them on their own profile."
        )
    return None


@transaction.atomic
def edit_partner_profile(
    *, connection: Connection, editor: Member, changes: dict, actor
) -> dict[str, tuple[str, str]]:
    """Apply `changes` to the active partner's marketing profile (audited, search document
    refreshed) and email the partner each field's old and new value. Returns what changed,
    {field: (old, new)}; nothing changed sends nothing."""
    connection = (
        Connection.objects.select_for_update(of=("self",))
        .select_related("lender__company", "partner__user", "partnership")
        .get(pk=connection.pk)
    )
    if refusal := partner_edit_refusal(editor, connection):
        raise ComarketingRefused(refusal)
    if unknown := sorted(set(changes) - set(EDITABLE_PROFILE_FIELDS)):
        raise ComarketingRefused(f"These profile fields cannot be edited: {', '.join(unknown)}.")
    # partner_edit_refusal refused a connection without its partner.
    partner = (
        Member.objects.select_for_update()
        .select_related("user")
        .get(pk=cast(int, connection.partner_id))
    )
    new_values = _cleaned_values(partner, changes)
    changed = {
        name: (getattr(partner, name), value)
        for name, value in new_values.items()
        if getattr(partner, name) != value
    }
    if not changed:
        return {}
    update_profile(
        member=partner,
        fields={name: new for name, (_, new) in changed.items()},
        image_changes={},
        actor=actor,
    )
    event = record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.profile_edited",
        target=partner,
        summary=f"{editor.display_name} edited {partner.display_name}'s marketing profile",
        data={"connection": connection.pk, "changes": {n: list(v) for n, v in changed.items()}},
    )
    _email_the_edits(connection, editor, partner, changed, key=f"profile-edited:{event.pk}")
    return changed


def _email_the_edits(
    connection: Connection, editor: Member, partner: Member, changed: dict, *, key: str
) -> None:
    """The partner reads each field's old and new value, from the editor."""
    queue_email(
        partnership=connection.partnership,
        key=f"comarketing:{connection.pk}:{key}",
        template=PROFILE_EDITED_TEMPLATE,
        to=partner.email,
        context={
            "partner": partner,
            "editor": editor,
            "changes": [
                (capfirst(_profile_field(name).verbose_name), old, new)
                for name, (old, new) in changed.items()
            ],
            "profile_url": connection.partnership.absolute_url(reverse("profile_edit")),
        },
        sender_name=editor.display_name,
        reply_to=editor.email,
        about=connection,
    )


def _cleaned_values(partner: Member, changes: dict) -> dict:
    """Each new value as the profile's own field cleans it; a bad one is refused, named by its
    field's label."""
    new_values = {}
    for name, value in changes.items():
        field = _profile_field(name)
        value = " ".join(str(value or "").split()) if name == "display_name" else str(value or "")
        value = value.strip()
        try:
            new_values[name] = field.clean(value, partner)
        except ValidationError as exc:
            raise ComarketingRefused(
                f"{capfirst(field.verbose_name)}: {' '.join(exc.messages)}"
            ) from exc
    return new_values
