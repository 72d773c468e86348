"""Where the advocate CRM shows itself on members' pages (their extension points) and on its own
contact page. `register()` is called once from AdvocatesConfig.ready()."""

from __future__ import annotations

from django.urls import reverse

from advocates import extensions
from advocates.forms.plans import EnrollForm
from advocates.models import PlanKind
from advocates.selectors import plans as plan_reads
from advocates.selectors.experiments import assignments_of
from advocates.services.surveys import CONTACT_SURVEYS_SHOWN
from advocates.services.touches import TOUCH_TEMPLATE
from advocates.views import referrals
from members import extensions as member_extensions
from pinnacle.mail.categories import register_outreach_template, register_private_templates

NEXT_TOUCHES = 5


def touches_panel(request, member) -> dict | None:
    """The member's touches due today and this week (overdue ones too) on the dashboard: counts
    and the first few, in two queries; nothing for someone with nothing due."""
    found = plan_reads.dashboard_touches(member, member.partnership.today(), NEXT_TOUCHES)
    if found is None:
        return None
    return {**found, "touches_url": reverse("advocates_touches")}


def plans_section(request, contact) -> dict:
    """The contact's enrolments with their completion, the next touches, and the enrol form."""
    today = contact.partnership.today()
    return {
        "enrollments": plan_reads.enrollments_of(contact, today),
        "next_touches": list(
            plan_reads.with_bucket(plan_reads.pending_touches(contact.owner), today)
            .filter(contact=contact)
            .order_by("due_on", "pk")[:NEXT_TOUCHES]
        ),
        "enroll_form": EnrollForm(
            initial={"kind": PlanKind.YEARLY, "starts_on": today}, auto_id="id_enroll_%s"
        ),
        "today": today,
    }


def insights_section(request, contact):
    """Experiments the contact is in and the surveys sent to them (the owner's eyes only)."""
    member = getattr(request, "member", None)
    if member is None or contact.owner_id != member.pk:
        return None
    return {
        "assignments": list(assignments_of(contact)),
        "surveys": list(contact.surveys.order_by("-sent_at", "-pk")[:CONTACT_SURVEYS_SHOWN]),
    }


def register() -> None:
    member_extensions.site_menu.register("advocates/_menu.html", order=40)
    member_extensions.leadership_menu.register("advocates/_leadership_menu.html", order=40)
    # Every email of the inner circle (to a contact, a client's survey, the member's digest)
    # names a member's contacts: leadership does not read them in the admin's outbox.
    register_private_templates("advocates/")
    # A member's email to a contact is unsolicited: it carries the one-click opt-out and is
    # refused for an address that opted out or is suppressed.
    register_outreach_template("advocates/message")
    member_extensions.dashboard_panels.register(
        "advocates/plans/_dashboard_panel.html", touches_panel, order=40
    )
    extensions.contact_sections.register(
        "advocates/plans/_contact_section.html", plans_section, order=20
    )
    # An appreciation email is marketing: it carries the one-click opt-out, and an address that
    # opted out or bounced gets none.
    register_outreach_template(TOUCH_TEMPLATE)
    extensions.contact_sections.register(
        "advocates/insights/_contact_section.html", insights_section, order=60
    )
    member_extensions.dashboard_panels.register(
        "advocates/referrals/_dashboard_panel.html", referrals.dashboard_panel, order=60
    )
    extensions.contact_sections.register(
        "advocates/referrals/_contact_section.html", referrals.contact_section, order=20
    )
