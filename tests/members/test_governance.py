"""Policy governance services: the versioned policy, suggestions, breach reports, and revisions
approved by vote of the majority."""

import datetime
import importlib
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from members import governance, policy_document, policy_feedback, tasks
from members.governance import (
    GovernanceRefused,
    cast_vote,
    close_due_votes,
    close_voting,
    current_policy,
    open_voting,
    propose_revision,
)
from members.models import (
    BreachReport,
    Member,
    PolicyRevision,
    PolicySuggestion,
    PolicyVersion,
    PolicyVote,
)
from members.policy_feedback import report_breach, respond_to_suggestion, submit_suggestion
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent, Partnership
from tests.members.factories import LeadershipFactory, MemberFactory, PolicySuggestionFactory
from tests.pinnacle.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

# A week with no daylight-saving change, so "7 days" is the same on the wall and the clock.
START = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
SEED = django_settings.BASE_DIR / ".." / "shared" / "seeds" / "000_082075c1d0053480.txt"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def voters(partnership, leader, member):
    """Seven active members in all (the leader, Alice and five more)."""
    return [leader, member, *MemberFactory.create_batch(5, partnership=partnership)]


def draft(leader, **settings) -> PolicyRevision:
    return propose_revision(
        actor=leader,
        title="Three attempts a week",
        rationale="Relocation buyers answer slowly.",
        text=current_policy(leader.partnership).text,
        settings={"cold_attempts_per_week": 3, **settings},
    )


def voting(leader, *, days=7, **settings) -> PolicyRevision:
    revision = draft(leader, **settings)
    return open_voting(
        revision=revision, actor=leader, closes_at=timezone.now() + datetime.timedelta(days=days)
    )


def emails(template):
    return list(OutboxMessage.objects.filter(template=template).order_by("to_email"))


# --- The policy text -----------------------------------------------------------------------------


def test_every_new_partnership_starts_with_version_one_of_the_seed_policy(partnership):
    (version,) = PolicyVersion.objects.for_partnership(partnership)
    assert version.number == 1 and version.revision is None
    assert version.text == policy_document.seed_policy_text()
    assert version.settings == policy_document.partnership_settings(partnership)
    assert current_policy(partnership) == version


def test_version_one_reads_as_the_seed_with_the_partnerships_numbers(partnership):
    text = policy_document.render_text(
        current_policy(partnership).text, current_policy(partnership).settings, partnership
    )
    assert "The limitation of cold call/email attempts to 2 times per week" in text
    assert "If no contact is made after 8 attempts via combined email and phone call" in text
    assert "over the course of 1 month" in text
    assert "reply to prospect inquiries within 24 hours" in text
    assert "Administrative Leadership within 2 days." in text
    assert (
        "\u201cThank you for exploring the Pinnacle Partnerships website.  I hope that you found"
        in text
    )
    assert "I specialize in\u2026 [insert specific information from partner member" in text
    assert "{" not in text


def test_a_number_of_one_reads_in_the_singular(partnership):
    ones = {name: 1 for name in policy_document.NUMBER_FIELDS}
    text = policy_document.render_text(current_policy(partnership).text, ones, partnership)
    assert "The limitation of cold call/email attempts to 1 time per week" in text
    assert "If no contact is made after 1 attempt via combined email" in text
    assert "reply to prospect inquiries within 1 hour, even if" in text
    assert "Administrative Leadership within 1 day." in text
    revised = "over the course of {cease_window_days} days, a letter within {thank_you_letter_days}"
    revised += " days"
    assert policy_document.render_text(revised, ones, partnership) == (
        "over the course of 1 day, a letter within 1 day"
    )
    for wrong in ("1 days", "1 hours", "1 times", "1 attempts"):
        assert wrong not in text


