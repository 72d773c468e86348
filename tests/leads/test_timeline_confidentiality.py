"""The lead's own timeline sources keep a customer's free text with the committee: from a
transaction's opening, the customer's message to a team member (an inquiry, or the online form
that raised it) and a team member's answer read only for the team, leadership and a member the
customer authorized to read notes (see tests/leads/timeline_scene.py). The entries still show.
"""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from leads import extensions
from leads.selectors.lists import lead_suppression
from leads.selectors.timeline import lead_timeline
from leads.services.inquiries import respond_to_inquiry
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import opt_out
from tests.leads.factories import InquiryFactory, SubmissionFactory
from tests.leads.timeline_scene import (
    AFTER,
    OPENED_AT,
    SEALED,
    assert_sealed_from_the_opening_on,
    build_scene,
    email_the_customer,
    write_before_and_after,
)
from tests.members.factories import MemberFactory
from transactions.selectors import sealed_seats
from transactions.services import lifecycle as services

pytestmark = pytest.mark.django_db


def customer_inquiry(scene, member, text):
    """The customer expressed interest in the member (answered, so that another may follow)."""
    return InquiryFactory(lead=scene.lead, member=member, message=text, responded_at=timezone.now())


def online_form(scene, member, text):
    """The customer wrote to the member through the online form."""
    submission = SubmissionFactory(lead=scene.lead, form="contact", message=text)
    return InquiryFactory(
        lead=scene.lead,
        member=member,
        submission=submission,
        message=text,
        responded_at=timezone.now(),
    )


def answer(scene, member, text):
    """The member answered the customer's inquiry."""
    inquiry = InquiryFactory(lead=scene.lead, member=member, message="Can we talk?")
    return respond_to_inquiry(inquiry=inquiry, member=member, kind="reply", body=text)


SOURCES = {
    "inquiry": (customer_inquiry, "inquiry"),
    "online form": (online_form, "submission"),
    "answer": (answer, "response"),
}


@pytest.fixture
def scene(partnership):
    return build_scene(partnership)


@pytest.mark.parametrize("source", list(SOURCES))
def test_an_outsider_reads_the_customers_words_to_the_team_only_from_before_the_opening(
    scene, source, time_machine
):
    write, kind = SOURCES[source]
    # The entries themselves show to the outsider as to the team.
    assert_sealed_from_the_opening_on(scene, write, kind, time_machine)


def test_an_inquiry_to_leadership_or_to_someone_off_the_team_stays_readable(
    scene, partnership, time_machine
):
    carol = MemberFactory(partnership=partnership, display_name="Carol Colleague")
    time_machine.move_to(OPENED_AT, tick=False)
    scene.open_transaction()
    time_machine.move_to(AFTER, tick=False)
    InquiryFactory(lead=scene.lead, member=None, message="To leadership: a complaint.")
    InquiryFactory(lead=scene.lead, member=carol, message="To Carol: insurance quote?")
    page = scene.page(scene.outsider)
    assert "a complaint" in page and "insurance quote" in page
    assert SEALED not in page


def test_a_member_on_another_of_the_customers_committees_with_the_author_reads_it(
    scene, partnership, time_machine
):
    write_before_and_after(scene, customer_inquiry, time_machine)
    services.open_transaction(lead=scene.lead, member=scene.outsider, kind="sell")
    assert "20 percent down" not in scene.page(scene.outsider)
    services.add_team_member(
        transaction=scene.lead.transactions.get(kind="sell"),
        actor=scene.outsider,
        member=scene.alice,
        role="Buyer's agent",
    )
    assert "20 percent down" in scene.page(scene.outsider)
    # Bob, on Alice's team, reads her; the second team's other member is not his to read.
    sealed = sealed_seats(scene.lead, scene.bob).values_list("member", flat=True)
    assert list(sealed) == [scene.outsider.pk]


def email_subjects(scene, viewer) -> list[str]:
    return [e.title for e in lead_timeline(scene.lead, viewer) if e.kind == "email"]


def test_an_outsider_sees_that_a_team_member_emailed_the_customer_not_what_about(
    scene, time_machine
):
    write_before_and_after(scene, email_the_customer, time_machine)
    for viewer in scene.outside:
        subjects = email_subjects(scene, viewer)
        assert len(subjects) == 2, viewer
        assert any("they want a garden" in s for s in subjects), viewer
        assert not any("20 percent down" in s for s in subjects), viewer
        assert "Email from Alice Agent" in subjects, viewer
        # Newest first: the email after the opening.
        sealed = next(e.item for e in lead_timeline(scene.lead, viewer) if e.kind == "email")
        assert sealed.sealed and sealed.subject == "", viewer
    for viewer in scene.team_and_leadership:
        subjects = email_subjects(scene, viewer)
        assert any("they want a garden" in s for s in subjects), viewer
        assert any("20 percent down" in s for s in subjects), viewer


