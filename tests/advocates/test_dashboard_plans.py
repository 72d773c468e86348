"""The dashboard's inner-circle panels read the member's own rows: the touches due this week
through the member's open enrolments, the referrers to update through the untold referrals'
index. Their plans stay the same however many contacts, enrolments and referrals the
partnership's other members have."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocates.models import Contact, Enrollment, PlanKind, Referral, Touch
from advocates.selectors.plans import dashboard_touches
from advocates.selectors.referrals import untold_referrals
from advocates.views.referrals import DASHBOARD_LIMIT
from tests.advocates.factories import plan_template
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow, index_conditions, indexes_read

pytestmark = pytest.mark.django_db

BIG = [Contact._meta.db_table, Enrollment._meta.db_table, Touch._meta.db_table]


@pytest.fixture
def circles(partnership, member):
    """20,000 contacts of 100 members, the member's 200 of them; one enrolment each (a seventh
    closed), two touches each (the member's ten) due over the year ahead; 20,000 referrals, a
    third of them untold."""
    owners = [member.pk, *(m.pk for m in MemberFactory.create_batch(99, partnership=partnership))]
    template = plan_template(partnership, PlanKind.YEARLY)
    grow(
        Contact._meta.db_table,
        """
        INSERT INTO advocates_contact (partnership_id, owner_id, segment, name, email, phone,
            company, service, mailing_address, family, hobbies, interests, notes,
            frequency_points, reciprocal_points, appreciation_points, strength, created_at,
            updated_at)
        SELECT %s, (%s::bigint[])[1 + n %% 100], 'advocates', 'Contact ' || n, '', '', '', '',
               '', '', '', '', '', 0, 0, 0, 0, now(), now()
        FROM generate_series(1, 20000) AS n
        """,
        [partnership.pk, owners],
    )
    grow(
        Enrollment._meta.db_table,
        """
        INSERT INTO advocates_enrollment (partnership_id, contact_id, owner_id, template_id,
                                          kind, starts_on, ends_on, closed_at, created_at)
        SELECT partnership_id, id, owner_id, %s, 'yearly', current_date - 30,
               current_date + 335, CASE WHEN id %% 7 = 0 THEN now() END, now()
        FROM advocates_contact WHERE partnership_id = %s
        """,
        [template.pk, partnership.pk],
    )
    grow(
        Touch._meta.db_table,
        """
        INSERT INTO advocates_touch (partnership_id, enrollment_id, contact_id, owner_id, kind,
                                     title, is_email, due_on)
        SELECT e.partnership_id, e.id, e.contact_id, e.owner_id, 'phone_call', 'Call', false,
               current_date + ((e.id + k * 37) %% 365 - 5)::int
        FROM advocates_enrollment e,
             generate_series(1, CASE WHEN e.owner_id = %s THEN 10 ELSE 2 END) AS k
        WHERE e.partnership_id = %s
        """,
        [member.pk, partnership.pk],
    )
    grow(
        Referral._meta.db_table,
        """
        INSERT INTO advocates_referral (partnership_id, contact_id, owner_id, direction,
            person_name, person_email, person_phone, stage, stage_changed_at, untold_stage,
            quality, received_on, note, created_at)
        SELECT partnership_id, id, owner_id, 'received', 'Someone', '', '', 'contacted',
               now() - id * interval '1 minute', CASE WHEN id %% 3 = 0 THEN 'contacted' ELSE ''
               END, 'standard', current_date, '', now()
        FROM advocates_contact WHERE partnership_id = %s
        """,
        [partnership.pk],
    )


def _queries_of(read) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        read()
    return [query["sql"] for query in captured.captured_queries]


def test_the_touches_panel_reads_the_members_open_enrolments_not_all_of_them(
    circles, partnership, member
):
    found = {}
    queries = _queries_of(lambda: found.update(dashboard_touches(member, partnership.today())))
    assert found["total"] > 0
    assert len(queries) == 2  # the counts, the first few
    for sql in queries:
        assert_no_sequential_scan(sql, BIG)


def test_the_referrers_to_update_are_read_in_order_from_the_untold_referrals(
    circles, partnership, member
):
    first = untold_referrals(member)[: DASHBOARD_LIMIT + 1]
    assert len(list(first)) == DASHBOARD_LIMIT + 1
    assert_no_sequential_scan(first, [*BIG, Referral._meta.db_table])
    # The first few entries, already in order: not all the member's referrals read and sorted.
    assert indexes_read(first, Referral._meta.db_table) == {"referral_untold_idx"}
    assert indexes_read(first, Contact._meta.db_table) == {"advocates_contact_pkey"}


def test_the_touches_panel_counts_only_the_touches_due_by_the_weeks_end(
    circles, partnership, member
):
    """A member's plans run a year ahead: the counts read the week's touches off the index's due
    date, not every pending touch of the year (12 ms for a member with 300 contacts)."""
    counts = _queries_of(lambda: dashboard_touches(member, partnership.today()))[0]
    conditions = index_conditions(counts, Touch._meta.db_table)
    assert conditions
    assert all("due_on" in condition for condition in conditions), conditions