def test_only_a_unit_right_after_a_number_is_made_singular(partnership):
    text = "{post_close_meeting_days} days, {{post_close_meeting_days}} days, 1 days, " + (
        "{thank_you_letter_days} days"
    )
    settings = {"post_close_meeting_days": 1, "thank_you_letter_days": 11}
    assert policy_document.render_text(text, settings, partnership) == (
        "1 day, {post_close_meeting_days} days, 1 days, 11 days"
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not next to the repo")
def test_version_one_is_the_whole_seed_document_word_for_word(partnership):
    version = current_policy(partnership)
    text = policy_document.render_text(version.text, version.settings, partnership)
    # The seed once writes the name "Pinnacle Partnership"; the text says the partnership's name.
    seed = SEED.read_text(encoding="utf-8").replace(
        "Pinnacle Partnership Transaction", "Pinnacle Partnerships Transaction"
    )

    def words(document):
        # Markdown's marks aside: "## " opens a heading, "- " a bullet (the seed's "\u2022").
        return re.sub(r"^(#+|-) ", "", document, flags=re.M).replace("\u2022", "").split()

    assert words(text) == words(seed)


# The seed's words (seeds/000), as every version 1 must read them.
SEED_COMMUNICATION_STANDARDS = (
    "All Pinnacle Partnerships partner members will use the following standards regarding "
    "communication:",
    "Use of an individualized email template with the Pinnacle Partnerships required "
    "introductory statement (see above) and logo for all initial outreach to prospect/leads.",
    "The limitation of cold call/email attempts to 2 times per week and if unable to make "
    "contact a short voicemail.",
    "If no contact is made after 8 attempts via combined email and phone call over the course "
    "of 1 month, partner members are to cease contact in order to not pester unresponsive "
    "contacts.",
    "All partner members are to reply to prospect inquiries within 24 hours, even if just to "
    "acknowledge receipt and indicate follow-up timing.",
    "All partner members are to use ethical practices and never make false or exaggerated "
    "claims about the Pinnacle Partnerships organization, their talents and abilities, the "
    "talents and abilities of any other partner members, or their product/service or that of "
    "any other partner members.",
    "All communication should be personalized by each Pinnacle Partnerships partner member "
    "rather than generic from Pinnacle Partnerships.",
    "All sales product/services content shared with prospects should be value-led and "
    "appropriate for the stage of the transaction journey that the prospect/lead is at during "
    "the time of contact.",
)
SEED_SENTENCES = (
    "Lead Assignment:",
    "After completing a customer closing, schedule a post-transaction evaluation of success "
    "handoff meeting with the required Pinnacle Partnerships Administrative Leadership within 2 "
    "days.",
    "After completing a customer closing, mail/email a personalized thank you letter to the "
    "customer following the required format along with the required Pinnacle Partnerships "
    "logo, etc., and referencing their offer to help them again with their next real estate "
    "need whether transactional or informational (a transfer of knowledge).",
    "It is therefore, that Pinnacle Partnerships is open to all critique of this policy and "
    "any and all suggestions from its partner members for its improvement whereby the policy "
    "will be revised in consultation with the entire partner membership and approved by vote "
    "of the majority.",
    "As a Pinnacle Partnerships partner member, I specialize in\u2026 [insert specific "
    "information from partner member reaching out]\u201d \u2026 then the Pinnacle Partnerships "
    "partner member continue with their personal communication to the prospect/lead.",
    "Confidentiality of Transactions:",
)


def test_version_one_reads_the_seeds_sentences_word_for_word(partnership):
    version = current_policy(partnership)
    text = " ".join(
        policy_document.render_text(version.text, version.settings, partnership).split()
    )
    for sentence in (*SEED_COMMUNICATION_STANDARDS, *SEED_SENTENCES):
        assert sentence in text, sentence
    # Nobody voted these words: the seed does not have them.
    for added in ("within 7 days following", "30 days", "majority of the entire", "majority of"):
        assert added not in text, added
    assert not {"thank_you_letter_days", "policy_majority_of", "cease_window_days"} & (
        policy_document.placeholders_in(version.text)
    )


def marked(rows):
    return {row.name for row in rows if row.is_not_yet_voted}


def test_numbers_the_seed_does_not_state_are_marked_added_by_the_portal(partnership):
    version = current_policy(partnership)
    rows = policy_document.setting_rows(version.settings, text=version.text)
    assert marked(rows) == {
        "cease_window_days",
        "thank_you_letter_days",
        "comarketing_first_reminder_days",
        "comarketing_second_reminder_days",
        "policy_majority_of",
        # The seed asks for "follow-up timing" and names no limit.
        "acknowledgement_follow_up_days",
    }
    # The seed's own numbers are in its words.
    assert not marked(rows) & {
        "cold_attempts_per_week",
        "cease_after_attempts",
        "inquiry_reply_hours",
        "post_close_meeting_days",
    }


def test_a_revision_that_writes_in_the_letters_day_limit_adopts_it(
    clock, partnership, voters, leader
):
    v1 = current_policy(partnership)
    revision = propose_revision(
        actor=leader,
        title="The thank-you letter within 10 days",
        rationale="",
        text=v1.text.replace(
            "thank you letter to the customer following",
            "thank you letter to the customer within {thank_you_letter_days} days following",
        ),
        settings={"thank_you_letter_days": 10},
    )
    revision_rows = policy_document.setting_rows(
        revision.settings, before=v1.settings, text=revision.text, before_text=v1.text
    )
    assert {row.name for row in revision_rows if row.is_adopted_here} == {"thank_you_letter_days"}
    vote_and_close(clock, open_voting(revision=revision, actor=leader), voters, yes=4, no=0)

    v2 = current_policy(partnership)
    assert v2.number == 2
    rows = policy_document.setting_rows(v2.settings, text=v2.text)
    assert "thank_you_letter_days" not in marked(rows)
    assert "policy_majority_of" in marked(rows)  # still not in the text anyone voted
    assert "customer within 10 days following" in policy_document.render_text(
        v2.text, v2.settings, partnership
    )
    # Version 1 stays as the members first had it.
    v1_rows = policy_document.setting_rows(v1.settings, text=v1.text)
    assert "thank_you_letter_days" in marked(v1_rows)


def test_a_revision_that_only_changes_the_number_leaves_it_unvoted_in_the_text(
    clock, partnership, voters, leader
):
    vote_and_close(clock, voting(leader, thank_you_letter_days=10), voters, yes=4, no=0)
    v2 = current_policy(partnership)
    assert "thank_you_letter_days" in marked(
        policy_document.setting_rows(v2.settings, text=v2.text)
    )


# Version 1 as it was stored before it read as the seed wrote it.
STORED_WORDING = (
    ("over the course of 1 month,", "over the course of {cease_window_days} days,"),
    (
        "thank you letter to the customer following",
        "thank you letter to the customer within {thank_you_letter_days} days following",
    ),
    ("approved by vote of the majority.", "approved by vote of the majority {policy_majority_of}."),
)


def test_the_data_migration_gives_a_stored_version_one_the_seeds_words(
    clock, partnership, voters, leader, other_partnership
):
    stored = policy_document.seed_policy_text()
    for seed, added in STORED_WORDING:
        stored = stored.replace(seed, added)
    stored = re.sub(r"^(## .*):$", r"\1", stored, flags=re.M)
    assert stored != policy_document.seed_policy_text()
    PolicyVersion.objects.filter(number=1).update(text=stored)
    # A version the members voted keeps its words, added phrases included.
    vote_and_close(clock, voting(leader), voters, yes=4, no=0)
    voted = current_policy(partnership)
    assert voted.number == 2 and voted.text.strip() == stored.strip()

    migration = importlib.import_module(
        "members.migrations.0008_policy_version_one_reads_as_the_seed"
    )
    migration.restore_seed_wording(django_apps, None)
    migration.restore_seed_wording(django_apps, None)  # twice: the same text

    for p in (partnership, other_partnership):
        assert PolicyVersion.objects.get(partnership=p, number=1).text == (
            policy_document.seed_policy_text()
        )
    voted.refresh_from_db()
    assert voted.text.strip() == stored.strip()


def test_another_partnership_reads_its_own_name_and_numbers(other_partnership):
    other_partnership.cold_attempts_per_week = 4
    other_partnership.save()
    version = current_policy(other_partnership)
    html = policy_document.render_html(
        version.text, {**version.settings, "cold_attempts_per_week": 4}, other_partnership
    )
    assert "Harbor Alliance is open to all critique of this policy" in html
    assert "Pinnacle" not in html
    assert "attempts to 4 times per week" in html
    assert "<h3>Lead Assignment:</h3>" in html and "<li>" in html


def test_the_policy_text_never_becomes_markup_of_its_own(partnership):
    html = policy_document.render_html(
        "Hello <script>alert(1)</script> {partnership}", {}, partnership
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_existing_partnerships_get_version_one_from_the_data_migration(partnership):
    PolicyVersion.objects.all().delete()
    migration = importlib.import_module(
        "members.migrations.0006_policy_version_one_for_existing_partnerships"
    )
    migration.create_version_one(django_apps, None)
    migration.create_version_one(django_apps, None)  # twice: still one version
    (version,) = PolicyVersion.objects.for_partnership(partnership)
    assert version.number == 1 and version.text == policy_document.seed_policy_text()
    assert version.settings["cold_attempts_per_week"] == 2


def test_ensure_policy_is_idempotent(partnership):
    first = governance.ensure_policy(partnership)
    assert governance.ensure_policy(partnership) == first
    assert PolicyVersion.objects.for_partnership(partnership).count() == 1


# --- Critique and suggestions -------------------------------------------------------------------


def test_a_member_suggests_and_leadership_is_emailed(member, leader, other_partnership):
    LeadershipFactory(partnership=other_partnership)
    suggestion = submit_suggestion(member=member, kind="suggestion", body="  Allow 3 a week. ")
    assert suggestion.body == "Allow 3 a week." and suggestion.status == "open"
    (notice,) = emails("members/policy_suggestion")
    assert notice.to_email == leader.email
    assert "Allow 3 a week." in notice.body_text and member.display_name in notice.subject


@pytest.mark.parametrize(
    ("kind", "body", "field"), [("praise", "Nice", "kind"), ("critique", "   ", "body")]
)
def test_a_suggestion_needs_a_kind_and_words(member, kind, body, field):
    with pytest.raises(GovernanceRefused) as refused:
        submit_suggestion(member=member, kind=kind, body=body)
    assert field in refused.value.message_dict
    assert not PolicySuggestion.objects.exists()


def test_an_inactive_member_cannot_suggest(member):
    member.is_active = False
    member.save()
    with pytest.raises(GovernanceRefused, match="active partner members"):
        submit_suggestion(member=member, kind="critique", body="Too strict.")


def test_leadership_declines_a_suggestion_with_a_response_emailed_to_its_author(member, leader):
    suggestion = submit_suggestion(member=member, kind="critique", body="Too strict.")
    respond_to_suggestion(
        suggestion=suggestion, actor=leader, response="It protects leads.", decline=True
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "declined" and suggestion.response == "It protects leads."
    (answer,) = emails("members/policy_suggestion_response")
    assert answer.to_email == member.email and "It protects leads." in answer.body_text
    assert answer.subject == "Leadership declined your policy critique"


def test_only_leadership_responds_and_a_decline_needs_reasons(member, leader):
    suggestion = PolicySuggestionFactory(partnership=member.partnership, author=member)
    with pytest.raises(GovernanceRefused, match="administrative leadership"):
        respond_to_suggestion(suggestion=suggestion, actor=member, response="No.", decline=True)
    with pytest.raises(GovernanceRefused) as refused:
        respond_to_suggestion(suggestion=suggestion, actor=leader, response=" ", decline=True)
    assert "response" in refused.value.message_dict
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


# --- Breach reports -------------------------------------------------------------------------------


def test_an_anonymous_report_stores_no_reporter_and_no_email_names_them(
    partnership, member, leader
):
    concerned = MemberFactory(partnership=partnership, display_name="Carl Concerned")
    report = report_breach(
        member=member,
        description="Carl emailed my lead twice in one day.",
        subject_member=concerned,
        occurred_on=datetime.date(2025, 3, 1),
        anonymous=True,
    )
    report.refresh_from_db()
    assert report.reporter is None and report.subject_member == concerned
    (notice,) = emails("members/policy_breach_report")
    assert notice.to_email == leader.email
    for part in (notice.subject, notice.body_text, notice.body_html):
        assert member.display_name not in part and member.email not in part
        assert "Carl" not in part  # the details stay in the portal
    audit = AuditEvent.objects.get(action="policy.breach_reported")
    assert audit.actor is None and member.display_name not in audit.summary


def test_a_named_report_keeps_the_reporter_for_leadership(partnership, member, leader):
    report = report_breach(member=member, description="Missing opt-out link.")
    assert report.reporter == member
    (notice,) = emails("members/policy_breach_report")
    assert member.display_name not in notice.body_text


def test_a_leader_concerned_by_a_report_is_not_told(partnership, member, leader):
    other_leader = LeadershipFactory(partnership=partnership)
    report_breach(member=member, description="Shared a closing price.", subject_member=leader)
    assert [m.to_email for m in emails("members/policy_breach_report")] == [other_leader.email]


@pytest.mark.parametrize("problem", ["self", "future", "year_one", "foreign", "empty"])
def test_a_report_must_make_sense(member, other_member, clock, problem):
    kwargs = {"member": member, "description": "It happened."}
    if problem == "self":
        kwargs["subject_member"] = member
    elif problem == "future":
        kwargs["occurred_on"] = datetime.date(2025, 4, 2)
    elif problem == "year_one":
        kwargs["occurred_on"] = datetime.date(1, 1, 1)
    elif problem == "foreign":
        kwargs["subject_member"] = other_member
    else:
        kwargs["description"] = ""
    with pytest.raises(GovernanceRefused):
        report_breach(**kwargs)
    assert not BreachReport.objects.exists()


def test_leadership_resolves_a_report_only_with_a_resolution(member, leader):
    report = report_breach(member=member, description="Missing seal.")
    with pytest.raises(GovernanceRefused) as refused:
        policy_feedback.update_breach_report(report=report, actor=leader, status="resolved")
    assert "resolution" in refused.value.message_dict
    policy_feedback.update_breach_report(
        report=report, actor=leader, status="resolved", resolution="Spoke with the member."
    )
    report.refresh_from_db()
    assert report.status == "resolved" and report.resolution == "Spoke with the member."
    with pytest.raises(GovernanceRefused, match="administrative leadership"):
        policy_feedback.update_breach_report(report=report, actor=member, status="open")


# --- Proposing a revision ------------------------------------------------------------------------


def test_leadership_drafts_a_revision_from_members_suggestions(partnership, member, leader):
    suggestion = PolicySuggestionFactory(partnership=partnership, author=member)
    revision = propose_revision(
        actor=leader,
        title="Three attempts",
        rationale="",
        text=current_policy(partnership).text,
        settings={"cold_attempts_per_week": 3},
        suggestions=[suggestion],
    )
    assert revision.status == "draft" and revision.base_version == current_policy(partnership)
    assert revision.settings == {
        **policy_document.partnership_settings(partnership),
        "cold_attempts_per_week": 3,
    }
    suggestion.refresh_from_db()
    assert suggestion.revision == revision and suggestion.status == "open"
    # A draft changes nothing yet.
    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 2


def test_a_member_cannot_propose_a_revision(member):
    with pytest.raises(GovernanceRefused, match="administrative leadership"):
        draft(member)
    assert not PolicyRevision.objects.exists()


@pytest.mark.parametrize(
    ("proposed", "field"),
    [
        ({"cold_attempts_per_week": 0}, "cold_attempts_per_week"),
        ({"cease_window_days": -3}, "cease_window_days"),
        ({"inquiry_reply_hours": "soon"}, "inquiry_reply_hours"),
        ({"inquiry_reply_hours": 40000}, "inquiry_reply_hours"),
        ({"policy_majority_of": "loudest"}, "policy_majority_of"),
        ({"intro_statement": "Hi from {company}"}, "intro_statement"),
        ({"comarketing_second_reminder_days": 2}, "comarketing_second_reminder_days"),
    ],
)
def test_proposed_numbers_are_checked_like_the_partnerships_own(leader, proposed, field):
    with pytest.raises(GovernanceRefused) as refused:
        draft(leader, **proposed)
    assert field in refused.value.message_dict
    assert not PolicyRevision.objects.exists()


def test_only_policy_settings_may_be_proposed(leader):
    with pytest.raises(GovernanceRefused, match="Not a policy setting: timezone"):
        draft(leader, timezone="UTC")


@pytest.mark.parametrize("text", ["Attempts: {attempts}", "Unclosed { brace", "{partnership!r}"])
def test_the_text_uses_only_the_known_placeholders(leader, text):
    with pytest.raises(GovernanceRefused) as refused:
        propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    assert "text" in refused.value.message_dict


def test_a_revision_must_change_something(leader, partnership):
    with pytest.raises(GovernanceRefused, match="changes neither"):
        propose_revision(
            actor=leader,
            title="Same",
            rationale="",
            text=current_policy(partnership).text,
            settings={"cold_attempts_per_week": 2},
        )


# --- Opening the vote -----------------------------------------------------------------------------


def test_opening_the_vote_emails_every_active_member_a_link(
    clock, partnership, leader, member, other_member
):
    former = MemberFactory(partnership=partnership, is_active=False)
    revision = open_voting(revision=draft(leader), actor=leader)
    assert revision.status == "voting"
    assert revision.voting_opens_at == START
    assert revision.voting_closes_at == START + datetime.timedelta(days=7)
    assert revision.majority_of == "membership"
    sent = emails("members/policy_vote_open")
    assert sorted(m.to_email for m in sent) == sorted([leader.email, member.email])
    assert former.email not in [m.to_email for m in sent]
    assert f"http://localhost/policy/revisions/{revision.pk}/" in sent[0].body_text
    assert "Tuesday, April 8, 2025, 9:00 AM" in sent[0].body_text


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (datetime.timedelta(hours=23), "at least a day"),
        (datetime.timedelta(days=60, minutes=1), "at most 60 days"),
    ],
)
def test_the_voting_window_is_one_to_sixty_days(clock, leader, length, message):
    revision = draft(leader)
    with pytest.raises(GovernanceRefused, match=message):
        open_voting(revision=revision, actor=leader, closes_at=START + length)
    revision.refresh_from_db()
    assert revision.status == "draft" and not emails("members/policy_vote_open")


def test_only_leadership_opens_a_vote_and_only_once(clock, leader, member):
    revision = draft(leader)
    with pytest.raises(GovernanceRefused, match="administrative leadership"):
        open_voting(revision=revision, actor=member)
    open_voting(revision=revision, actor=leader)
    with pytest.raises(GovernanceRefused, match="already opened"):
        open_voting(revision=revision, actor=leader)


def test_one_revision_is_voted_on_at_a_time(clock, leader):
    voting(leader)
    second = draft(leader, cease_after_attempts=6)
    with pytest.raises(GovernanceRefused, match="one revision is voted on at a time"):
        open_voting(revision=second, actor=leader)


def test_a_draft_of_an_older_version_cannot_be_put_to_the_vote(clock, voters, leader):
    stale = draft(leader, cease_after_attempts=6)
    revision = voting(leader)
    for voter in voters[:4]:
        cast_vote(revision=revision, member=voter, choice="yes")
    clock.move_to(START + datetime.timedelta(days=8), tick=False)
    close_due_votes()
    with pytest.raises(GovernanceRefused, match="now version 2"):
        open_voting(revision=stale, actor=leader)


# --- Voting --------------------------------------------------------------------------------------


def test_voting_again_changes_the_vote_and_keeps_one_row(clock, leader, member):
    revision = voting(leader)
    cast_vote(revision=revision, member=member, choice="yes")
    clock.shift(datetime.timedelta(hours=1))
    cast_vote(revision=revision, member=member, choice="no")
    (vote,) = PolicyVote.objects.filter(revision=revision)
    assert vote.member == member and vote.choice == "no"


def test_a_vote_before_the_window_opens_is_refused(clock, leader, member):
    revision = open_voting(
        revision=draft(leader),
        actor=leader,
        opens_at=START + datetime.timedelta(days=1),
        closes_at=START + datetime.timedelta(days=8),
    )
    with pytest.raises(GovernanceRefused, match="Voting opens"):
        cast_vote(revision=revision, member=member, choice="yes")
    clock.move_to(START + datetime.timedelta(days=1), tick=False)
    cast_vote(revision=revision, member=member, choice="yes")
    assert PolicyVote.objects.count() == 1


def test_a_draft_takes_no_votes(leader, member):
    with pytest.raises(GovernanceRefused, match="has not been opened"):
        cast_vote(revision=draft(leader), member=member, choice="yes")


def test_a_vote_after_the_window_closes_is_refused(clock, leader, member):
    revision = voting(leader)
    cast_vote(revision=revision, member=member, choice="yes")
    clock.move_to(START + datetime.timedelta(days=7), tick=False)
    with pytest.raises(GovernanceRefused, match="has closed"):
        cast_vote(revision=revision, member=member, choice="no")
    assert PolicyVote.objects.get().choice == "yes"


def test_inactive_members_and_other_partnerships_do_not_vote(clock, leader, member, other_member):
    revision = voting(leader)
    with pytest.raises(GovernanceRefused, match="members of this partnership"):
        cast_vote(revision=revision, member=other_member, choice="yes")
    member.is_active = False
    member.save()
    with pytest.raises(GovernanceRefused, match="active partner members"):
        cast_vote(revision=revision, member=member, choice="yes")
    assert not PolicyVote.objects.exists()


def test_a_vote_is_approve_or_reject(clock, leader, member):
    with pytest.raises(GovernanceRefused):
        cast_vote(revision=voting(leader), member=member, choice="maybe")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_votes_by_one_member_leave_one_row():
    partnership = PartnershipFactory(slug="race")
    leader = LeadershipFactory(partnership=partnership)
    members = MemberFactory.create_batch(5, partnership=partnership)
    revision = voting(leader)
    errors = []

    def vote(barrier, member, choice):
        try:
            barrier.wait()
            cast_vote(revision=revision, member=member, choice=choice)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # Five members each double-click: every pair races for the first vote.
    for member in members:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=vote, args=(barrier, member, choice))
            for choice in ("yes", "no")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    for member in members:
        assert PolicyVote.objects.filter(revision=revision, member=member).count() == 1


