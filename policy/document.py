"""The engagement policy as a document: its text, its numbers, and how a version reads.

A version's text is Markdown with placeholders: `{partnership}` for the partnership's name,
`{intro_statement}` for the required introductory statement, and one per policy number
(`{cold_attempts_per_week}` ...). A version renders with its own settings, so the numbers in
the text are always the ones that version set. Version 1 is the seed's policy, word for word
(`policy/engagement_policy.md`): numbers the portal enforces that the seed does not
state are listed in `ADDED_BY_THE_PORTAL` until a revision writes them into the text.
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from pinnacle.models import POLICY_FIELDS, Partnership, validate_intro_statement

POLICY_TEXT_PATH = Path(__file__).resolve().parent / "engagement_policy.md"
MAX_TEXT_LENGTH = 100_000
# How the policy text shows the member's own words in the introductory statement.
SPECIALIZATION_IN_TEXT = "\u2026 [insert specific information from partner member reaching out]"

TEXT_FIELDS = ("intro_statement", "policy_majority_of")
NUMBER_FIELDS = tuple(name for name in POLICY_FIELDS if name not in TEXT_FIELDS)
PLACEHOLDERS = ("partnership", *POLICY_FIELDS)
# The largest value a policy number's column holds (PositiveSmallIntegerField).
MAX_NUMBER = 32767

# Numbers the portal enforces that the seed's policy does not state (or states in other words:
# "over the course of 1 month"; "approved by vote of the majority", of whom it does not say).
# The members never voted them: the numbers table marks each "added by the portal, not yet
# voted" until an approved revision's text writes in its placeholder. One line per number.
ADDED_BY_THE_PORTAL = (
    "cease_window_days",
    "thank_you_letter_days",
    "comarketing_first_reminder_days",
    "comarketing_second_reminder_days",
    "policy_majority_of",
    "acknowledgement_follow_up_days",
)

# How members read each setting (the introductory statement is shown as a quotation instead).
LABELS = {
    "cold_attempts_per_week": "Cold outreach attempts per member and lead, in any 7 days",
    "cease_after_attempts": "Attempts without contact after which a member must cease",
    "cease_window_days": "\u2026 counted over this many days",
    "inquiry_reply_hours": "Reply to a prospect inquiry within (hours)",
    "acknowledgement_follow_up_days": "Follow up an acknowledged inquiry within (days)",
    "post_close_meeting_days": "Post-close handoff meeting with leadership within (days)",
    "thank_you_letter_days": "Post-close thank-you letter within (days)",
    "comarketing_first_reminder_days": "Co-marketing reminders: first after (days)",
    "comarketing_second_reminder_days": "Co-marketing reminders: second after (days)",
    "policy_majority_of": "A policy revision passes with a majority of",
    "intro_statement": "Required introductory statement",
}
# How the text's `{policy_majority_of}` reads ("approved by vote of the majority ...").
MAJORITY_IN_TEXT = {
    Partnership.MajorityOf.MEMBERSHIP: "of the entire active partner membership",
    Partnership.MajorityOf.VOTES_CAST: "of the votes cast",
}


@cache
def seed_policy_text() -> str:
    """The seed's engagement policy, with placeholders: the text of every version 1."""
    return POLICY_TEXT_PATH.read_text(encoding="utf-8")


def partnership_settings(partnership: Partnership) -> dict:
    """The policy numbers and introductory statement a partnership runs on now."""
    return {name: getattr(partnership, name) for name in POLICY_FIELDS}


def default_settings() -> dict:
    fields = {field.name: field for field in Partnership._meta.concrete_fields}
    return {name: fields[name].get_default() for name in POLICY_FIELDS}


def complete(settings: dict) -> dict:
    """`settings` with any field it predates filled in with the field's default."""
    return {**default_settings(), **{k: v for k, v in settings.items() if k in POLICY_FIELDS}}


