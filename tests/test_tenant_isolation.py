"""Every URL that takes an object id answers 404 for another partnership's objects.

The walker finds every named URL pattern with parameters. Each must be listed in FOREIGN_OBJECTS
with a builder that creates an object in the *other* partnership and returns the URL kwargs, or
in NOT_OBJECT_URLS with the reason it identifies no tenant object. A new URL that is in neither
fails this test: add it to one of them.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advocates.tokens import make_survey_token
from leads.tokens import make_access_token
from members.services import invite_member
from members.tokens import make_invitation_token
from pinnacle.mail.services import queue_email
from pinnacle.mail.tokens import make_unsubscribe_token
from policy.models import PolicyVersion
from tests.advocates.factories import (
    ContactFactory,
    ExperimentFactory,
    ReferralFactory,
    RewardFactory,
    RewardRuleFactory,
    SurveyFactory,
)
from tests.comarketing.factories import ConnectionFactory, MediaFactory
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import (
    BreachReportFactory,
    InvitationFactory,
    MemberFactory,
    PolicyRevisionFactory,
    PolicySuggestionFactory,
)
from tests.outreach.factories import TemplateFactory
from tests.transactions.factories import (
    DisclosureFactory,
    LeaderProposalFactory,
    TeamMemberFactory,
    TransactionDocumentFactory,
    TransactionEventFactory,
    TransactionFactory,
)
from tests.transactions.transaction_builders import closed_transaction
from transactions.tokens import make_customer_token

pytestmark = pytest.mark.django_db


def invitation_kwargs(other):
    return {"pk": InvitationFactory(partnership=other).pk}


def accept_kwargs(other):
    leader = MemberFactory(partnership=other)
    invitation = invite_member(
        partnership=other,
        invited_by=leader.user,
        email="foreign-invitee@example.com",
        display_name="Foreign Invitee",
        kind="agent",
        service_category="real_estate",
        role="member",
    )
    return {"token": make_invitation_token(invitation)}


def unsubscribe_kwargs(other):
    message = queue_email(
        partnership=other,
        key="foreign:notice",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello", "body": "Hello"},
    )
    token = make_unsubscribe_token(partnership=other, email=message.to_email, message_id=message.pk)
    return {"token": token}


def _enrollment(other):
    from advocates.services.plans import enroll

    contact = ContactFactory(owner=MemberFactory(partnership=other))
    return enroll(contact=contact, kind="eight_by_eight", starts_on=other.today())


def _nested(row, name):
    """A transaction's row in the other partnership, as the URL names it."""
    return {"pk": row.transaction_id, name: row.pk}


def _referral(other):
    return {"pk": ReferralFactory(contact__owner=MemberFactory(partnership=other)).pk}


def _reward_rule(other):
    return {"pk": RewardRuleFactory(owner=MemberFactory(partnership=other)).pk}