# --- Closing: the majority rules ------------------------------------------------------------------


def vote_and_close(clock, revision, voters, yes, no):
    for voter in voters[:yes]:
        cast_vote(revision=revision, member=voter, choice="yes")
    for voter in voters[yes : yes + no]:
        cast_vote(revision=revision, member=voter, choice="no")
    clock.move_to(revision.voting_closes_at, tick=False)
    assert close_due_votes() == 1
    revision.refresh_from_db()
    return revision


def test_three_yes_one_no_of_seven_fails_a_majority_of_the_membership(
    clock, partnership, voters, leader
):
    revision = vote_and_close(clock, voting(leader), voters, yes=3, no=1)
    assert revision.status == "rejected" and revision.majority_of == "membership"
    assert (revision.yes_count, revision.no_count, revision.eligible_count) == (3, 1, 7)
    assert revision.decided_at == START + datetime.timedelta(days=7)
    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 2
    assert current_policy(partnership).number == 1


def test_three_yes_one_no_of_seven_passes_a_majority_of_votes_cast(
    clock, partnership, voters, leader
):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    revision = vote_and_close(clock, voting(leader), voters, yes=3, no=1)
    assert revision.status == "approved" and revision.majority_of == "votes_cast"


def test_four_of_seven_is_a_majority_of_the_membership(clock, voters, leader):
    assert vote_and_close(clock, voting(leader), voters, yes=4, no=0).status == "approved"


