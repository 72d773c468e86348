"""`connection_for` and `media_for`: a connection and its media are open to its two partners and
to leadership; to anyone else they are the same 404 as a missing one."""

import pytest
from django.http import Http404

from comarketing.selectors import connection_for, media_for
from tests.comarketing.factories import MediaFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _the_404(fetch, member, pk) -> str:
    with pytest.raises(Http404) as refused:
        fetch(member, pk)
    return str(refused.value)


def test_partners_and_leadership_open_a_connection_and_its_media_others_get_a_404(
    partnership, leader
):
    media = MediaFactory(partnership=partnership)
    connection = media.connection
    outsider = MemberFactory(partnership=partnership)
    for member in (connection.lender, connection.partner, leader):
        assert connection_for(member, connection.pk) == connection
        assert media_for(member, media.pk) == media
    assert _the_404(connection_for, outsider, connection.pk) == _the_404(
        connection_for, outsider, connection.pk + 1000
    )
    assert _the_404(media_for, outsider, media.pk) == _the_404(media_for, outsider, "abc")
