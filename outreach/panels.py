"""Where outreach shows itself on members' and leads' pages (their extension points), and the
emails the pipeline must treat as outreach. Called once from OutreachConfig.ready()."""

from __future__ import annotations

from django.utils import timezone

from leads import extensions as lead_extensions
from members import extensions as member_extensions
from outreach.cells import outreach_cell
from outreach.forms import CallForm, DecisionNoteForm, LeadReplyForm, PersonalMessageForm
from outreach.models import Channel
from outreach.selectors import compliance, lead_outreach
from outreach.selectors.policy import PairState, pair_annotations, pair_state, state_from
from outreach.selectors.scripts import SCRIPTS, channel_scripts
from pinnacle.mail.categories import register_outreach_template

# The states a page already read for its column, kept on the viewer for the same page's panel.
_PAGE_STATES = "_outreach_page_states"


def outreach_column(viewer) -> lead_extensions.ColumnRead:
    """The viewer's own policy state with each lead on the page, read with the page's other
    columns (`pair_annotations`); kept on the viewer for the same page's panel."""
    now = timezone.now()
    states: dict[int, PairState] = {}
    setattr(viewer, _PAGE_STATES, states)

    def state(row, lead) -> PairState:
        states[lead.pk] = state_from(
            row, partnership=viewer.partnership, now=now, lead_name=lead.name
        )
        return states[lead.pk]

    return lead_extensions.ColumnRead(pair_annotations(viewer, now), state)


def lead_actions(request, lead, viewer) -> dict:
    """The viewer's outreach panel on the lead's page: their state, and what they may do now
    (the services decide again, under the pair's lock, when they act)."""
    state = getattr(viewer, _PAGE_STATES, {}).get(lead.pk) or pair_state(
        viewer, lead, timezone.now()
    )
    call_decision = state.decide(Channel.CALL)
    scripts = channel_scripts(member=viewer, lead=lead) if call_decision.allowed else {}
    return {
        "state": state,
        "email_decision": state.decide(Channel.PORTAL_EMAIL),
        "call_decision": call_decision,
        "scripts": [(key, heading, scripts[key]) for key, heading in SCRIPTS if key in scripts],
        "stage": lead_outreach.lead_stage(lead, viewer),
        # One page holds all four forms: distinct ids, so that each label names its own field.
        "call_form": CallForm(auto_id="id_call_%s"),
        "personal_form": PersonalMessageForm(auto_id="id_personal_%s"),
        "reply_form": LeadReplyForm(auto_id="id_reply_%s"),
        "decision_form": DecisionNoteForm(auto_id="id_decision_%s"),
    }


def register() -> None:
    register_outreach_template("outreach/message")
    register_outreach_template("outreach/recommendation")
    member_extensions.site_menu.register("outreach/_menu.html", order=20)
    for source in lead_outreach.TIMELINE_SOURCES:
        lead_extensions.register_timeline_source(source)
    lead_extensions.register_lead_column(
        lead_extensions.LeadColumn("Your outreach", outreach_cell, outreach_column)
    )
    lead_extensions.lead_actions.register("outreach/_lead_actions.html", lead_actions)
    lead_extensions.compliance_sections.register(
        "outreach/_compliance_section.html", compliance.report_section
    )
    lead_extensions.register_compliance_columns(
        lead_extensions.ComplianceColumns(compliance.CSV_HEADERS, compliance.csv_rows)
    )