def test_no_votes_at_all_pass_nothing_even_by_votes_cast(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    assert vote_and_close(clock, voting(leader), voters, yes=0, no=0).status == "rejected"


def test_a_tie_of_votes_cast_is_not_a_majority(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    assert vote_and_close(clock, voting(leader), voters, yes=2, no=2).status == "rejected"


def test_one_yes_and_no_vote_against_passes_by_votes_cast(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    revision = vote_and_close(clock, voting(leader), voters, yes=1, no=0)
    assert (revision.status, revision.yes_count, revision.no_count) == ("approved", 1, 0)
    assert current_policy(partnership).number == 2


def test_one_yes_of_seven_fails_a_majority_of_the_membership(clock, partnership, voters, leader):
    revision = vote_and_close(clock, voting(leader), voters, yes=1, no=0)
    assert (revision.status, revision.eligible_count) == ("rejected", 7)
    assert current_policy(partnership).number == 1


@pytest.mark.parametrize(
    ("at_opening", "meanwhile", "outcome"),
    [("membership", "votes_cast", "rejected"), ("votes_cast", "membership", "approved")],
)
def test_the_majority_rule_stamped_when_voting_opened_decides_the_close(
    clock, partnership, voters, leader, at_opening, meanwhile, outcome
):
    partnership.policy_majority_of = at_opening
    partnership.save()
    revision = voting(leader)
    assert revision.majority_of == at_opening
    # The partnership's rule changes while the vote runs (say, by hand in the database).
    Partnership.objects.filter(pk=partnership.pk).update(policy_majority_of=meanwhile)
    revision = vote_and_close(clock, revision, voters, yes=3, no=1)
    assert (revision.status, revision.majority_of) == (outcome, at_opening)


def test_closing_a_closed_vote_is_refused_and_adopts_nothing_again(
    clock, partnership, voters, leader
):
    revision = vote_and_close(clock, voting(leader), voters, yes=4, no=0)
    assert revision.status == "approved" and current_policy(partnership).number == 2
    decided = (revision.yes_count, revision.eligible_count, revision.decided_at)
    # A yes voter leaves: a second count would come out differently.
    Member.objects.filter(pk=voters[0].pk).update(is_active=False)
    clock.shift(datetime.timedelta(hours=1))

    with pytest.raises(GovernanceRefused, match="not being voted on"):
        close_voting(revision=revision)
    assert close_due_votes() == 0

    revision.refresh_from_db()
    assert (revision.yes_count, revision.eligible_count, revision.decided_at) == decided
    assert PolicyVersion.objects.for_partnership(partnership).count() == 2
    assert AuditEvent.objects.filter(action="policy.version_adopted").count() == 1
    assert len(emails("members/policy_result")) == 7


def test_members_who_left_before_the_close_are_not_counted(clock, partnership, voters, leader):
    revision = voting(leader)
    for voter in voters[:4]:
        cast_vote(revision=revision, member=voter, choice="yes")
    Member.objects.filter(pk=voters[3].pk).update(is_active=False)
    revision = vote_and_close(clock, revision, voters, yes=0, no=0)
    # 3 of the 6 still active is not more than half.
    assert (revision.yes_count, revision.eligible_count, revision.status) == (3, 6, "rejected")


def test_an_approved_revision_becomes_version_two_and_its_numbers_take_effect(
    clock, partnership, voters, leader, member
):
    suggestion = PolicySuggestionFactory(partnership=partnership, author=member)
    revision = propose_revision(
        actor=leader,
        title="Three attempts",
        rationale="",
        text=current_policy(partnership).text.replace("Zero Friction", "Zero-Friction"),
        settings={"cold_attempts_per_week": 3, "policy_majority_of": "votes_cast"},
        suggestions=[suggestion],
    )
    revision = open_voting(revision=revision, actor=leader)
    vote_and_close(clock, revision, voters, yes=5, no=2)

    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 3
    assert partnership.policy_majority_of == "votes_cast"
    version = current_policy(partnership)
    assert (version.number, version.revision) == (2, revision)
    assert version.settings["cold_attempts_per_week"] == 3
    assert "Zero-Friction" in version.text
    assert "attempts to 3 times per week" in policy_document.render_text(
        version.text, version.settings, partnership
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "adopted"
    assert AuditEvent.objects.filter(action="policy.version_adopted").exists()
    results = emails("members/policy_result")
    assert len(results) == 7
    assert results[0].subject == "Policy revision approved: Three attempts"
    assert "now version 2 of the policy" in results[0].body_text


def test_a_rejected_revision_is_emailed_too(clock, voters, leader):
    vote_and_close(clock, voting(leader), voters, yes=1, no=5)
    results = emails("members/policy_result")
    assert len(results) == 7
    assert results[0].subject == "Policy revision not approved: Three attempts a week"


def test_closing_before_the_window_ends_is_refused(clock, leader):
    revision = voting(leader)
    with pytest.raises(GovernanceRefused, match="Voting is open until"):
        close_voting(revision=revision)
    assert PolicyRevision.objects.get().status == "voting"


# --- The sweep ------------------------------------------------------------------------------------


def test_the_beat_schedule_closes_votes_every_few_minutes():
    (entry,) = [
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == tasks.close_policy_votes.name
    ]
    assert entry["schedule"] <= 5 * 60


def test_the_sweep_closes_a_due_revision_once(clock, voters, leader, other_partnership):
    revision = voting(leader)
    foreign_leader = LeadershipFactory(partnership=other_partnership)
    later = voting(foreign_leader, days=9)
    cast_vote(revision=revision, member=voters[1], choice="yes")

    clock.move_to(START + datetime.timedelta(days=7) - datetime.timedelta(seconds=1), tick=False)
    assert tasks.close_policy_votes() == 0
    clock.move_to(START + datetime.timedelta(days=7), tick=False)
    assert tasks.close_policy_votes() == 1
    assert tasks.close_policy_votes() == 0

    revision.refresh_from_db()
    later.refresh_from_db()
    assert revision.status == "rejected" and later.status == "voting"
    assert len(emails("members/policy_result")) == 7


def _race_to_close():
    """A partnership of three with a revision approved by all three, its window just over."""
    partnership = PartnershipFactory(slug="close-race")
    leader = LeadershipFactory(partnership=partnership)
    members = [leader, *MemberFactory.create_batch(2, partnership=partnership)]
    revision = voting(leader)
    for member in members:
        cast_vote(revision=revision, member=member, choice="yes")
    return partnership, revision, revision.voting_closes_at + datetime.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_adopt_the_revision_once():
    partnership, revision, after = _race_to_close()
    barrier = threading.Barrier(2)
    closed, errors = [], []

    def sweep():
        try:
            barrier.wait()
            closed.append(close_due_votes(now=after))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(closed) == [0, 1]
    revision.refresh_from_db()
    assert revision.status == "approved" and revision.yes_count == 3
    assert list(
        PolicyVersion.objects.for_partnership(partnership).values_list("number", flat=True)
    ) == [2, 1]
    assert AuditEvent.objects.filter(action="policy.version_adopted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_passes_over_a_revision_another_holds_without_waiting():
    partnership, revision, after = _race_to_close()
    locked, swept = threading.Barrier(2), threading.Event()
    closed, errors = [], []

    def hold_the_revision():
        # Another sweep in the middle of counting it (or a member's last vote).
        try:
            with transaction.atomic():
                PolicyRevision.objects.select_for_update().get(pk=revision.pk)
                locked.wait()
                swept.wait(timeout=5)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def sweep():
        try:
            locked.wait()
            closed.append(close_due_votes(now=after))
            swept.set()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_the_revision), threading.Thread(target=sweep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Skipped, not waited for: the sweep was done while the row was still held.
    assert closed == [0]
    revision.refresh_from_db()
    assert revision.status == "voting"
    assert close_due_votes(now=after) == 1
    assert PolicyVersion.objects.for_partnership(partnership).count() == 2


def test_the_sweep_finds_due_revisions_through_the_partial_index():
    due = PolicyRevision.objects.filter(status="voting", voting_closes_at__lte=timezone.now())
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "policy_revision_voting_idx" in plan


def test_the_service_bounds_the_rationale_for_any_caller(leader):
    with pytest.raises(GovernanceRefused) as refused:
        propose_revision(
            actor=leader,
            title="Three attempts a week",
            rationale="x" * 5001,
            text=current_policy(leader.partnership).text,
            settings={"cold_attempts_per_week": 3},
        )
    assert "Keep it to 5,000 characters" in str(refused.value)
    assert not PolicyRevision.objects.exists()
