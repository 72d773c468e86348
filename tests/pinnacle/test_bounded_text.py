"""`bounded_text`: the one length guard of the services' stored text, worded by each app."""

import pytest

from pinnacle.refusals import Refused
from pinnacle.text import bounded_text


class NoteRefused(Refused):
    pass


def _too_long(length: int) -> NoteRefused:
    return NoteRefused(f"Keep the note to 5 characters (this has {length}).")


def test_text_within_the_limit_comes_back_stripped():
    assert bounded_text("  hello \n", max_length=5, too_long=_too_long) == "hello"
    assert bounded_text(None, max_length=5, too_long=_too_long) == ""


def test_text_past_the_limit_is_refused_in_the_apps_words_with_its_length():
    with pytest.raises(NoteRefused) as refused:
        bounded_text(" hello! ", max_length=5, too_long=_too_long)
    assert refused.value.message == "Keep the note to 5 characters (this has 6)."
