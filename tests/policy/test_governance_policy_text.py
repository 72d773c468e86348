"""Policy governance: the versioned policy text, version one read from the seed with the
partnership's numbers, and the data migration that stores it."""

import importlib
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policy import document
from policy.models import PolicyVersion
from policy.services import versions
from policy.services.revisions import open_voting, propose_revision
from policy.services.versions import current_policy
from tests.policy.governance_helpers import START, vote_and_close, voting


def historical_apps(node):
    """The models as a data migration saw them (these moved from members to policy since)."""
    return MigrationExecutor(connection).loader.project_state(node).apps


pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


SEED = django_settings.BASE_DIR / ".." / "shared" / "seeds" / "000_082075c1d0053480.txt"


# --- The policy text -----------------------------------------------------------------------------


def test_every_new_partnership_starts_with_version_one_of_the_seed_policy(partnership):
    (version,) = PolicyVersion.objects.for_partnership(partnership)
    assert version.number == 1 and version.revision is None
    assert version.text == document.seed_policy_text()
    assert version.settings == document.partnership_settings(partnership)
    assert current_policy(partnership) == version


def test_version_one_reads_as_the_seed_with_the_partnerships_numbers(partnership):
    text = document.render_text(
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
    ones = {name: 1 for name in document.NUMBER_FIELDS}
    text = document.render_text(current_policy(partnership).text, ones, partnership)
    assert "The limitation of cold call/email attempts to 1 time per week" in text
    assert "If no contact is made after 1 attempt via combined email" in text
    assert "reply to prospect inquiries within 1 hour, even if" in text
    assert "Administrative Leadership within 1 day." in text
    revised = "over the course of {cease_window_days} days, a letter within {thank_you_letter_days}"
    revised += " days"
    assert document.render_text(revised, ones, partnership) == (
        "over the course of 1 day, a letter within 1 day"
    )
    for wrong in ("1 days", "1 hours", "1 times", "1 attempts"):
        assert wrong not in text


def test_only_a_unit_right_after_a_number_is_made_singular(partnership):
    text = "{post_close_meeting_days} days, {{post_close_meeting_days}} days, 1 days, " + (
        "{thank_you_letter_days} days"
    )
    settings = {"post_close_meeting_days": 1, "thank_you_letter_days": 11}
    assert document.render_text(text, settings, partnership) == (
        "1 day, {post_close_meeting_days} days, 1 days, 11 days"
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not next to the repo")
def test_version_one_is_the_whole_seed_document_word_for_word(partnership):
    version = current_policy(partnership)
    text = document.render_text(version.text, version.settings, partnership)
    # The seed once writes the name "Pinnacle Partnership"; the text says the partnership's name.
    seed = SEED.read_text(encoding="utf-8").replace(
        "Pinnacle Partnership Transaction", "Pinnacle Partnerships Transaction"
    )

    def words(markdown):
        # Markdown's marks aside: "## " opens a heading, "- " a bullet (the seed's "\u2022").
        return re.sub(r"^(#+|-) ", "", markdown, flags=re.M).replace("\u2022", "").split()

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
    text = " ".join(document.render_text(version.text, version.settings, partnership).split())
    for sentence in (*SEED_COMMUNICATION_STANDARDS, *SEED_SENTENCES):
        assert sentence in text, sentence
    # Nobody voted these words: the seed does not have them.
    for added in ("within 7 days following", "30 days", "majority of the entire", "majority of"):
        assert added not in text, added
    assert not {"thank_you_letter_days", "policy_majority_of", "cease_window_days"} & (
        document.placeholders_in(version.text)
    )


def marked(rows):
    return {row.name for row in rows if row.is_not_yet_voted}


def test_numbers_the_seed_does_not_state_are_marked_added_by_the_portal(partnership):
    version = current_policy(partnership)
    rows = document.setting_rows(version.settings, text=version.text)
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
    revision_rows = document.setting_rows(
        revision.settings, before=v1.settings, text=revision.text, before_text=v1.text
    )
    assert {row.name for row in revision_rows if row.is_adopted_here} == {"thank_you_letter_days"}
    vote_and_close(clock, open_voting(revision=revision, actor=leader), voters, yes=4, no=0)

    v2 = current_policy(partnership)
    assert v2.number == 2
    rows = document.setting_rows(v2.settings, text=v2.text)
    assert "thank_you_letter_days" not in marked(rows)
    assert "policy_majority_of" in marked(rows)  # still not in the text anyone voted
    assert "customer within 10 days following" in document.render_text(
        v2.text, v2.settings, partnership
    )
    # Version 1 stays as the members first had it.
    v1_rows = document.setting_rows(v1.settings, text=v1.text)
    assert "thank_you_letter_days" in marked(v1_rows)


def test_a_revision_that_only_changes_the_number_leaves_it_unvoted_in_the_text(
    clock, partnership, voters, leader
):
    vote_and_close(clock, voting(leader, thank_you_letter_days=10), voters, yes=4, no=0)
    v2 = current_policy(partnership)
    assert "thank_you_letter_days" in marked(document.setting_rows(v2.settings, text=v2.text))


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
    stored = document.seed_policy_text()
    for seed, added in STORED_WORDING:
        stored = stored.replace(seed, added)
    stored = re.sub(r"^(## .*):$", r"\1", stored, flags=re.M)
    assert stored != document.seed_policy_text()
    PolicyVersion.objects.filter(number=1).update(text=stored)
    # A version the members voted keeps its words, added phrases included.
    vote_and_close(clock, voting(leader), voters, yes=4, no=0)
    voted = current_policy(partnership)
    assert voted.number == 2 and voted.text.strip() == stored.strip()

    name = "0008_policy_version_one_reads_as_the_seed"
    migration = importlib.import_module(f"members.migrations.{name}")
    apps = historical_apps(("members", name))
    migration.restore_seed_wording(apps, None)
    migration.restore_seed_wording(apps, None)  # twice: the same text

    for p in (partnership, other_partnership):
        assert PolicyVersion.objects.get(partnership=p, number=1).text == (
            document.seed_policy_text()
        )
    voted.refresh_from_db()
    assert voted.text.strip() == stored.strip()


def test_another_partnership_reads_its_own_name_and_numbers(other_partnership):
    other_partnership.cold_attempts_per_week = 4
    other_partnership.save()
    version = current_policy(other_partnership)
    html = document.render_html(
        version.text, {**version.settings, "cold_attempts_per_week": 4}, other_partnership
    )
    assert "Harbor Alliance is open to all critique of this policy" in html
    assert "Pinnacle" not in html
    assert "attempts to 4 times per week" in html
    assert "<h3>Lead Assignment:</h3>" in html and "<li>" in html


def test_the_policy_text_never_becomes_markup_of_its_own(partnership):
    html = document.render_html("Hello <script>alert(1)</script> {partnership}", {}, partnership)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_same_text_is_parsed_once_and_a_changed_one_again(partnership, monkeypatch):
    """Every member's policy page shows the same version: its Markdown is parsed once per
    process (most of the page's time), and a different text (another number) is parsed anew."""
    parsed = []
    parse = document._markdown.parse
    monkeypatch.setattr(
        document._markdown, "parse", lambda text: parsed.append(text) or parse(text)
    )
    # A text no earlier test in this process rendered.
    text = f"# Terms {id(parsed)}\n\n{{partnership}} allows {{cold_attempts_per_week}} attempts."
    first = document.render_html(text, {"cold_attempts_per_week": 3}, partnership)
    again = document.render_html(text, {"cold_attempts_per_week": 3}, partnership)
    assert first == again and len(parsed) == 1
    changed = document.render_html(text, {"cold_attempts_per_week": 4}, partnership)
    assert "allows 4 attempts" in changed and len(parsed) == 2


def test_existing_partnerships_get_version_one_from_the_data_migration(partnership):
    PolicyVersion.objects.all().delete()
    name = "0006_policy_version_one_for_existing_partnerships"
    migration = importlib.import_module(f"members.migrations.{name}")
    apps = historical_apps(("members", name))
    migration.create_version_one(apps, None)
    migration.create_version_one(apps, None)  # twice: still one version
    (version,) = PolicyVersion.objects.for_partnership(partnership)
    assert version.number == 1 and version.text == document.seed_policy_text()
    assert version.settings["cold_attempts_per_week"] == 2


def test_ensure_policy_is_idempotent(partnership):
    first = versions.ensure_policy(partnership)
    assert versions.ensure_policy(partnership) == first
    assert PolicyVersion.objects.for_partnership(partnership).count() == 1