FOREIGN_OBJECTS = {
    "referral_detail": _referral,
    "referral_stage": _referral,
    "referral_email": _referral,
    "referral_progress_note": _referral,
    "referral_dismiss_note": _referral,
    "referral_give_reward": _referral,
    "reward_rule_edit": _reward_rule,
    "reward_rule_deactivate": _reward_rule,
    "reward_redeemed": lambda other: {
        "pk": RewardFactory(contact__owner=MemberFactory(partnership=other)).pk
    },
    "directory_profile": lambda other: {"slug": MemberFactory(partnership=other).slug},
    "inquiry_detail": lambda other: {"pk": InquiryFactory(partnership=other).pk},
    "express_interest": lambda other: {"slug": MemberFactory(partnership=other).slug},
    "invitation_resend": invitation_kwargs,
    "invitation_revoke": invitation_kwargs,
    "accept_invitation": accept_kwargs,
    "lead_detail": lambda other: {"pk": LeadFactory(partnership=other).pk},
    "lead_opt_out": lambda other: {"pk": LeadFactory(partnership=other).pk},
    "prospect_access": lambda other: {"token": make_access_token(LeadFactory(partnership=other))},
    # The customer's page is public: another partnership's valid link is a 404 here.
    "customer_transaction": lambda other: {
        "token": make_customer_token(TransactionFactory(lead__partnership=other))
    },
    **{
        name: lambda other: {"pk": TransactionFactory(lead__partnership=other).pk}
        for name in ("transaction_customer_link", "transaction_customer_link_revoke")
    },
    **{
        name: lambda other: {"lead_pk": LeadFactory(partnership=other).pk}
        for name in (
            "outreach_compose",
            "outreach_log_call",
            "outreach_log_message",
            "outreach_log_reply",
            "outreach_recommend",
            "outreach_decision_notes",
        )
    },
    "outreach_member_compliance": lambda other: {"member_pk": MemberFactory(partnership=other).pk},
    "outreach_template_edit": lambda other: {"pk": TemplateFactory(partnership=other).pk},
    "outreach_template_delete": lambda other: {"pk": TemplateFactory(partnership=other).pk},
    **{
        name: lambda other: {"pk": ConnectionFactory(partnership=other).pk}
        for name in ("comarketing_detail", "comarketing_edit")
    },
    "comarketing_share_lead": lambda other: {"lead_pk": LeadFactory(partnership=other).pk},
    "comarketing_resend": lambda other: {"pk": ConnectionFactory(partnership=other).pk},
    "comarketing_delete": lambda other: {"pk": ConnectionFactory(partnership=other).pk},
    **{
        name: lambda other: {"token": ConnectionFactory(partnership=other).token}
        for name in ("comarketing_join", "comarketing_join_seen", "comarketing_accept")
    },
    "comarketing_media_create": lambda other: {"pk": MediaFactory(partnership=other).connection_id},
    **{
        name: lambda other: {"pk": MediaFactory(partnership=other).pk}
        for name in ("comarketing_media_edit", "comarketing_media_delete")
    },
    "comarketing_media_flyer": lambda other: {
        "pk": MediaFactory(partnership=other, kind="flyer").pk
    },
    **{
        name: lambda other: {"slug": MediaFactory(partnership=other).slug}
        for name in ("comarketing_media_page", "comarketing_media_embed")
    },
    "unsubscribe": unsubscribe_kwargs,
    "transaction_open": lambda other: {"pk": LeadFactory(partnership=other).pk},
    **{
        name: lambda other: {"pk": TransactionFactory(partnership=other).pk}
        for name in (
            "transaction_detail",
            "transaction_add_member",
            "transaction_propose_leader",
            "transaction_stage",
            "transaction_confirm_whole_team",
            "transaction_details",
            "transaction_note",
            "transaction_document_upload",
            "transaction_disclosure_record",
        )
    },
    "transaction_remove_member": lambda other: _nested(
        TeamMemberFactory(transaction=TransactionFactory(partnership=other)), "seat_pk"
    ),
    "transaction_agree_leader": lambda other: _nested(
        LeaderProposalFactory(transaction=TransactionFactory(partnership=other)), "proposal_pk"
    ),
    "transaction_event_share": lambda other: _nested(
        TransactionEventFactory(transaction=TransactionFactory(partnership=other)), "event_pk"
    ),
    "transaction_document": lambda other: _nested(
        TransactionDocumentFactory(transaction=TransactionFactory(partnership=other)), "doc_pk"
    ),
    **{
        name: lambda other: _nested(
            DisclosureFactory(transaction=TransactionFactory(partnership=other)), "disclosure_pk"
        )
        for name in ("transaction_disclosure_revoke", "transaction_disclosure_document")
    },
    **{
        name: lambda other: {
            "pk": closed_transaction(other, leader=MemberFactory(partnership=other)).pk
        }
        for name in (
            "post_close_detail",
            "post_close_propose_meeting",
            "post_close_confirm_meeting",
            "post_close_letter",
            "post_close_letter_mailed",
            "post_close_letter_pdf",
            "post_close_record_interaction",
            "post_close_meeting_held",
        )
    },
    # A version number this partnership does not have (every partnership has version 1).
    "policy_version": lambda other: {
        "number": PolicyVersion.objects.create(partnership=other, number=9, text="Rules").number
    },
    "policy_suggestion_respond": lambda other: {
        "pk": PolicySuggestionFactory(partnership=other).pk
    },
    "policy_report_detail": lambda other: {"pk": BreachReportFactory(partnership=other).pk},
    **{
        name: lambda other: {"pk": PolicyRevisionFactory(partnership=other).pk}
        for name in ("policy_revision_detail", "policy_revision_vote", "policy_revision_open")
    },
    **{
        name: lambda other: {"pk": ContactFactory(owner=MemberFactory(partnership=other)).pk}
        for name in (
            "advocates_contact",
            "advocates_contact_edit",
            "advocates_contact_delete",
            "advocates_contact_move",
            "advocates_contact_log",
            "advocates_contact_history",
            "advocates_contact_email",
        )
    },
    # The appreciation plans: another partnership's touches, enrolments and contacts.
    **{
        name: lambda other: {"pk": _enrollment(other).touches.filter(is_email=True).first().pk}
        for name in ("advocates_touch_done", "advocates_touch_email", "advocates_touch_acknowledge")
    },
    "advocates_enrollment_cancel": lambda other: {"pk": _enrollment(other).pk},
    "advocates_enroll": lambda other: {
        "contact_pk": ContactFactory(owner=MemberFactory(partnership=other)).pk
    },
    # Advocates insights: leadership experiments (owner null), the widest a leader could see.
    **{
        name: lambda other: {"pk": ExperimentFactory(owner=None, partnership=other).pk}
        for name in (
            "advocates_experiment",
            "advocates_experiment_feedback",
            "advocates_experiment_end",
        )
    },
    "advocates_contact_survey": lambda other: {
        "pk": ContactFactory(owner=MemberFactory(partnership=other)).pk
    },
    # The survey page is public: another partnership's valid link is a 404 here.
    "satisfaction_survey": lambda other: {
        "token": make_survey_token(SurveyFactory(owner=MemberFactory(partnership=other)))
    },
}

