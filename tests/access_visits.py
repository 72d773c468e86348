"""How the access matrix (tests/test_access_matrix.py) reaches each URL: its parameters from the
world of tests/access_world.py, the method and the form (VISITS); the POST-only views; which
admin pages are visited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_world import SECRET
from tests.transactions.factories import PDF_BYTES


# How to reach a URL: its parameters from the world, the method, the form. GET without
# parameters unless listed here.
@dataclass
class Visit:
    kwargs: Callable = lambda h: {}
    method: str = "get"
    data: Callable = lambda h: {}
    # Markers every viewer of this URL may meet (a link is its holder's credential).
    allow: frozenset = frozenset()


POST = "post"


def pk(name):
    return lambda h: {"pk": getattr(h, name).pk}


def deal(**extra):
    return lambda h: {"pk": h.deal.pk, **{k: v(h) for k, v in extra.items()}}


def closed(h):
    return {"pk": h.closed.pk}


def lead_pk(h):
    return {"lead_pk": h.lead.pk}


def each_visit(names, visit):
    return dict.fromkeys(names, visit)


# POST-only views (a GET is a 405): visited with an empty form unless VISITS gives one.
POSTED = {
    "confirm_access",
    "comarketing_join_seen",
    "comarketing_accept",
    "invitation_resend",
    "invitation_revoke",
    "policy_suggestion_respond",
    "policy_revision_vote",
    "policy_revision_open",
    "lead_opt_out",
    "outreach_log_call",
    "outreach_log_message",
    "outreach_log_reply",
    "outreach_decision_notes",
    "comarketing_share_lead",
    "comarketing_resend",
    "advocates_import_confirm",
    "reward_start_suggested",
    "advocates_contact_move",
    "advocates_contact_log",
    "advocates_contact_history",
    "advocates_contact_email",
    "advocates_contact_survey",
    "advocates_enroll",
    "advocates_touch_done",
    "advocates_touch_acknowledge",
    "referral_stage",
    "referral_email",
    "referral_dismiss_note",
    "referral_give_reward",
    "reward_redeemed",
    "advocates_experiment_feedback",
    "transaction_confirm_whole_team",
    "transaction_customer_link",
    "transaction_customer_link_revoke",
    "post_close_propose_meeting",
    "post_close_confirm_meeting",
    "post_close_meeting_held",
    "post_close_letter",
    "post_close_letter_mailed",
    "post_close_record_interaction",
    "admin:logout",
}

VISITS: dict[str, Visit] = {
    "directory_profile": Visit(lambda h: {"slug": h.agent.slug}),
    "express_interest": Visit(lambda h: {"slug": h.agent.slug}),
    "policy_version": Visit(lambda h: {"number": 9}),
    "media": Visit(lambda h: {"path": "nothing-here.txt"}),
    "prospect_access": Visit(lambda h: {"token": h.prospect_token}),
    # The customer's page shows them their transaction: whoever holds the link is the customer.
    "customer_transaction": Visit(lambda h: {"token": h.customer_token}, allow=frozenset({SECRET})),
    "accept_invitation": Visit(lambda h: {"token": h.accept_token}),
    "unsubscribe": Visit(lambda h: {"token": h.unsubscribe_token}),
    "satisfaction_survey": Visit(lambda h: {"token": h.survey_token}),
    **each_visit(
        ("comarketing_join", "comarketing_join_seen", "comarketing_accept"),
        Visit(lambda h: {"token": h.connection.token}),
    ),
    **each_visit(
        ("comarketing_media_page", "comarketing_media_embed"),
        Visit(lambda h: {"slug": h.page.slug}),
    ),
    **each_visit(("invitation_resend", "invitation_revoke"), Visit(pk("invitation"))),
    "policy_suggestion_respond": Visit(pk("suggestion")),
    "policy_report_detail": Visit(pk("report")),
    # The list as searched (by part of the confidential address; the marker is not searched).
    "transaction_list": Visit(data=lambda h: {"q": "77 Lane"}),
    **each_visit(
        ("policy_revision_detail", "policy_revision_vote", "policy_revision_open"),
        Visit(pk("revision")),
    ),
    **each_visit(("lead_detail", "lead_opt_out", "transaction_open"), Visit(pk("lead"))),
    "inquiry_detail": Visit(pk("inquiry")),
    **each_visit(
        (
            "outreach_compose",
            "outreach_log_call",
            "outreach_log_message",
            "outreach_log_reply",
            "outreach_recommend",
            "outreach_decision_notes",
            "comarketing_share_lead",
        ),
        Visit(lead_pk),
    ),
    "outreach_member_compliance": Visit(lambda h: {"member_pk": h.agent.pk}),
    **each_visit(("outreach_template_edit", "outreach_template_delete"), Visit(pk("template"))),
    # The live connection (the pending one is the joining links' and the resend's).
    **each_visit(
        (
            "comarketing_detail",
            "comarketing_edit",
            "comarketing_delete",
            "comarketing_media_create",
        ),
        Visit(lambda h: {"pk": h.media.connection_id}),
    ),
    "comarketing_resend": Visit(pk("connection")),
    **each_visit(
        ("comarketing_media_edit", "comarketing_media_delete", "comarketing_media_flyer"),
        Visit(pk("media")),
    ),
    **each_visit(
        (
            "advocates_contact",
            "advocates_contact_edit",
            "advocates_contact_delete",
            "advocates_contact_move",
            "advocates_contact_log",
            "advocates_contact_history",
            "advocates_contact_email",
            "advocates_contact_survey",
        ),
        Visit(pk("contact")),
    ),
    "advocates_enroll": Visit(lambda h: {"contact_pk": h.contact.pk}),
    "advocates_enrollment_cancel": Visit(pk("enrollment")),
    **each_visit(
        ("advocates_touch_done", "advocates_touch_email", "advocates_touch_acknowledge"),
        Visit(pk("touch")),
    ),
    **each_visit(
        (
            "referral_detail",
            "referral_stage",
            "referral_email",
            "referral_progress_note",
            "referral_dismiss_note",
            "referral_give_reward",
        ),
        Visit(pk("referral")),
    ),
    "reward_redeemed": Visit(pk("reward")),
    **each_visit(("reward_rule_edit", "reward_rule_deactivate"), Visit(pk("reward_rule"))),
    **each_visit(
        ("advocates_experiment", "advocates_experiment_feedback", "advocates_experiment_end"),
        Visit(pk("experiment")),
    ),
    **each_visit(
        (
            "transaction_detail",
            "transaction_confirm_whole_team",
            "transaction_customer_link",
            "transaction_customer_link_revoke",
        ),
        Visit(deal()),
    ),
    "transaction_document": Visit(deal(doc_pk=lambda h: h.document.pk)),
    "transaction_disclosure_document": Visit(deal(disclosure_pk=lambda h: h.disclosure.pk)),
    **each_visit(
        (
            "post_close_detail",
            "post_close_letter_pdf",
            "post_close_propose_meeting",
            "post_close_confirm_meeting",
            "post_close_meeting_held",
            "post_close_letter",
            "post_close_letter_mailed",
            "post_close_record_interaction",
        ),
        Visit(closed),
    ),
    # The team's changes, with a valid form so that a read-only viewer's request reaches the
    # service, which must refuse it (the confidentiality table's WRITES).
    "transaction_add_member": Visit(deal(), POST, lambda h: {"member": h.plain.pk, "role": "X"}),
    "transaction_remove_member": Visit(deal(seat_pk=lambda h: h.seat.pk), POST),
    "transaction_propose_leader": Visit(deal(), POST, lambda h: {"candidate": h.lender.pk}),
    "transaction_agree_leader": Visit(deal(proposal_pk=lambda h: h.proposal.pk), POST),
    "transaction_stage": Visit(deal(), POST, lambda h: {"stage": "opened"}),
    "transaction_details": Visit(deal(), POST, lambda h: {"kind": "sell"}),
    "transaction_note": Visit(deal(), POST, lambda h: {"body": "Leaked note"}),
    "transaction_event_share": Visit(
        deal(event_pk=lambda h: h.note_event.pk), POST, lambda h: {"shared": "1"}
    ),
    "transaction_document_upload": Visit(
        deal(), POST, lambda h: {"title": "Leak", "file": SimpleUploadedFile("x.pdf", PDF_BYTES)}
    ),
    "transaction_disclosure_record": Visit(
        deal(),
        POST,
        lambda h: {
            "grantee_name": "Anyone",
            "scope": "Everything",
            "covers": ["stage", "notes"],
            "valid_until": "2099-12-31",
            "signed_document": SimpleUploadedFile("s.pdf", PDF_BYTES),
        },
    ),
    "transaction_disclosure_revoke": Visit(deal(disclosure_pk=lambda h: h.disclosure.pk), POST),
    "account_confirm_email": Visit(lambda h: {"key": "not-a-key"}),
    "account_reset_password_from_key": Visit(lambda h: {"uidb36": "1", "key": "not-a-key"}),
    "admin:app_list": Visit(lambda h: {"app_label": "leads"}),
    "admin:auth_user_password_change": Visit(lambda h: {"id": h.agent.user_id}),
    "admin:view_on_site": Visit(
        lambda h: {"content_type_id": h.lead_content_type, "object_id": h.lead.pk}
    ),
}

# Per registered model: its add, delete and history pages ask the same ModelAdmin permissions
# and the same scoped queryset as its change page; only the changelist and change are visited.
ADMIN_MODEL_VIEWS = ("changelist", "change", "add", "delete", "history")
# Registered for superusers only (Django's own permissions; leadership holds none).
SUPERUSER_MODELS = {"account.emailaddress", "auth.group"}
# Models of which the world holds no row: their change page sends everyone back to the index.
NO_ROW_IN_WORLD = {
    "account.emailaddress",
    "auth.group",
    "comarketing.sharedlead",
    "leads.submission",
    "mail.suppression",
    "outreach.attempt",
    "outreach.decisionnote",
    "outreach.leadreply",
    "outreach.outreachpair",
    "outreach.recommendation",
    "outreach.refusal",
    "policy.policyvote",
}
