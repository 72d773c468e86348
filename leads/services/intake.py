"""Prospects submitting /join/ or /contact/: one lead per email, the referrer rule, three emails."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from leads.models import Channel, FormKind, Lead, Submission, first_submission
from leads.services import LeadRefused
from leads.services.inquiries import inquire_through_contact_form
from leads.tokens import access_url
from members.models import Member
from members.selectors import listed_members
from pinnacle.mail.services import find_suppression, lift_suppression, queue_email
from pinnacle.models import Partnership
from pinnacle.tenancy import record_audit

# utm_source values (lowercased) and the channel they name; any other source is "other" and is
# shown as given.
SOURCE_CHANNELS = {
    "facebook": Channel.FACEBOOK,
    "fb": Channel.FACEBOOK,
    "instagram": Channel.INSTAGRAM,
    "ig": Channel.INSTAGRAM,
    "linkedin": Channel.LINKEDIN,
    "x": Channel.X,
    "twitter": Channel.X,
    "t.co": Channel.X,
    "youtube": Channel.YOUTUBE,
    "yt": Channel.YOUTUBE,
    "tiktok": Channel.TIKTOK,
    "email": Channel.EMAIL,
    "newsletter": Channel.EMAIL,
    "mailchimp": Channel.EMAIL,
    "google": Channel.SEARCH,
    "bing": Channel.SEARCH,
    "duckduckgo": Channel.SEARCH,
    "yahoo": Channel.SEARCH,
}


def channel_for(utm: dict) -> str:
    """Website when the visitor came with no utm_source, else the channel it names."""
    source = (utm.get("utm_source") or "").strip().lower()
    if not source:
        return Channel.WEBSITE
    return SOURCE_CHANNELS.get(source, Channel.OTHER)


def referrer_choices(partnership: Partnership):
    """Members a prospect may name as their referrer: the partnership's listed members."""
    return (
        listed_members(partnership=partnership)
        .select_related("company")
        .only("pk", "slug", "display_name", "company__name", "partnership_id")
        .order_by("display_name")
    )


@transaction.atomic
def submit_lead(
    *,
    partnership: Partnership,
    form: str,
    name: str,
    email: str,
    need: str,
    timeframe: str,
    phone: str = "",
    message: str = "",
    consent: bool = False,
    referrer: Member | None = None,
    utm: dict | None = None,
    ip_address: str | None = None,
) -> Submission:
    """Record a submission and queue its emails, all in one transaction.

    The same email in the same partnership is one lead; a later submission joins its timeline.
    The lead keeps the member who referred them first; leadership reassigns in admin. A lead
    who had opted out is open to contact again.

    An advocate referral (`FormKind.ADVOCATE_REFERRAL`) is entered by the member (`referrer`)
    for a person their contact referred: it creates or joins the lead the same way, but the
    lead did not ask, so it sends nothing, starts no inquiry clock, and leaves what the lead
    said themselves (and an opt-out) as it was.

    Long because its twelve keyword arguments and these guarantees are half of it; the steps
    (the referrer rule, the lead, the submission, the emails) are each one call.
    """
    is_advocate_referral = form == FormKind.ADVOCATE_REFERRAL
    _check_referrer(
        partnership=partnership, referrer=referrer, is_advocate_referral=is_advocate_referral
    )
    email = email.strip().lower()
    utm = utm or {}
    channel = channel_for(utm)
    now = timezone.now()
    lead = _submitted_lead(
        partnership=partnership,
        name=name,
        email=email,
        phone=phone,
        need=need,
        timeframe=timeframe,
        referrer=referrer,
        channel=channel,
        utm=utm,
        consent=consent,
        is_advocate_referral=is_advocate_referral,
        now=now,
    )

    if not is_advocate_referral:
        _reopen_if_opted_out(lead)
    submission = Submission.objects.create(
        partnership=partnership,
        lead=lead,
        form=form,
        name=name,
        phone=phone,
        need=need,
        timeframe=timeframe,
        message=message,
        named_referrer=referrer,
        channel=channel,
        utm=utm,
        consent=consent,
        ip_address=ip_address,
    )
    # policy: an advocate referral sends the lead no welcome and queues no emails at all: the
    # lead did not ask (the member reaches out under the outreach rules), and the member entered
    # it themselves, so needs no notice; nor does it start an inquiry clock.
    if not is_advocate_referral:
        send_intake_emails(submission)
    return submission


def _check_referrer(
    *, partnership: Partnership, referrer: Member | None, is_advocate_referral: bool
) -> None:
    if is_advocate_referral:
        if referrer is None or not _is_active_member(partnership, referrer):
            raise LeadRefused("An advocate referral is entered by an active member.")
    # policy: the prospect names the partner member who referred them, one of this partnership's
    # members in the directory; any caller (form, import, admin) is held to that.
    elif referrer is not None and not referrer_choices(partnership).filter(pk=referrer.pk).exists():
        raise LeadRefused("The referrer must be a listed member of this partnership.")


def _submitted_lead(
    *,
    partnership: Partnership,
    name: str,
    email: str,
    phone: str,
    need: str,
    timeframe: str,
    referrer: Member | None,
    channel: str,
    utm: dict,
    consent: bool,
    is_advocate_referral: bool,
    now: datetime.datetime,
) -> Lead:
    """The lead `email` is, locked: created, or the one it joins, updated with what they said
    now (an advocate referral only names its referrer)."""
    lead = _lock_lead(partnership, email)
    if lead is None:
        try:
            with transaction.atomic():
                return Lead.objects.create(
                    partnership=partnership,
                    name=name,
                    email=email,
                    phone=phone,
                    need=need,
                    timeframe=timeframe,
                    referring_member=referrer,
                    channel=channel,
                    utm=utm,
                    consented_at=now if consent else None,
                    last_submitted_at=now,
                )
        except IntegrityError:
            # The same person submitted twice at once; the other request created the lead.
            theirs = _lock_lead(partnership, email)
            assert theirs is not None, "the unique index refused ours: theirs exists"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
            return theirs
    if is_advocate_referral:
        assert referrer is not None, "an advocate referral names its referrer (checked above)"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
        _adopt_referrer(lead, referrer)
    else:
        _update_lead(
            lead,
            phone=phone,
            need=need,
            timeframe=timeframe,
            consent=consent,
            referrer=referrer,
            now=now,
        )
    return lead


