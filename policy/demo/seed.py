"""Demo policy governance for `seed_demo`, made through `policy.services` so every rule and
email is the real one: in Pinnacle Partnerships, a critique and a suggestion from members, an
anonymous breach report, and leadership's revision taken from the suggestion (the thank-you
letter window from 7 to 10 days, written into the policy's text, which never had one), open
for the membership's vote for 7 days, with two votes cast by colleagues of the demo logins, so
that every demo login can still vote.

Idempotent: suggestions and the report are keyed on their text, the revision on its title, a
vote on its member. A step the rules refuse (say, leadership opened another vote meanwhile) is
skipped and reported; it never stops the seed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from members.models import Member
from pinnacle.models import Partnership
from pinnacle.refusals import refused_into
from policy.models import BreachReport, PolicyRevision, PolicySuggestion, PolicyVote
from policy.services import feedback, revisions, versions

PINNACLE = "pinnacle"
LEADER = "leader@pinnacle.localhost"


@dataclass(frozen=True)
class SuggestionSeed:
    author: str  # member slug
    kind: str
    body: str


CRITIQUE = SuggestionSeed(
    "caleb-whitaker",
    PolicySuggestion.Kind.CRITIQUE,
    "The weekly limit of two cold attempts counts a voicemail the same as an email. Many of my "
    "Hill Country prospects rarely read email, so a call and a short voicemail are often the "
    "only way to reach them, and one unanswered call uses up half of the week.",
)
LETTER_WINDOW = SuggestionSeed(
    "avery-brooks",
    PolicySuggestion.Kind.SUGGESTION,
    "Give the leader ten days rather than seven for the post-close thank-you letter. Most of my "
    "clients move in the week after closing; a printed letter mailed to the home they just "
    "left is wasted, and ten days lets it reach them at their new address.",
)
BREACH_REPORT = (
    "A prospect I met at an open house told me that a partner member called her three times "
    "in one week about the Pinnacle Partnerships website, and that none of the calls said "
    "where her number came from. She asked me whether the partnership sells its leads."
)
BREACH_REPORTER = "thanh-nguyen"
BREACH_DAYS_AGO = 5

REVISION_TITLE = "Thank-you letter within 10 days of the close"
REVISION_RATIONALE = (
    "Avery Brooks suggested it: many customers move in the week after closing, and ten days "
    "lets a printed letter reach them at their new home. The policy never gave the letter a "
    "day limit (the portal counted 7 days); this revision writes one in. Nothing else changes."
)
# The seed's sentence about the letter, and as the revision writes it: the portal's day limit,
# not yet voted, becomes the policy's own words.
LETTER_SENTENCE = "a personalized thank you letter to the customer following"
LETTER_SENTENCE_REVISED = (
    "a personalized thank you letter to the customer within {thank_you_letter_days} days following"
)
# (member slug, choice): colleagues of the demo logins, never the logins themselves.
VOTES = (("elena-vasquez", PolicyVote.Choice.YES), ("robert-haines", PolicyVote.Choice.NO))


def seed_demo_policy(sender, partnerships, stdout=None, **kwargs) -> None:
    partnership = next((p for p in partnerships if p.slug == PINNACLE), None)
    if partnership is None:
        return
    done, skipped = [], []
    steps = (
        ("a critique", lambda: _ensure_suggestion(partnership, CRITIQUE)),
        ("a suggestion", lambda: _ensure_suggestion(partnership, LETTER_WINDOW)),
        ("an anonymous breach report", lambda: _ensure_breach_report(partnership)),
        ("a revision open for voting", lambda: _ensure_revision(partnership)),
        ("votes", lambda: _ensure_votes(partnership)),
    )
    for name, step in steps:
        made = False
        # A savepoint inside: a refused step leaves nothing half-made behind.
        with refused_into() as making, transaction.atomic():
            made = step()
        if making.refusal is not None:
            problems = making.refusal.errors().values()
            skipped.append(f"{name} ({'; '.join(str(m) for each in problems for m in each)})")
        elif made:
            done.append(name)
    if stdout is not None:
        if done:
            stdout.write(f"Demo policy governance created: {', '.join(done)}.")
        for reason in skipped:
            stdout.write(f"Demo policy governance skipped: {reason}")


def _member(partnership: Partnership, who: str) -> Member | None:
    members = Member.objects.for_partnership(partnership).select_related("user")
    found = members.filter(user__email=who) if "@" in who else members.filter(slug=who)
    member = found.first()
    if member is not None:
        member.partnership = partnership
    return member


def _suggestion(partnership: Partnership, seed: SuggestionSeed) -> PolicySuggestion | None:
    return (
        PolicySuggestion.objects.for_partnership(partnership)
        .filter(author__slug=seed.author, kind=seed.kind, body=seed.body)
        .first()
    )


def _ensure_suggestion(partnership: Partnership, seed: SuggestionSeed) -> bool:
    author = _member(partnership, seed.author)
    if author is None or _suggestion(partnership, seed) is not None:
        return False
    feedback.submit_suggestion(member=author, kind=seed.kind, body=seed.body)
    return True


def _ensure_breach_report(partnership: Partnership) -> bool:
    reporter = _member(partnership, BREACH_REPORTER)
    reports = BreachReport.objects.for_partnership(partnership)
    if reporter is None or reports.filter(description=BREACH_REPORT).exists():
        return False
    feedback.report_breach(
        member=reporter,
        description=BREACH_REPORT,
        occurred_on=partnership.today() - datetime.timedelta(days=BREACH_DAYS_AGO),
        anonymous=True,
    )
    return True


def _revision(partnership: Partnership) -> PolicyRevision | None:
    return PolicyRevision.objects.for_partnership(partnership).filter(title=REVISION_TITLE).first()


def _ensure_revision(partnership: Partnership) -> bool:
    leader = _member(partnership, LEADER)
    suggestion = _suggestion(partnership, LETTER_WINDOW)
    if leader is None or _revision(partnership) is not None:
        return False
    revision = revisions.propose_revision(
        actor=leader,
        title=REVISION_TITLE,
        rationale=REVISION_RATIONALE,
        text=versions.current_policy(partnership).text.replace(
            LETTER_SENTENCE, LETTER_SENTENCE_REVISED
        ),
        settings={"thank_you_letter_days": 10},
        suggestions=[suggestion] if suggestion and not suggestion.revision_id else [],
    )
    revisions.open_voting(revision=revision, actor=leader)  # for the default 7 days
    return True


def _ensure_votes(partnership: Partnership) -> bool:
    revision = _revision(partnership)
    if revision is None or not revision.accepts_votes(timezone.now()):
        return False
    cast = False
    for slug, choice in VOTES:
        voter = _member(partnership, slug)
        if voter is None or revision.votes.filter(member=voter).exists():
            continue
        revisions.cast_vote(revision=revision, member=voter, choice=choice)
        cast = True
    return cast