def display_value(name: str, value) -> str:
    if name == "policy_majority_of":
        try:
            return Partnership.MajorityOf(value).label
        except ValueError:
            return str(value)
    return str(value)


def render_text(text: str, settings: dict, partnership: Partnership) -> str:
    """The version's Markdown with its placeholders filled in from its own settings."""
    settings = complete(settings)
    values = {name: display_value(name, settings[name]) for name in NUMBER_FIELDS}
    values["partnership"] = partnership.name
    values["policy_majority_of"] = MAJORITY_IN_TEXT.get(
        settings["policy_majority_of"],
        display_value("policy_majority_of", settings["policy_majority_of"]),
    )
    values["intro_statement"] = statement_in_text(settings["intro_statement"], partnership)
    return _fill(text, values, {name: settings[name] for name in NUMBER_FIELDS})


def statement_in_text(statement: str, partnership: Partnership) -> str:
    """The introductory statement as the policy quotes it, the member's own words elided as
    the seed writes them, against the word before: "I specialize in\u2026 [insert ...]"."""
    return (
        statement.format(partnership=partnership.name, specialization=SPECIALIZATION_IN_TEXT)
        .replace(" " + SPECIALIZATION_IN_TEXT, SPECIALIZATION_IN_TEXT)
        .rstrip()
    )


def placeholders_in(text: str) -> frozenset[str]:
    """The placeholders `text` writes (an escaped `{{name}}` is not one)."""
    try:
        return frozenset(
            name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name
        )
    except ValueError:
        return frozenset()


def not_yet_voted(text: str) -> frozenset[str]:
    """The portal's own numbers that a version's `text` does not state: no vote adopted them."""
    return frozenset(ADDED_BY_THE_PORTAL) - placeholders_in(text)


# A unit right after a number's placeholder ("{post_close_meeting_days} days") reads in the
# singular when the number is 1: "within 1 day", "1 time per week".
_UNIT_AFTER_NUMBER = re.compile(r"^(\s+)(days|hours|times|attempts|weeks|minutes)\b")


def _fill(text: str, values: dict, numbers: dict) -> str:
    """`text.format_map(values)` (the text uses plain placeholders only: `validate_text`), with
    the unit after a number of 1 in the singular."""
    parts: list[str] = []
    singular = False
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        if singular:
            literal = _UNIT_AFTER_NUMBER.sub(lambda m: m.group(1) + m.group(2)[:-1], literal, 1)
        parts.append(literal)
        singular = False
        if name is not None:
            parts.append(str(values[name]))
            singular = numbers.get(name) == 1
    return "".join(parts)


_markdown = MarkdownIt("commonmark", {"html": False})


def render_html(text: str, settings: dict, partnership: Partnership) -> SafeString:
    """The rendered text as HTML. Raw HTML in the text is escaped, not passed through, so
    what leadership types can never become markup of its own. Headings move one level down
    (# is an h2), under the page's own h1."""
    return _markdown_html(render_text(text, settings, partnership))


@lru_cache(maxsize=64)
def _markdown_html(filled: str) -> SafeString:
    """The Markdown of a filled-in text as HTML, kept per process: the policy page shows the
    same few versions to every member, and parsing one took most of the page's time."""
    tokens = _markdown.parse(filled)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return mark_safe(_markdown.renderer.render(tokens, _markdown.options, {}))  # nosec B308, B703: markdown-it with html=False escapes raw HTML


