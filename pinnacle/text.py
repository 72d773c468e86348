"""The length guard on text a service stores: services bound what every caller (a form, the
admin, the shell, an import) may keep, not only the forms that show a `max_length`."""

from __future__ import annotations

from collections.abc import Callable

from pinnacle.refusals import Refused


def bounded_text(value: str | None, *, max_length: int, too_long: Callable[[int], Refused]) -> str:
    """`value` stripped (None is empty); past `max_length` characters, raises the refusal
    `too_long` builds from the text's length, worded as its app words it."""
    text = (value or "").strip()
    if len(text) > max_length:
        raise too_long(len(text))
    return text
