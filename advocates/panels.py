"""Where the advocate CRM shows itself on members' pages (their extension points). `register()`
is called once from AdvocatesConfig.ready()."""

from __future__ import annotations

from advocates import extensions
from members import extensions as member_extensions


def insights_section(request, contact):
    """Experiments the contact is in and the surveys sent to them (the owner's eyes only)."""
    from advocates.services.experiments import assignments_of
    from advocates.services.surveys import CONTACT_SURVEYS_SHOWN

    member = getattr(request, "member", None)
    if member is None or contact.owner_id != member.pk:
        return None
    return {
        "assignments": list(assignments_of(contact)),
        "surveys": list(contact.surveys.order_by("-sent_at", "-pk")[:CONTACT_SURVEYS_SHOWN]),
    }


def register() -> None:
    member_extensions.site_menu.register("advocates/_menu.html", order=50)
    extensions.contact_sections.register(
        "advocates/insights/_contact_section.html", insights_section, order=60
    )