def test_an_opt_out_from_a_team_members_email_names_it_without_its_subject_outside(
    scene, time_machine
):
    write_before_and_after(scene, email_the_customer, time_machine)
    after = OutboxMessage.objects.filter(subject__contains="20 percent down").get()
    opt_out(
        partnership=scene.lead.partnership,
        email=scene.lead.email,
        source="link",
        message_id=after.pk,
    )
    scene.lead.refresh_from_db()
    for viewer in scene.outside:
        box = scene.page(viewer).split("From the email", 1)[1].split("</dd>", 1)[0]
        assert "An email" in box and "Alice Agent" in box, viewer
        assert "20 percent down" not in box, viewer
    for viewer in scene.team_and_leadership:
        box = scene.page(viewer).split("From the email", 1)[1].split("</dd>", 1)[0]
        assert "20 percent down" in box, viewer


def test_without_the_confidentiality_rules_the_timeline_and_the_opt_out_line_refuse(
    scene, monkeypatch
):
    """Fail closed: until the transactions app registers its rules (leads.extensions), leads
    refuses to show what a team may have written rather than show it unsealed."""
    monkeypatch.setattr(extensions, "_confidentiality", [])
    with pytest.raises(ImproperlyConfigured, match="confidentiality"):
        lead_timeline(scene.lead, scene.outsider)
    with pytest.raises(ImproperlyConfigured, match="confidentiality"):
        lead_suppression(scene.lead, scene.outsider)


def test_a_rows_own_sealing_subquery_says_what_the_pages_read_once_sealing_says(
    scene, time_machine
):
    # `free_text_sealed` and `email_sealed` (one subquery per row, the extension point's) and
    # `lead_sealing` (the seats read once for a page) seal the same rows for every viewer:
    # outside, Alice's writing from the opening on; for the team and leadership, nothing.
    from leads.models import InquiryResponse
    from tests.leads.factories import LeadFactory
    from tests.transactions.factories import DisclosureFactory
    from transactions.models import DisclosureCover
    from transactions.selectors.sealing import (
        email_sealed,
        free_text_sealed,
        lead_sealing,
        worked_transaction_ids,
    )

    def answer_and_email(scene, member, text):
        answer(scene, member, text)
        email_the_customer(scene, member, text)

    write_before_and_after(scene, answer_and_email, time_machine)
    # After the opening the outsider writes too: not a seat of the transaction, never sealed.
    time_machine.move_to(AFTER + datetime.timedelta(hours=1), tick=False)
    answer_and_email(scene, scene.outsider, "Later the opening: they asked the outsider.")
    # The outsider reads the notes of another customer's transaction: not of this one.
    elsewhere = services.open_transaction(
        lead=LeadFactory(partnership=scene.lead.partnership), member=scene.bob, kind="sell"
    )
    DisclosureFactory(
        transaction=elsewhere, grantee_member=scene.outsider, covers=[DisclosureCover.NOTES]
    )
    for viewer in [*scene.outside, *scene.team_and_leadership]:
        sealing = lead_sealing(scene.lead, viewer)
        answers = (
            InquiryResponse.objects.filter(inquiry__lead=scene.lead)
            .annotate(
                row=free_text_sealed(scene.lead, viewer, author="member", at="created_at"),
                page=sealing.free_text_sealed(author="member", at="created_at"),
            )
            .order_by("created_at")
        )
        emails = (
            OutboxMessage.objects.filter(subject__contains="the opening: they")
            .annotate(row=email_sealed(scene.lead, viewer), page=sealing.email_sealed())
            .order_by("created_at")
        )
        expected = [False, viewer in scene.outside, False]
        for rows in (answers, emails):
            assert [r.row for r in rows] == [r.page for r in rows] == expected, viewer
    # Whose transaction emails each may read: the committee's and leadership's only.
    assert worked_transaction_ids(scene.lead, scene.bob) == [scene.transaction.pk]
    assert worked_transaction_ids(scene.lead, scene.leader) == [scene.transaction.pk]
    assert worked_transaction_ids(scene.lead, scene.reader) == []