def _is_active_member(partnership: Partnership, member: Member) -> bool:
    return Member.objects.for_partnership(partnership).filter(pk=member.pk, is_active=True).exists()


def _adopt_referrer(lead: Lead, referrer: Member) -> None:
    """An advocate referral joining a lead: the lead said nothing new, so only an unassigned
    lead gets the member as its referrer (the first member named keeps it)."""
    if lead.referring_member_id is None:
        lead.referring_member = referrer
        lead.save(update_fields=["referring_member"])


def _reopen_if_opted_out(lead: Lead) -> None:
    """policy: an opted-out lead gets no outreach until they ask again through a new submission
    of their own; an address that bounced or marked us as spam stays suppressed whatever they
    submit. Runs under the lead's row lock."""
    suppression = find_suppression(partnership=lead.partnership, email=lead.email)
    if suppression is None or not suppression.is_opt_out:
        return
    lift_suppression(suppression=suppression, actor=None)
    record_audit(
        partnership=lead.partnership,
        actor=None,
        action="lead.reopened",
        target=lead,
        summary="Opted back in by submitting the form again",
        data={
            "opted_out_at": suppression.created_at.isoformat(),
            "reason": suppression.reason,
            "source": suppression.source,
        },
    )


def _lock_lead(partnership: Partnership, email: str) -> Lead | None:
    return (
        Lead.objects.for_partnership(partnership)
        .select_for_update()
        .filter(email__lower=email.lower())  # served by the unique index on Lower(email)
        .first()
    )


def _update_lead(lead: Lead, *, phone, need, timeframe, consent, referrer, now) -> None:
    lead.last_submitted_at = now
    lead.need, lead.timeframe = need, timeframe  # what they need now
    fields = ["last_submitted_at", "need", "timeframe"]
    if phone and not lead.phone:
        lead.phone = phone
        fields.append("phone")
    if consent and lead.consented_at is None:
        lead.consented_at = now
        fields.append("consented_at")
    # policy: a lead is assigned to the member who referred them (the first one they named).
    if referrer is not None and lead.referring_member_id is None:
        lead.referring_member = referrer
        fields.append("referring_member")
    lead.save(update_fields=fields)


@transaction.atomic
def reassign_lead(*, lead: Lead, member: Member | None, actor) -> Lead:
    """Leadership moves a lead to another member (or unassigns it); the timeline records it."""
    if member is not None and member.partnership_id != lead.partnership_id:
        raise LeadRefused("The member belongs to another partnership.")
    lead = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("referring_member")
        .get(pk=lead.pk)
    )
    previous = lead.referring_member
    if previous == member:
        return lead
    lead.referring_member = member
    lead.save(update_fields=["referring_member"])
    record_audit(
        partnership=lead.partnership,
        actor=actor,
        action="lead.reassigned",
        target=lead,
        summary=f"Reassigned from {_name(previous)} to {_name(member)}",
        data={"from": previous.pk if previous else None, "to": member.pk if member else None},
    )
    return lead


def _name(member: Member | None) -> str:
    return member.display_name if member else "Unassigned"


def send_intake_emails(submission: Submission) -> None:
    """The seed's Lead Assignment emails: the partnership's welcome; and, to the member the
    prospect named this time (else the lead's assigned member), a notification, with a thank-you
    in that member's name (once per lead and member). The lead stays with the member named first;
    a member named later still hears about it and is thanked for."""
    lead, partnership = submission.lead, submission.partnership
    context = {
        "lead": lead,
        "submission": submission,
        "access_url": access_url(lead),
        "directory_url": partnership.absolute_url(reverse("directory")),
        "reply_hours": partnership.inquiry_reply_hours,
    }
    queue_email(
        partnership=partnership,
        key=f"welcome:submission:{submission.pk}",
        template="leads/welcome",
        to=lead.email,
        context=context,
        about=lead,
    )
    if submission.form == FormKind.CONTACT:
        # policy: the online form's message is an inquiry with the same reply clock; its notice
        # tells the named member (or leadership) what the referrer notice would.
        inquiry = inquire_through_contact_form(submission)
    else:
        inquiry = None
    member = submission.named_referrer or lead.referring_member
    if member is None:
        return
    context["member"] = member
    context["lead_url"] = partnership.absolute_url(lead.get_absolute_url())
    if inquiry is None or inquiry.member_id != member.pk:
        named_you = submission.named_referrer_id == member.pk
        queue_email(
            partnership=partnership,
            key=f"referrer-notice:submission:{submission.pk}",
            template="leads/referrer_notice",
            to=member.email,
            # A returning lead who named no one this time is the member's through how they first
            # came (an advocate's referral, a co-marketing page, an earlier form): say which.
            context={
                **context,
                "named_you": named_you,
                "first_submission": None if named_you else first_submission(lead),
            },
            about=lead,
        )
    queue_email(
        partnership=partnership,
        key=f"referrer-thanks:lead:{lead.pk}:member:{member.pk}",
        template="leads/referrer_thanks",
        to=lead.email,
        context={**context, "profile_url": partnership.absolute_url(member.get_absolute_url())},
        sender_name=member.display_name,
        reply_to=member.email,
        about=lead,
    )
