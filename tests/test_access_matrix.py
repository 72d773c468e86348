"""Every URL pattern x every kind of viewer: the status each gets, and that no response (page,
CSV export, PDF text, email sent during the request) shows a viewer another tenant's or a
confidential transaction's values (issue 21, "Access-control matrix").

EXPECT has one row per URL name: a URL class (the expected status of each of the 13 viewers:
PUBLIC, MEMBER, LEADERSHIP, OWNER, TEAM ...) and the viewers that differ from it. VISITS says how
to reach a URL (its parameters from the world of tests/access_world.py, the method, the form).
The admin's rows are derived from its registry (each model's changelist and change page), the
ESP webhooks' from the URL conf. A URL pattern missing from the table, or a row naming no
pattern, fails `test_every_url_pattern_is_in_the_table`.

The world is built once per module. Each request runs in a savepoint rolled back after it (and
the viewer's cookies are restored), so a POST by someone allowed to make it changes nothing the
next request sees; a refused request (403, 404, 405, a redirect to a login) must write nothing
but its session and the transaction access log. `MATRIX_RECORD=path` appends what each viewer
got, to help fill in a new row.
"""

from __future__ import annotations

import copy
import functools
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pinnacle.mail.models import OutboxMessage
from policy.models import PolicyVersion
from tests.access_world import FOREIGN, HOME, SECRET, build_place, build_viewers
from tests.pinnacle.factories import PartnershipFactory
from tests.transactions.factories import PDF_BYTES

# One worker runs the module under `--dist loadgroup`, so the world is built once.
pytestmark = pytest.mark.xdist_group("access-matrix")

VIEWERS = (
    "anonymous",
    "prospect",
    "customer",
    "member",
    "lender",
    "agent",
    "leadership",
    "superuser",
    "foreign",
    "foreign_home",
    "outsider",
    "expired_grantee",
    "revoked_grantee",
    "grantee",
)
# The markers each viewer must never meet. The superuser sees every partnership (the admin);
# another partnership's leader on this host meets their own name in the page header.
ON_A_NEED_TO_KNOW = {FOREIGN, SECRET}
FORBIDDEN = {
    "anonymous": ON_A_NEED_TO_KNOW,
    "prospect": ON_A_NEED_TO_KNOW,
    "customer": ON_A_NEED_TO_KNOW,
    "member": ON_A_NEED_TO_KNOW,
    "outsider": ON_A_NEED_TO_KNOW,
    "expired_grantee": ON_A_NEED_TO_KNOW,
    "revoked_grantee": ON_A_NEED_TO_KNOW,
    "lender": {FOREIGN},
    "agent": {FOREIGN},
    "leadership": {FOREIGN},
    "grantee": {FOREIGN},
    "superuser": set(),
    "foreign": {SECRET},
    "foreign_home": {HOME, SECRET},
}

LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page

OUTSIDERS = ("anonymous", "prospect", "customer")
MEMBERS = (
    "member",
    "lender",
    "agent",
    "leadership",
    "outsider",
    "expired_grantee",
    "revoked_grantee",
    "grantee",
)


def each(viewers, status):
    return dict.fromkeys(viewers, status)


