"""After a close: leadership's post-close board and leadership's dashboard, with their query
budgets and the logging of leadership's looks."""

import datetime
import time

import pytest
from django.test.signals import template_rendered

from leads.models import Lead
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.transactions import post_close_helpers
from tests.transactions.factories import TransactionFactory
from tests.transactions.post_close_helpers import (
    CLOSING_EVENING,
    Kind,
    at,
    board,
    board_row,
    names_in,
)
from tests.transactions.transaction_builders import Committee
from transactions.models import (
    ClientInteraction,
    PostCloseStep,
    Transaction,
    TransactionAccess,
    TransactionStage,
)
from transactions.services.postclose import (
    confirm_meeting,
    propose_meeting_times,
    record_client_interaction,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

# The shared fixtures, bound here so that pytest finds them in this module.
closed = post_close_helpers.closed
people = post_close_helpers.people


# Leadership's board


def test_the_board_is_for_leadership_only(people, closed, anon_client):
    for who in ("alice", "larry", "nora"):
        response = board(client_for(people.partnership, getattr(people, who)))
        assert response.status_code == 404
        assert "Dana Customer" not in response.text
    assert board(anon_client).status_code == 302
    assert "Dana Customer" in board(client_for(people.partnership, people.lee)).text


def test_the_menu_links_the_board_for_leadership(people):
    link = '<a href="/transactions/post-close/">Post-close board</a>'
    assert link in client_for(people.partnership, people.lee).get("/dashboard/").text
    assert link not in client_for(people.partnership, people.alice).get("/dashboard/").text


def test_overdue_first_then_the_nearest_deadline_then_the_finished(
    people, clock, other_partnership
):
    def close(name, closed_on, done=()):
        lead = Lead.objects.create(
            partnership=people.partnership,
            name=name,
            email=f"{name.split()[0].lower()}@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
        transaction = people.close(lead=lead, closed_on=closed_on)
        PostCloseStep.objects.filter(transaction=transaction, kind__in=done).update(
            completed_at=CLOSING_EVENING, completed_by=people.lee
        )
        return transaction

    close("Dora Done", datetime.date(2025, 3, 1), done=list(Kind))
    close("Liam Later", datetime.date(2025, 3, 3), done=[Kind.HANDOFF_MEETING])
    close("Sam Soon", datetime.date(2025, 3, 3))
    close("Olga Overdue", datetime.date(2025, 2, 20))
    Committee(other_partnership).close()  # another partnership's: never listed
    TransactionFactory(partnership=people.partnership, stage=TransactionStage.OPENED)

    client = client_for(people.partnership, people.lee)
    html = board(client).text
    assert names_in(html) == ["Olga Overdue", "Sam Soon", "Liam Later", "Dora Done"]
    olga_row = html[html.index("Olga Overdue") : html.index("Sam Soon")]
    assert olga_row.count("Overdue</span>") == 3
    dora_row = html[html.index("Dora Done") :]
    assert dora_row.count("Done on time") == 3
    assert names_in(board(client, open="1").text) == ["Olga Overdue", "Sam Soon", "Liam Later"]


def test_the_boards_empty_states(people):
    client = client_for(people.partnership, people.lee)
    assert "No closed transactions yet." in board(client).text
    assert "Nothing left to do" in board(client, open="1").text


def _bulk_closed(people, count):
    """`count` closed transactions; every third one's steps done (times proposed by the
    leader, confirmed by leadership), the others' still to do."""
    leads = Lead.objects.bulk_create(
        Lead(
            partnership=people.partnership,
            name=f"Customer {n:04d}",
            email=f"customer{n}@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
        for n in range(count)
    )
    transactions = Transaction.objects.bulk_create(
        Transaction(
            partnership=people.partnership,
            lead=lead,
            kind="buy",
            stage=TransactionStage.CLOSED,
            closed_on=datetime.date(2025, 3, 3) - datetime.timedelta(days=n % 9),
            leader=people.alice,
            opened_by=people.alice,
        )
        for n, lead in enumerate(leads)
    )
    PostCloseStep.objects.bulk_create(
        PostCloseStep(
            partnership=people.partnership,
            transaction=transaction,
            kind=kind,
            due_at=at(4, 0) + datetime.timedelta(days=n % 9 - 4),
            remind_at=at(3, 0),
            completed_at=at(3, 23) if n % 3 == 0 else None,
            completed_by=people.lee if n % 3 == 0 else None,
            times_proposed_at=at(3, 22) if n % 3 == 0 and kind == Kind.HANDOFF_MEETING else None,
            times_proposed_by=people.alice if n % 3 == 0 else None,
        )
        for n, transaction in enumerate(transactions)
        for kind in Kind
    )


# Partnership, session user, membership, page count, page rows, their steps; one INSERT logging
# leadership's look at the rows shown.
BOARD_QUERIES = 7


@pytest.mark.parametrize("count", [10, 1000])
def test_the_boards_query_count_does_not_grow_with_the_transactions(
    people, count, django_assert_num_queries
):
    started = time.monotonic()
    _bulk_closed(people, count)
    assert time.monotonic() - started < 10
    client = client_for(people.partnership, people.lee)
    with django_assert_num_queries(BOARD_QUERIES):
        response = board(client, open="1")
    assert len(names_in(response.text)) == min(count - len(range(0, count, 3)), 25)
    with django_assert_num_queries(BOARD_QUERIES):
        board(client, page="2")
    with django_assert_num_queries(BOARD_QUERIES):
        finished = board(client, page=str(-(-count // 25))).text  # the last page
    assert "Times proposed March 3, 2025, 10 p.m. by Alice Agent" in finished
    assert "Confirmed by leadership March 3, 2025, 11 p.m. by Lee Leadership" in finished


def test_leaderships_look_at_the_board_is_logged_for_every_row_shown(people):
    shown = [
        people.close(),
        people.close(lead=LeadFactory(partnership=people.partnership, name="Eli Customer")),
    ]
    board(client_for(people.partnership, people.lee))
    logged = TransactionAccess.objects.filter(member=people.lee)
    assert sorted(logged.values_list("transaction_id", flat=True)) == sorted(t.pk for t in shown)
    assert set(logged.values_list("via", "seen_on")) == {("leadership", "list")}


# Leadership's dashboard


def dashboard(people, who) -> str:
    return client_for(people.partnership, getattr(people, who)).get("/dashboard/").text


def test_leaderships_dashboard_counts_the_post_close_work_waiting(
    people, closed, other_partnership
):
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    late = people.close(
        lead=Lead.objects.create(
            partnership=people.partnership,
            name="Olga Overdue",
            email="olga@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        ),
        closed_on=datetime.date(2025, 2, 20),
    )
    # Booked late and the interaction recorded: only its letter is still overdue.
    (proposal,) = propose_meeting_times(transaction=late, actor=people.alice, times=[at(4, 9)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    record_client_interaction(
        transaction=late,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
    )
    other = Committee(other_partnership)
    propose_meeting_times(transaction=other.close(), actor=other.alice, times=[at(4, 10)])

    html = dashboard(people, "lee")
    panel = html[html.index('id="post-close-panel-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "<strong>1</strong> handoff meeting with proposed times to confirm" in panel
    assert "<strong>1</strong> overdue step</a>" in panel
    assert "<strong>1</strong> first client interaction to record" in panel
    assert 'href="/transactions/post-close/?open=1"' in panel
    # Members have their own dashboard: no post-close panel.
    assert "post-close-panel-heading" not in dashboard(people, "alice")


def test_leaderships_dashboard_says_when_nothing_waits(people):
    html = dashboard(people, "lee")
    assert "Nothing waiting for leadership: no handoff times to confirm" in html


def test_leaderships_transactions_panel_does_not_say_it_is_on_no_team(people, closed):
    html = dashboard(people, "lee")
    assert "You are on no transaction team" not in html
    assert "Leadership sits on no transaction team" in html
    assert "You are on no transaction team yet." in dashboard(people, "nora")


# Partnership, session user, membership; the panels: policy revisions open for a vote, referred
# leads, the first open inquiries and how many are open, the post-close counts (one aggregate),
# the member's transactions, the appreciation touches due this week (one aggregate when none are
# due), and the advocate CRM's "Referrers to update" (leadership's own circle).
LEADERSHIP_DASHBOARD_QUERIES = 11


@pytest.mark.parametrize("count", [10, 1000])
def test_leaderships_dashboard_query_count_does_not_grow_with_the_transactions(
    people, count, django_assert_num_queries
):
    _bulk_closed(people, count)
    client = client_for(people.partnership, people.lee)
    with django_assert_num_queries(LEADERSHIP_DASHBOARD_QUERIES):
        response = client.get("/dashboard/")
    assert "overdue step" in response.text


def test_each_part_of_the_handoff_says_where_it_stands_on_the_board(people, closed, clock):
    lead = LeadFactory(partnership=people.partnership, name="Old Customer")
    TransactionFactory(  # closed before post-close steps existed: none scheduled
        partnership=people.partnership, lead=lead, closed=True, closed_on=datetime.date(2024, 5, 1)
    )
    row = board_row(people)
    assert "<li>Times proposed: not yet</li>" in row
    assert "<li>Confirmed by leadership: once times are proposed</li>" in row
    assert row.count('<span class="tag tag-warn">Due by') == 3
    assert board_row(people, "Old Customer").count('<span class="tag">Not scheduled</span>') == 3

    clock.move_to(at(4, 9))
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    row = board_row(people)
    assert "Times proposed March 4, 2025, 9 a.m. by Alice Agent: " in row
    assert '<span class="status ok">on time</span>' in row
    assert "<li>Confirmed by leadership: awaiting</li>" in row

    clock.move_to(at(6, 1))
    assert "Confirmed by leadership: " in board_row(people)
    assert ': <span class="status bad">not yet, overdue</span></li>' in board_row(people)


def test_the_board_renders_as_many_templates_however_many_rows_it_shows(people):
    def templates_rendered() -> list[str]:
        names: list[str] = []

        def rendered(sender, template, context, **kwargs):
            names.append(template.name)

        template_rendered.connect(rendered)
        try:
            assert board(client_for(people.partnership, people.lee)).status_code == 200
        finally:
            template_rendered.disconnect(rendered)
        return names

    people.close()
    one = templates_rendered()
    _bulk_closed(people, 30)
    assert templates_rendered() == one
