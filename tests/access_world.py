"""The world of the access-control matrix (tests/test_access_matrix.py): two partnerships built
by the same function, every object a URL can name, and a logged-in client per viewer.

Every text the other partnership holds carries FOREIGN ("ZZFOREIGN"); this partnership's rows
carry HOME; the confidential transaction's own records (address, note, document, authorization
scope) carry SECRET. The matrix asserts which viewer may meet which marker in a response.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from advocates.tokens import make_survey_token
from leads.tokens import make_access_token
from members.services import invite_member
from members.tokens import make_invitation_token
from pinnacle.mail.services import queue_email
from pinnacle.mail.tokens import make_unsubscribe_token
from tests.advocates.factories import (
    ContactFactory,
    ExperimentFactory,
    ReferralFactory,
    RewardFactory,
    RewardRuleFactory,
    SurveyFactory,
)
from tests.comarketing.factories import ConnectionFactory, MediaFactory
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import (
    BreachReportFactory,
    InvitationFactory,
    LeadershipFactory,
    MemberFactory,
    PolicyRevisionFactory,
    PolicySuggestionFactory,
)
from tests.outreach.factories import TemplateFactory
from tests.transactions.factories import PDF_BYTES, DisclosureFactory, LeaderProposalFactory
from tests.transactions.transaction_builders import closed_transaction
from transactions.models import DisclosureCover
from transactions.services import lifecycle, records
from transactions.tokens import make_customer_token

FOREIGN = "ZZFOREIGN"
HOME = "ZZHOME"
SECRET = "ZZSECRET"


@dataclass
class Place:
    """One partnership's objects, every text tagged with `tag` (the confidential transaction's
    records with `secret`)."""

    partnership: object
    agent: object  # owns the contacts, referrals, templates ...; leads the transaction
    lender: object  # on the transaction's team; the co-marketing connection's lender
    leader: object
    plain: object  # a member with nothing of their own
    outsider: object  # on another transaction's team, not this one's
    grantee: object  # the customer authorized them in writing, until next month
    expired: object  # the customer authorized them in writing, until last week
    revoked: object  # the customer authorized them in writing, then took it back
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _member(partnership, tag, name, **fields):
    return MemberFactory(
        partnership=partnership, display_name=f"{tag} {name}", bio=f"{tag}-bio", **fields
    )


def build_place(partnership, *, tag: str, secret: str) -> Place:
    agent = _member(partnership, tag, "Agent", kind="agent")
    lender = _member(partnership, tag, "Lender", kind="lender")
    place = Place(
        partnership=partnership,
        agent=agent,
        lender=lender,
        leader=LeadershipFactory(partnership=partnership, display_name=f"{tag} Leader"),
        plain=_member(partnership, tag, "Plain"),
        outsider=_member(partnership, tag, "Outsider"),
        grantee=_member(partnership, tag, "Grantee"),
        expired=_member(partnership, tag, "Expired"),
        revoked=_member(partnership, tag, "Revoked"),
    )
    o = place.objects
    today = partnership.today()
    o["lead"] = LeadFactory(
        partnership=partnership, name=f"{tag} Lead", referring_member=agent, phone="555-0100"
    )
    o["prospect"] = LeadFactory(partnership=partnership, name=f"{tag} Prospect")
    o["customer"] = LeadFactory(
        partnership=partnership, name=f"{tag} Customer", email=f"customer@{tag.lower()}.example"
    )
    # The confidential transaction: the agent leads it, the lender sits on it.
    deal = lifecycle.open_transaction(
        lead=o["customer"],
        member=agent,
        kind="buy",
        property_address=f"{secret}-ADDRESS 77 Lane",
        expected_close_on=today + datetime.timedelta(days=60),
        value=Decimal("512345"),
    )
    lifecycle.add_team_member(transaction=deal, actor=agent, member=lender, role="Lender")
    lifecycle.change_stage(transaction=deal, actor=agent, stage="under_contract")
    records.add_note(transaction=deal, actor=lender, body=f"{secret}-NOTE the budget is tight")
    o["document"] = records.add_document(
        transaction=deal,
        actor=lender,
        title=f"{secret}-DOCUMENT agreement",
        file=SimpleUploadedFile("agreement.pdf", PDF_BYTES),
    )
    o["disclosure"] = records.record_disclosure(
        transaction=deal,
        actor=agent,
        grantee_name="",
        grantee_member=place.grantee,
        scope=f"{secret}-SCOPE the closing date",
        covers=list(DisclosureCover.values),
        valid_until=today + datetime.timedelta(days=30),
        signed_document=SimpleUploadedFile("signed.pdf", PDF_BYTES),
    )
    # Ended last week (recorded as it was then: the service refuses a past end date).
    o["expired_disclosure"] = DisclosureFactory(
        transaction=deal,
        grantee_member=place.expired,
        scope=f"{secret}-SCOPE an old one",
        covers=list(DisclosureCover.values),
        valid_until=today - datetime.timedelta(days=7),
    )
    o["revoked_disclosure"] = DisclosureFactory(
        transaction=deal,
        grantee_member=place.revoked,
        scope=f"{secret}-SCOPE taken back",
        covers=list(DisclosureCover.values),
        valid_until=today + datetime.timedelta(days=30),
        revoked_at=timezone.now(),
    )
    o["proposal"] = LeaderProposalFactory(transaction=deal, candidate=lender, proposed_by=lender)
    deal.refresh_from_db()
    o["deal"] = deal
    o["seat"] = deal.team.get(member=lender)
    o["note_event"] = deal.events.filter(kind="note").get()
    o["customer_token"] = make_customer_token(deal)
    # The outsider's own transaction, and a closed one of the agent's for the post-close pages.
    lifecycle.open_transaction(
        lead=LeadFactory(partnership=partnership, name=f"{tag} Other customer"),
        member=place.outsider,
        kind="sell",
        property_address=f"{tag} 9 Elm",
    )
    o["closed"] = closed_transaction(
        partnership,
        leader=agent,
        team=((lender, "Lender"),),
        lead=LeadFactory(partnership=partnership, name=f"{tag} Closed customer"),
        property_address=f"{tag} 5 Closed Court",
    )
    # The grantee is authorized on the closed one too: its post-close duties stay the committee's.
    DisclosureFactory(
        transaction=o["closed"],
        grantee_member=place.grantee,
        covers=list(DisclosureCover.values),
        valid_until=today + datetime.timedelta(days=30),
    )
    o["prospect_token"] = make_access_token(o["prospect"])
    o["inquiry"] = InquiryFactory(
        lead=o["prospect"], member=agent, message=f"{tag}-INQUIRY a 3-bedroom"
    )
    o["invitation"] = InvitationFactory(
        partnership=partnership, email=f"invitee@{tag.lower()}.example", display_name=f"{tag} Inv"
    )
    o["accept_token"] = make_invitation_token(
        invite_member(
            partnership=partnership,
            invited_by=place.leader.user,
            email=f"accept@{tag.lower()}.example",
            display_name=f"{tag} Invitee",
            kind="agent",
            service_category="real_estate",
            role="member",
        )
    )
    message = queue_email(
        partnership=partnership,
        key=f"{tag}:notice",
        template="mail/notice",
        to=o["lead"].email,
        context={"subject": f"{tag} hello", "body": f"{tag} hello"},
    )
    o["unsubscribe_token"] = make_unsubscribe_token(
        partnership=partnership, email=message.to_email, message_id=message.pk
    )
    o["contact"] = ContactFactory(owner=agent, name=f"{tag} Contact")
    o["referral"] = ReferralFactory(contact=o["contact"], person_name=f"{tag} Referred")
    o["reward_rule"] = RewardRuleFactory(owner=agent, description=f"{tag} coffee card")
    o["reward"] = RewardFactory(contact=o["contact"], description=f"{tag} appreciation")
    from advocates.services.plans import enroll

    o["enrollment"] = enroll(
        contact=ContactFactory(owner=agent, name=f"{tag} Enrolled"),
        kind="eight_by_eight",
        starts_on=today,
    )
    o["touch"] = o["enrollment"].touches.filter(is_email=True).first()
    o["experiment"] = ExperimentFactory(owner=None, partnership=partnership, name=f"{tag} Exp")
    o["survey_token"] = make_survey_token(SurveyFactory(owner=agent, name=f"{tag} Surveyed"))
    o["template"] = TemplateFactory(partnership=partnership, member=agent, name=f"{tag} Template")
    o["connection"] = ConnectionFactory(
        partnership=partnership, lender=lender, email=f"partner@{tag.lower()}.example"
    )
    o["media"] = MediaFactory(
        partnership=partnership,
        kind="flyer",
        title=f"{tag} Flyer",
        connection__lender=lender,
        connection__partner=agent,
    )
    # A capture page of the same active connection, for the public page and its embed.
    o["page"] = MediaFactory(
        partnership=partnership,
        title=f"{tag} Page",
        connection=o["media"].connection,
        owner=lender,
        created_by=lender,
    )
    o["suggestion"] = PolicySuggestionFactory(partnership=partnership)
    o["report"] = BreachReportFactory(partnership=partnership)
    o["revision"] = PolicyRevisionFactory(partnership=partnership)
    return place


# --- Viewers ----------------------------------------------------------------------------------


def logged_in(host: str, user) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user, backend="members.auth.PartnershipMemberBackend")
    return client


def build_viewers(home: Place, away: Place) -> dict[str, Client]:
    """Every viewer's client, on this partnership's host but `foreign_home` (another
    partnership's leadership on their own host, asking for this partnership's ids)."""
    host = home.partnership.host
    prospect = Client(HTTP_HOST=host)
    assert prospect.get(f"/access/{home.prospect_token}/").status_code == 200
    superuser = get_user_model().objects.create_superuser(email="root@example.com")
    return {
        "anonymous": Client(HTTP_HOST=host),
        "prospect": prospect,
        # The customer has no session: their link is the credential (see the token rows).
        "customer": Client(HTTP_HOST=host),
        "member": logged_in(host, home.plain.user),
        "lender": logged_in(host, home.lender.user),
        "agent": logged_in(host, home.agent.user),
        "leadership": logged_in(host, home.leader.user),
        "superuser": logged_in(host, superuser),
        "foreign": logged_in(host, away.leader.user),
        "foreign_home": logged_in(away.partnership.host, away.leader.user),
        "outsider": logged_in(host, home.outsider.user),
        "expired_grantee": logged_in(host, home.expired.user),
        "revoked_grantee": logged_in(host, home.revoked.user),
        "grantee": logged_in(host, home.grantee.user),
    }