# Parameterised URLs that name no tenant object.
NOT_OBJECT_URLS = {
    "media": "uploaded files; names are random and carry no tenant data on their own",
}
# Third-party URL sets with their own tests: Django admin (scoping is tested in tests/members/
# test_admin.py), allauth's key-based URLs, anymail webhooks (authenticated, tenantless).
SKIPPED_PREFIXES = ("admin/", "accounts/", "anymail/")


def parameterised_patterns(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from parameterised_patterns(entry.url_patterns, route)
        elif (
            isinstance(entry, URLPattern)
            and entry.pattern.regex.groups
            and not route.startswith(SKIPPED_PREFIXES)
        ):
            yield entry.name, route


def test_every_object_url_is_covered():
    missing = {
        f"{name} ({route})"
        for name, route in parameterised_patterns()
        if name not in FOREIGN_OBJECTS and name not in NOT_OBJECT_URLS
    }
    assert not missing, f"Add these URLs to FOREIGN_OBJECTS or NOT_OBJECT_URLS: {missing}"


@pytest.mark.parametrize("name", sorted(FOREIGN_OBJECTS))
def test_other_partnerships_objects_are_404(name, leader, other_partnership):
    # Leadership has the widest access in its own partnership; it still sees nothing of another.
    url = reverse(name, kwargs=FOREIGN_OBJECTS[name](other_partnership))
    client = client_for(leader.partnership, leader)
    responses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert set(responses.values()) <= {404, 405}, responses
    assert 404 in responses.values(), responses