# URL classes: the expected status per viewer.
PUBLIC = each(VIEWERS, 200)
# A link mailed to someone (its token is the credential): another partnership's host knows it not.
PUBLIC_LINK = {**PUBLIC, "foreign_home": 404}
# Forms for the signed-out (login, signup): a signed-in viewer is sent on.
SIGNED_OUT = {**each(VIEWERS, 302), **each(OUTSIDERS, 200)}
MEMBER = {
    **each(OUTSIDERS, LOGIN),
    **each(MEMBERS, 200),
    "superuser": 404,  # no membership here: the member pages are not the superuser's
    "foreign": 404,
    "foreign_home": 200,  # the same page of their own partnership
}
# A member's page about one object of this partnership: another partnership's member on their
# own host gets a 404 (the old tenant-isolation walker's check).
MEMBER_OBJECT = {**MEMBER, "foreign_home": 404}
# A form any member posts, redirected back whatever it held.
MEMBER_POST = {**MEMBER_OBJECT, **each(MEMBERS, 302)}
LEADERSHIP = {**MEMBER, **each(MEMBERS, 404), "leadership": 200}
LEADERSHIP_OBJECT = {**LEADERSHIP, "foreign_home": 404}
LEADERSHIP_POST = {**LEADERSHIP_OBJECT, "leadership": 302}
# The agent's own objects (contacts, referrals, rewards, templates ...).
OWNER = {**MEMBER_OBJECT, **each(MEMBERS, 404), "agent": 200}
OWNER_POST = {**OWNER, "agent": 302}
# A live co-marketing connection: its lender and partner agent, and leadership.
CONNECTION = {**OWNER, "lender": 200, "leadership": 200}
# The confidential transaction (transactions/selectors/sight.py): its team and leadership, and
# the member the customer authorized in writing while it lasts; never the expired grantee.
TEAM = {**OWNER, "lender": 200, "leadership": 200, "grantee": 200}
# A change by the team; leadership and the grantee read only: refused (400), nothing changes.
TEAM_POST = {**TEAM, "agent": 302, "lender": 302, "leadership": 400, "grantee": 400}
# The committee's post-close duties and the customer's link: the team and leadership, never a
# grantee (an empty form: 400).
COMMITTEE = {**TEAM, "grantee": 404}
COMMITTEE_POST = {**COMMITTEE, "agent": 400, "lender": 400, "leadership": 400}
# The Django admin: superusers, and leadership (staff) on their own partnership's host.
ADMIN = {**each(VIEWERS, ADMIN_LOGIN), "leadership": 200, "superuser": 200, "foreign_home": 200}
# One row of this partnership: another partnership's leadership is sent back to the index.
ADMIN_CHANGE = {**ADMIN, "foreign_home": 302}
SUPERUSER_ADMIN = {**ADMIN, "leadership": 403, "foreign_home": 403}
NOBODY = each(VIEWERS, 404)
# anymail's webhooks answer to the ESP's shared secret, never to a session.
WEBHOOK = each(VIEWERS, 403)

