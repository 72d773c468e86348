"""A lead who becomes a customer, for the tests of what their timeline's free text shows: Alice
Agent writes about Casey before and after she opens Casey's transaction with Bob Lender.

policy: nothing "involving any customer or customer transaction" goes outside the committee
unless the customer authorized it in writing. So from the opening, what a team member writes
about the customer (and what the customer writes to one) reads only for the team, leadership
and a member whose written authorization covers notes; everyone else still sees that it
happened, not what it says."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from leads.models import Lead
from leads.selectors.timeline import lead_timeline
from members.models import Member
from outreach.services import send_message
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.transactions.factories import DisclosureFactory
from transactions.models import DisclosureCover, Transaction
from transactions.services import lifecycle as services

OPENED_AT = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("America/New_York"))
BEFORE = OPENED_AT - datetime.timedelta(days=2)
AFTER = OPENED_AT + datetime.timedelta(days=1)
SEALED = "Confidential: the text is not shown to you."


@dataclass
class Scene:
    lead: Lead
    alice: Member  # writes; opens the transaction
    bob: Member  # her teammate
    outsider: Member
    leader: Member
    reader: Member  # the customer authorized them to read the notes
    onlooker: Member  # the customer authorized them to read the stage only
    transaction: Transaction | None = None

    @property
    def team_and_leadership(self) -> list[Member]:
        return [self.alice, self.bob, self.leader, self.reader]

    @property
    def outside(self) -> list[Member]:
        return [self.outsider, self.onlooker]

    def page(self, viewer: Member) -> str:
        response = client_for(viewer.partnership, viewer).get(self.lead.get_absolute_url())
        assert response.status_code == 200
        return response.text

    def open_transaction(self) -> Transaction:
        self.transaction = services.open_transaction(lead=self.lead, member=self.alice, kind="buy")
        services.add_team_member(
            transaction=self.transaction, actor=self.alice, member=self.bob, role="Lender"
        )
        DisclosureFactory(
            transaction=self.transaction,
            grantee_member=self.reader,
            covers=[DisclosureCover.NOTES],
        )
        DisclosureFactory(
            transaction=self.transaction,
            grantee_member=self.onlooker,
            covers=[DisclosureCover.STAGE],
        )
        return self.transaction


def build_scene(partnership) -> Scene:
    return Scene(
        lead=LeadFactory(partnership=partnership, name="Casey Customer"),
        alice=MemberFactory(partnership=partnership, display_name="Alice Agent"),
        bob=MemberFactory(partnership=partnership, display_name="Bob Lender"),
        outsider=MemberFactory(partnership=partnership, display_name="Otto Outsider"),
        leader=LeadershipFactory(partnership=partnership, display_name="Lee Leadership"),
        reader=MemberFactory(partnership=partnership, display_name="Rita Reader"),
        onlooker=MemberFactory(partnership=partnership, display_name="Olive Onlooker"),
    )


Write = Callable[[Scene, Member, str], object]


def write_before_and_after(scene: Scene, write: Write, time_machine) -> None:
    """Alice writes "Before the opening" two days before she opens the transaction, and
    "After the opening" a day after."""
    time_machine.move_to(BEFORE, tick=False)
    write(scene, scene.alice, "Before the opening: they want a garden.")
    time_machine.move_to(OPENED_AT, tick=False)
    scene.open_transaction()
    time_machine.move_to(AFTER, tick=False)
    write(scene, scene.alice, "After the opening: they can pay 20 percent down.")


def assert_sealed_after_the_opening_only(scene: Scene) -> None:
    for viewer in scene.outside:
        page = scene.page(viewer)
        assert "they want a garden" in page, viewer
        assert "20 percent down" not in page, viewer
        assert SEALED in page, viewer
    for viewer in scene.team_and_leadership:
        page = scene.page(viewer)
        assert "they want a garden" in page, viewer
        assert "20 percent down" in page, viewer
        assert SEALED not in page, viewer


def assert_sealed_from_the_opening_on(scene: Scene, write: Write, kind: str, time_machine) -> None:
    """What Alice writes with `write` is sealed outside from the opening on, and its timeline
    entries (of `kind`) show to the outsider as to the team."""
    write_before_and_after(scene, write, time_machine)
    assert_sealed_after_the_opening_only(scene)
    kinds = [[e.kind for e in lead_timeline(scene.lead, v)] for v in (scene.outsider, scene.bob)]
    assert kinds[0].count(kind) == kinds[1].count(kind) == 2


def email_the_customer(scene: Scene, member: Member, text: str):
    """The member wrote to the customer through the portal, `text` as the subject."""
    return send_message(
        member=member,
        lead=scene.lead,
        subject=text,
        body=f"Dear {scene.lead.name}, a word about your plans: {text}",
        actor=member.user,
    )
