"""Who gets what in the access matrix (tests/test_access_matrix.py): the viewers, the markers
each must never meet, the URL classes (the expected status of every viewer), EXPECT (one row per
URL name: its class and the viewers that differ) and SHOWS (markers some viewers must meet)."""

from __future__ import annotations

from tests.access_world import FOREIGN, HOME, SECRET

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
    "metrics": (NOBODY, {}),  # METRICS_TOKEN unset: no endpoint (tests/pinnacle/test_metrics.py)
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
    "admin:personal_data": (ADMIN, {}),
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