# Who gets what: one row per URL name, its class and the viewers that differ from it.
EXPECT: dict[str, tuple[dict, dict]] = {
    "healthz": (PUBLIC, {}),
    # A member opening the site lands on their dashboard (`/?public` shows them the home page).
    "home": (PUBLIC, {**each(MEMBERS, 302), "foreign_home": 302}),
    "directory": (PUBLIC, {}),
    "join": (PUBLIC, {}),
    "contact": (PUBLIC, {}),
    "lead_thanks": (PUBLIC, {}),
    "confirm_access": (PUBLIC, {}),
    "policy_report": (PUBLIC, {}),  # breach reports are anonymous by design
    "policy_report_thanks": (PUBLIC, {}),
    "media": (NOBODY, {}),  # a name that is no file
    "directory_profile": (PUBLIC_LINK, {}),
    "express_interest": (PUBLIC_LINK, {**each(VIEWERS, 302), "prospect": 200, "foreign_home": 404}),
    "prospect_access": (PUBLIC_LINK, {}),
    "customer_transaction": (PUBLIC_LINK, {}),
    "accept_invitation": (PUBLIC_LINK, {}),
    "unsubscribe": (PUBLIC_LINK, {}),
    "satisfaction_survey": (PUBLIC_LINK, {}),
    "comarketing_join": (PUBLIC_LINK, {}),
    "comarketing_join_seen": (PUBLIC_LINK, {}),
    "comarketing_media_page": (PUBLIC_LINK, {}),
    "comarketing_media_embed": (PUBLIC_LINK, {}),
    "comarketing_accept": (MEMBER_POST, {}),
    # Members
    "dashboard": (MEMBER, {}),
    "profile_edit": (MEMBER, {}),
    "policy": (MEMBER, {}),
    "policy_version": (MEMBER_OBJECT, {}),
    "policy_suggest": (MEMBER, {}),
    "policy_suggestions": (MEMBER, {}),
    "policy_my_reports": (MEMBER, {}),
    "policy_revisions": (MEMBER, {}),
    "member_invitations": (LEADERSHIP, {}),
    "invitation_resend": (LEADERSHIP_POST, {}),
    "invitation_revoke": (LEADERSHIP_POST, {}),
    "policy_suggestion_respond": (LEADERSHIP_POST, {}),
    "policy_reports": (LEADERSHIP, {}),
    "policy_report_detail": (LEADERSHIP_OBJECT, {}),
    "policy_revision_new": (LEADERSHIP, {}),
    "policy_revision_detail": (LEADERSHIP_OBJECT, {}),
    "policy_revision_vote": (LEADERSHIP_OBJECT, {"leadership": 400}),
    "policy_revision_open": (LEADERSHIP_OBJECT, {"leadership": 400}),
    # Leads and outreach
    "lead_list": (MEMBER, {}),
    "lead_detail": (MEMBER_OBJECT, {}),
    "inquiry_list": (MEMBER, {}),
    "inquiry_detail": (OWNER, {}),
    "lead_export": (LEADERSHIP, {}),
    "response_compliance": (LEADERSHIP, {}),
    "compliance_export": (LEADERSHIP, {}),
    "lead_opt_out": (LEADERSHIP_POST, {}),
    "my_outreach": (MEMBER, {}),
    "outreach_compose": (MEMBER_OBJECT, {}),
    "outreach_recommend": (MEMBER_OBJECT, {}),
    "outreach_log_call": (MEMBER_POST, {}),
    "outreach_log_message": (MEMBER_POST, {}),
    "outreach_log_reply": (MEMBER_POST, {}),
    "outreach_decision_notes": (MEMBER_POST, {}),
    "outreach_member_compliance": (LEADERSHIP_POST, {}),
    "outreach_templates": (MEMBER, {}),
    "outreach_template_new": (MEMBER, {}),
    "outreach_template_edit": (OWNER, {}),
    "outreach_template_delete": (OWNER, {}),
    # Co-marketing (the connection's lender invites; a pending one shows on the menu only)
    "comarketing": (MEMBER, {}),
    "comarketing_invite": (
        MEMBER,
        {v: 302 for v in MEMBERS if v not in ("lender", "leadership")},
    ),
    "comarketing_share_lead": (MEMBER_POST, {}),
    "comarketing_detail": (CONNECTION, {}),
    "comarketing_delete": (CONNECTION, {}),
    "comarketing_edit": (LEADERSHIP_OBJECT, {"lender": 302, "agent": 302, "leadership": 302}),
    "comarketing_resend": (LEADERSHIP_OBJECT, {"lender": 302, "leadership": 302}),
    "comarketing_media_create": (CONNECTION, {}),
    "comarketing_media_edit": (CONNECTION, {}),
    "comarketing_media_delete": (CONNECTION, {}),
    "comarketing_media_flyer": (CONNECTION, {}),
    # Advocates
    "advocates": (MEMBER, {}),
    "advocates_contact_new": (MEMBER, {}),
    "advocates_import": (MEMBER, {}),
    "advocates_import_sample": (MEMBER, {}),
    "advocates_export": (MEMBER, {}),
    "advocates_settings": (MEMBER, {}),
    "advocates_allied": (MEMBER, {}),
    "advocates_plans": (MEMBER, {}),
    "advocates_touches": (MEMBER, {}),
    "advocates_satisfaction": (MEMBER, {}),
    "advocates_satisfaction_send": (MEMBER, {}),
    "advocates_experiments": (MEMBER, {}),
    "advocates_experiment_new": (MEMBER, {}),
    "referral_list": (MEMBER, {}),
    "referral_new": (MEMBER, {}),
    "reward_programs": (MEMBER, {}),
    "reward_new": (MEMBER, {}),
    "reward_rule_new": (MEMBER, {}),
    "advocates_import_confirm": (MEMBER_POST, {"foreign_home": 302}),
    "reward_start_suggested": (MEMBER_POST, {"foreign_home": 302}),
    "advocates_overview": (LEADERSHIP, {}),
    "advocates_contact": (OWNER, {}),
    "advocates_contact_edit": (OWNER, {}),
    "advocates_contact_delete": (OWNER, {}),
    "advocates_contact_move": (OWNER, {"agent": 400}),
    "advocates_contact_log": (OWNER, {"agent": 400}),
    "advocates_contact_history": (OWNER, {"agent": 400}),
    "advocates_contact_email": (OWNER, {"agent": 400}),
    "advocates_contact_survey": (OWNER_POST, {}),
    "advocates_enroll": (OWNER_POST, {}),
    "advocates_enrollment_cancel": (OWNER, {}),
    "advocates_touch_email": (OWNER, {}),
    "advocates_touch_done": (OWNER_POST, {}),
    "advocates_touch_acknowledge": (OWNER_POST, {}),
    "referral_detail": (OWNER, {}),
    "referral_stage": (OWNER_POST, {}),
    "referral_email": (OWNER_POST, {}),
    "referral_progress_note": (OWNER_POST, {}),
    "referral_dismiss_note": (OWNER_POST, {}),
    "referral_give_reward": (OWNER_POST, {}),
    "reward_redeemed": (OWNER_POST, {}),
    "reward_rule_edit": (OWNER, {}),
    "reward_rule_deactivate": (OWNER, {}),
    # Leadership's experiment: feedback comes from members whose contacts are in it.
    "advocates_experiment": (LEADERSHIP_OBJECT, {}),
    "advocates_experiment_end": (LEADERSHIP_OBJECT, {}),
    "advocates_experiment_feedback": (NOBODY, {v: LOGIN for v in OUTSIDERS}),
    # Transactions
    "transaction_list": (MEMBER, {}),
    "transaction_export": (MEMBER, {}),
    "post_close_board": (LEADERSHIP, {}),
    "transaction_open": (MEMBER_OBJECT, {}),
    "transaction_detail": (TEAM, {}),
    "transaction_document": (TEAM, {}),
    "transaction_disclosure_document": (COMMITTEE, {}),  # the signed authorization
    "transaction_add_member": (TEAM_POST, {}),
    "transaction_remove_member": (TEAM_POST, {"agent": 400, "lender": 400}),
    "transaction_propose_leader": (TEAM_POST, {}),
    "transaction_agree_leader": (TEAM_POST, {}),
    "transaction_stage": (TEAM_POST, {}),
    "transaction_details": (TEAM_POST, {}),
    "transaction_note": (TEAM_POST, {}),
    "transaction_event_share": (TEAM_POST, {}),
    "transaction_document_upload": (TEAM_POST, {}),
    "transaction_disclosure_record": (TEAM_POST, {}),
    "transaction_disclosure_revoke": (TEAM_POST, {}),
    "transaction_confirm_whole_team": (COMMITTEE_POST, {}),
    # The grantee's and leadership's posts are refused with a message (see
    # test_transaction_confidentiality_access.py: nothing sent, the link unchanged).
    "transaction_customer_link": (TEAM, each(("agent", "lender", "leadership", "grantee"), 302)),
    "transaction_customer_link_revoke": (
        TEAM,
        each(("agent", "lender", "leadership", "grantee"), 302),
    ),
    "post_close_detail": (COMMITTEE, {}),
    "post_close_letter_pdf": (COMMITTEE, {}),
    "post_close_propose_meeting": (COMMITTEE_POST, {}),
    "post_close_confirm_meeting": (COMMITTEE_POST, {}),
    "post_close_meeting_held": (COMMITTEE_POST, {}),
    "post_close_letter": (COMMITTEE_POST, {}),
    "post_close_record_interaction": (COMMITTEE_POST, {}),
    "post_close_letter_mailed": (COMMITTEE, each(("agent", "lender", "leadership"), 302)),
    # allauth: its own rules (tests/members cover them); here no 500 and no marker leaks.
    "account_login": (SIGNED_OUT, {}),
    "account_signup": (SIGNED_OUT, {}),
    "account_logout": (each(VIEWERS, 200), each(OUTSIDERS, 302)),
    "account_confirm_login_code": (each(VIEWERS, 302), each(OUTSIDERS, LOGIN)),
    "account_inactive": (PUBLIC, {}),
    "account_email_verification_sent": (PUBLIC, {}),
    "account_reset_password": (PUBLIC, {}),
    "account_reset_password_done": (PUBLIC, {}),
    "account_reset_password_from_key": (PUBLIC, {}),
    "account_reset_password_from_key_done": (PUBLIC, {}),
    "account_confirm_email": (PUBLIC, {}),
    "account_email": (MEMBER, {"superuser": 200, "foreign": 200}),
    "account_change_password": (MEMBER, {"superuser": 302, "foreign": 200}),
    "account_set_password": (SIGNED_OUT, {v: LOGIN for v in OUTSIDERS} | {"superuser": 200}),
    "account_reauthenticate": (MEMBER, {"superuser": 403, "foreign": 200}),
    # The admin site's own pages (each registered model's come from admin_expectations()).
    "admin:index": (ADMIN, {}),
    "admin:app_list": (ADMIN, {}),
    "admin:password_change": (ADMIN, {}),
    "admin:password_change_done": (ADMIN, {}),
    "admin:jsi18n": (ADMIN, {}),
    "admin:autocomplete": (SUPERUSER_ADMIN, {"superuser": 403}),  # without its parameters
    "admin:auth_user_password_change": (SUPERUSER_ADMIN, {}),
    "admin:view_on_site": (ADMIN, {"leadership": 302, "superuser": 302, "foreign_home": 404}),
    "admin:login": (PUBLIC, each(("leadership", "superuser", "foreign_home"), 302)),
    "admin:logout": (each(VIEWERS, 302), {}),
}

