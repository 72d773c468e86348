"""The partnership's circles overview is out of date (`advocates.selectors.overview`): every
service that adds, moves, rescores or removes a contact, plans or does a touch, or records a
referral or its stage calls `circles_changed`."""

from advocates.selectors.overview import OVERVIEW


def circles_changed(partnership_id: int) -> None:
    """Once the current transaction commits, the overview's cached counts of the partnership are
    no longer served (a new version: a request counting meanwhile stores under the old one)."""
    OVERVIEW.changed(partnership_id)
