"""What a submission records on its lead (leads/services/intake.py): a new lead is what the
prospect said; a returning one takes what they say now, keeps the phone and the consent it
has; an advocate referral only gives an unassigned lead its member, and only an active member
enters one; two submissions at once make one lead; a reassignment says from whom to whom."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import FormKind, Lead
from leads.services import LeadRefused, intake
from leads.services.intake import reassign_lead, submit_lead
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def submit(partnership, **fields):
    return submit_lead(
        **{
            "partnership": partnership,
            "form": FormKind.JOIN,
            "name": "Dana Prospect",
            "email": "dana@example.com",
            "need": "buy",
            "timeframe": "3m",
            **fields,
        }
    )


def test_a_new_lead_is_what_the_prospect_said(partnership, member, clock):
    lead = submit(partnership, need="sell", timeframe="12m", phone="512 555 0199", referrer=member)
    lead = Lead.objects.get(pk=lead.lead_id)
    assert (lead.need, lead.timeframe, lead.phone, lead.referring_member) == (
        "sell",
        "12m",
        "512 555 0199",
        member,
    )
    assert (lead.consented_at, lead.last_submitted_at) == (None, timezone.now())


def test_a_returning_lead_keeps_its_first_phone_and_consent(partnership, clock):
    submit(partnership)
    clock.shift(datetime.timedelta(days=1))
    submit(partnership, need="invest", timeframe="now")  # no phone, no consent: nothing kept
    lead = Lead.objects.get()
    assert (lead.need, lead.timeframe, lead.phone, lead.consented_at) == ("invest", "now", "", None)

    clock.shift(datetime.timedelta(days=1))
    consented = timezone.now()
    submit(partnership, phone="512 555 0199", consent=True)
    lead.refresh_from_db()
    assert (lead.phone, lead.consented_at) == ("512 555 0199", consented)

    clock.shift(datetime.timedelta(days=1))
    submit(partnership, phone="512 555 0100", consent=True)
    lead.refresh_from_db()
    assert (lead.phone, lead.consented_at, lead.last_submitted_at) == (
        "512 555 0199",
        consented,
        timezone.now(),
    )


def advocate_referral(partnership, referrer):
    return submit(partnership, form=FormKind.ADVOCATE_REFERRAL, referrer=referrer)


def test_an_advocate_referral_gives_an_unassigned_lead_its_member_and_no_other(partnership):
    submit(partnership)
    first, second = MemberFactory(partnership=partnership), MemberFactory(partnership=partnership)
    advocate_referral(partnership, first)
    assert Lead.objects.get().referring_member == first
    advocate_referral(partnership, second)
    assert Lead.objects.get().referring_member == first


def test_only_an_active_member_enters_an_advocate_referral(partnership, member):
    """The member must be this partnership's and active (another active member is no help)."""
    inactive = MemberFactory(partnership=partnership, is_active=False)
    for referrer in (None, inactive):
        with pytest.raises(
            LeadRefused, match=r"^An advocate referral is entered by an active member\.$"
        ):
            advocate_referral(partnership, referrer)
    assert not Lead.objects.exists()


def test_the_referrer_refused_is_said_exactly(partnership):
    unlisted = MemberFactory(partnership=partnership, is_listed=False)
    with pytest.raises(
        LeadRefused, match=r"^The referrer must be a listed member of this partnership\.$"
    ):
        submit(partnership, referrer=unlisted)


def test_the_same_person_submitting_twice_at_once_joins_the_lead_the_other_made(
    partnership, monkeypatch
):
    """The other request created the lead after this one looked for it (`_lock_lead` found
    none): the unique index refuses this one's, and it joins theirs."""
    theirs = Lead.objects.get(pk=submit(partnership, need="buy").lead_id)
    lock_lead, looks = intake._lock_lead, []

    def not_yet_there(partnership, email):
        looks.append(email)
        return None if len(looks) == 1 else lock_lead(partnership, email)

    monkeypatch.setattr(intake, "_lock_lead", not_yet_there)
    mine = submit(partnership, email="Dana@Example.com", need="sell")
    assert mine.lead_id == theirs.pk and looks == ["dana@example.com"] * 2
    assert Lead.objects.count() == 1


def test_the_welcome_links_to_the_directory(partnership):
    submit(partnership)
    welcome = OutboxMessage.objects.get(template="leads/welcome")
    directory = partnership.absolute_url(reverse("directory"))
    assert f"Open the directory: {directory}" in welcome.body_text


def test_the_thanks_in_the_members_name_links_to_their_profile(partnership, member):
    submit(partnership, referrer=member)
    thanks = OutboxMessage.objects.get(template="leads/referrer_thanks")
    profile = partnership.absolute_url(member.get_absolute_url())
    assert f"My profile: {profile}" in thanks.body_text


@pytest.mark.parametrize("to_someone", [True, False])
def test_a_reassignment_says_from_whom_to_whom(partnership, member, leader, to_someone):
    lead = Lead.objects.get(pk=submit(partnership, referrer=member).lead_id)
    reassign_lead(lead=lead, member=leader if to_someone else None, actor=leader.user)
    audit = AuditEvent.objects.get(action="lead.reassigned")
    expected = "Lee Leadership" if to_someone else "Unassigned"
    assert audit.summary == f"Reassigned from Alice Agent to {expected}"