# Markers some viewers must meet (so the checks above cannot pass on pages that show nothing):
# the confidential transaction to its team, leadership and grantee, in its page, the list and
# the CSV export; the customer's own page; the admin's scoping; PDF text and CSV rows.
THE_SIGHTED = ("agent", "lender", "leadership", "grantee")
SHOWS: dict[str, dict[str, str]] = {
    "transaction_detail": dict.fromkeys(THE_SIGHTED, SECRET),
    "transaction_list": dict.fromkeys(THE_SIGHTED, SECRET),
    "transaction_export": dict.fromkeys(THE_SIGHTED, SECRET),
    "customer_transaction": {"customer": SECRET},
    "admin:leads_lead_changelist": {"leadership": HOME, "superuser": FOREIGN},
    "post_close_letter_pdf": {"agent": HOME},
    "comarketing_media_flyer": {"lender": HOME},
    "lead_export": {"leadership": HOME},
}


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
    "comarketing_media_create": Visit(lambda h: {"pk": h.media.connection_id}),
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


def walk(patterns=None, prefix="", namespace=""):
    """(name, route) of every URL pattern, the admin's namespaced ("admin:index")."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, space)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def admin_expectations() -> tuple[dict, dict]:
    expect, visits = {}, {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        base = f"admin:{label.replace('.', '_')}"
        superuser_only = label in SUPERUSER_MODELS
        changelist = SUPERUSER_ADMIN if superuser_only else ADMIN
        change = SUPERUSER_ADMIN if superuser_only else ADMIN_CHANGE
        if label in NO_ROW_IN_WORLD:
            change = {**change, **{v: 302 for v, s in change.items() if s == 200}}
        expect[f"{base}_changelist"] = (changelist, {})
        expect[f"{base}_change"] = (change, {})
        visits[f"{base}_change"] = Visit(lambda h, m=model: {"object_id": h.admin_object(m)})
    return expect, visits


def webhook_expectations() -> dict:
    return {name: (WEBHOOK, {}) for name, route in walk() if name and route.startswith("anymail/")}


@functools.cache
def table() -> dict[str, tuple[dict, Visit]]:
    """url name -> (expected status per viewer, how to visit it)."""
    admin_expect, admin_visits = admin_expectations()
    webhooks = webhook_expectations()
    expect = {**EXPECT, **admin_expect, **webhooks}
    visits = {**VISITS, **admin_visits}
    rows = {}
    for name, (defaults, overrides) in expect.items():
        visit = visits.get(name, Visit())
        if name in POSTED or name in webhooks:
            visit = Visit(visit.kwargs, POST, visit.data, visit.allow)
        rows[name] = ({**defaults, **overrides}, visit)
    return rows


def covered_by_admin_model(name: str) -> bool:
    return any(
        name == f"admin:{m._meta.app_label}_{m._meta.model_name}_{view}"
        for m in admin.site._registry
        for view in ADMIN_MODEL_VIEWS
    )


def test_every_url_pattern_is_in_the_table():
    patterns = {name: route for name, route in walk()}
    unnamed = sorted(route for name, route in walk() if name is None)
    rows = table()
    missing = sorted(n for n in patterns if n and n not in rows and not covered_by_admin_model(n))
    stale = sorted((set(rows) | set(VISITS) | set(POSTED) | set(SHOWS)) - set(patterns))
    assert not missing, f"Add these URLs to EXPECT in {__file__}: {missing}"
    assert not stale, f"These rows name no URL pattern any more: {stale}"
    # Unnamed patterns: the admin's catch-all redirects only (Django's own).
    assert all(route.startswith("admin/") for route in unnamed), unnamed


# --- The world, once per module ------------------------------------------------------------------


class World:
    def __init__(self, home, away, viewers):
        self.home, self.away, self.viewers = home, away, viewers


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    private = tmp_path_factory.getbasetemp() / "private-media"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private),
        transaction.atomic(),
    ):
        from django.conf import settings

        home = build_place(
            PartnershipFactory(slug=settings.DEFAULT_PARTNERSHIP, name=f"{HOME} Partnership"),
            tag=HOME,
            secret=SECRET,
        )
        away = build_place(
            PartnershipFactory(slug="harbor", name=f"{FOREIGN} Partnership"),
            tag=FOREIGN,
            secret=FOREIGN,
        )
        # A version number only this partnership has (every partnership has version 1).
        PolicyVersion.objects.create(partnership=home.partnership, number=9, text=f"{HOME} rules")
        _admin_objects(home)
        viewers = build_viewers(home, away)
        yield World(home, away, viewers)
        transaction.set_rollback(True)


def _admin_objects(place):
    from django.contrib.contenttypes.models import ContentType

    def admin_object(model):
        manager = model._default_manager
        if any(f.name == "partnership" for f in model._meta.get_fields()):
            manager = manager.filter(partnership=place.partnership)
        row = manager.order_by("pk").first()
        return row.pk if row is not None else 0

    place.objects["lead_content_type"] = ContentType.objects.get_for_model(place.lead).pk
    place.admin_object = admin_object


# --- One request -------------------------------------------------------------------------------

# What a refused request may still write: its session; and a look at the transaction by
# someone outside its team (leadership, a grantee) is logged even when refused
# (transactions/selectors/sight.py: every look is).
WRITES = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE)
WRITABLE_WHEN_REFUSED = {"django_session"}
LOGGED_WHEN_REFUSED = {viewer: {"leads_transactionaccess"} for viewer in ("grantee", "leadership")}


@dataclass
class Answer:
    status: int
    location: str
    text: str
    writes: list


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
        except PdfReadError:  # the tests' placeholder PDFs (signed documents): their bytes
            pass
    return raw.decode("utf-8", errors="replace")


def visit(client, method, url, data) -> Answer:
    cookies = copy.deepcopy(client.cookies)
    mail.outbox = []
    last_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            try:
                response = getattr(client, method)(url, data)
                text = body_text(response)
                status, location = response.status_code, response.get("Location", "")
            except Exception as exc:  # the view raised: a 500 in production
                status, location, text = 500, "", repr(exc)
            for message in OutboxMessage.objects.filter(pk__gt=last_message):
                text += message.subject + message.body_text + message.body_html
            for message in mail.outbox:
                text += message.subject + message.body + str(getattr(message, "alternatives", ""))
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    writes = sorted(
        {m.group(2) for q in queries.captured_queries if (m := WRITES.match(q["sql"]))}
        - WRITABLE_WHEN_REFUSED
    )
    return Answer(status, location, text, writes)


def outcome(answer: Answer) -> int | str:
    if answer.status == 302 and "/admin/login/" in answer.location:
        return ADMIN_LOGIN
    if answer.status == 302 and "/accounts/login/" in answer.location:
        return LOGIN
    return answer.status


OTHER_METHOD = {"get": POST, POST: "get"}


def leaks(viewer, answer, allow=frozenset()) -> list[str]:
    """The markers the viewer must not meet that the answer shows."""
    return [marker for marker in FORBIDDEN[viewer] - allow if marker in answer.text]


REFUSED = {400, 403, 404, 405, LOGIN, ADMIN_LOGIN}
RECORD = os.environ.get("MATRIX_RECORD")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(table()))
def test_access(name, world):
    expect, how = table()[name]
    home = world.home
    url = reverse(name, kwargs=how.kwargs(home))
    problems, seen = [], {}
    for viewer in VIEWERS:
        answer = visit(world.viewers[viewer], how.method, url, how.data(home))
        got, expected = outcome(answer), expect[viewer]
        seen[viewer] = [got, [m for m in (HOME, SECRET, FOREIGN) if m in answer.text]]
        if got != expected:
            problems.append(f"{viewer}: expected {expected}, got {got} {answer.location}")
        leaked = leaks(viewer, answer, how.allow)
        if leaked:
            problems.append(f"{viewer}: the response shows {leaked}")
        shown = SHOWS.get(name, {}).get(viewer)
        if shown and shown not in answer.text:
            problems.append(f"{viewer}: the response does not show {shown}")
        if viewer == "foreign_home" and expected == 404:
            # The old walker's check: the other method too is a 404 (or a 405), writing nothing.
            other = visit(world.viewers[viewer], OTHER_METHOD[how.method], url, {})
            if other.status not in (404, 405) or other.writes or leaks(viewer, other):
                problems.append(f"{viewer}: {OTHER_METHOD[how.method]} got {other.status}")
        wrote = set(answer.writes) - LOGGED_WHEN_REFUSED.get(viewer, set())
        if got in REFUSED and wrote:
            problems.append(f"{viewer}: refused ({got}) but wrote to {answer.writes}")
    if RECORD:
        import json

        with open(RECORD, "a") as out:
            out.write(json.dumps([name, seen, problems]) + "\n")
    assert not problems, f"{how.method.upper()} {url}\n" + "\n".join(problems)