def validate_text(text: str) -> None:
    """The text may use only the known placeholders, plainly: `{name}`, no formats."""
    if not text.strip():
        raise ValidationError("Write the policy text.", code="required")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            f"The policy text may have at most {MAX_TEXT_LENGTH:,} characters.", code="too_long"
        )
    try:
        fields = [
            (name, spec, conversion)
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError as exc:
        raise ValidationError(
            "The text has an unmatched brace. Write a literal brace as {{ or }}.",
            code="braces",
        ) from exc
    unknown = sorted({name for name, spec, conversion in fields if name not in PLACEHOLDERS})
    if unknown or any(spec or conversion for _name, spec, conversion in fields):
        shown = ", ".join("{" + name + "}" for name in unknown) or "a formatted placeholder"
        raise ValidationError(
            f"The text uses {shown}, which is not a policy placeholder. Use only "
            + ", ".join("{" + name + "}" for name in PLACEHOLDERS)
            + "; write a literal brace as {{ or }}.",
            code="placeholder",
        )


def clean_settings(settings: dict) -> dict:
    """Validate proposed settings as the Partnership's own fields would, returning them as
    stored (numbers as ints). Errors are keyed by setting, for the form that proposed them."""
    unknown = sorted(set(settings) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationError(
            f"Not a policy setting: {', '.join(unknown)}.", code="unknown_setting"
        )
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name, value in settings.items():
        if name in NUMBER_FIELDS:
            number = _as_int(value)
            if number is None or not 1 <= number <= MAX_NUMBER:
                errors[name] = f"Enter a whole number from 1 to {MAX_NUMBER}."
            else:
                cleaned[name] = number
        elif name == "policy_majority_of":
            if value not in Partnership.MajorityOf.values:
                errors[name] = "Choose all active members or votes cast."
            else:
                cleaned[name] = str(value)
        else:
            text = str(value or "").strip()
            try:
                if not text:
                    raise ValidationError("Write the introductory statement.")
                validate_intro_statement(text)
            except ValidationError as exc:
                errors[name] = exc.messages[0]
            else:
                cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_consistent(settings: dict) -> None:
    """Rules between settings, on a complete set (proposed over current)."""
    if settings["comarketing_second_reminder_days"] <= settings["comarketing_first_reminder_days"]:
        raise ValidationError(
            {"comarketing_second_reminder_days": "The second reminder must come after the first."}
        )


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class SettingRow:
    name: str
    label: str
    value: str
    before: str | None = None
    # Added by the portal and not stated by the text: the members have not voted it.
    is_not_yet_voted: bool = False
    # Added by the portal, and this text (a revision's) writes it in: approving it adopts it.
    is_adopted_here: bool = False

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.value


def setting_rows(
    settings: dict,
    before: dict | None = None,
    *,
    text: str,
    before_text: str | None = None,
) -> list[SettingRow]:
    """The numbers as a table reads them (the statement is shown on its own), optionally
    beside the values they replace, each marked if the portal added it and `text` (the
    version's or the revision's) does not state it."""
    settings = complete(settings)
    previous = complete(before) if before is not None else None
    unvoted = not_yet_voted(text)
    unvoted_before = not_yet_voted(before_text) if before_text is not None else frozenset()
    return [
        SettingRow(
            name=name,
            label=LABELS[name],
            value=display_value(name, settings[name]),
            before=display_value(name, previous[name]) if previous is not None else None,
            is_not_yet_voted=name in unvoted,
            is_adopted_here=name in unvoted_before and name not in unvoted,
        )
        for name in (*NUMBER_FIELDS, "policy_majority_of")
    ]


@dataclass(frozen=True)
class DiffBlock:
    kind: str  # "same", "removed" or "added"
    lines: tuple[str, ...]


def text_diff(before: str, after: str) -> list[DiffBlock]:
    """Paragraph by paragraph, what a revision removes and adds; unchanged runs are kept as
    one block so a page can fold them."""
    old = [line for line in before.splitlines() if line.strip()]
    new = [line for line in after.splitlines() if line.strip()]
    blocks: list[DiffBlock] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            blocks.append(DiffBlock("same", tuple(old[i1:i2])))
            continue
        if i2 > i1:
            blocks.append(DiffBlock("removed", tuple(old[i1:i2])))
        if j2 > j1:
            blocks.append(DiffBlock("added", tuple(new[j1:j2])))
    return blocks
