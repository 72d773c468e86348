"""The touches page's queries read the member's own enrolments and touches through indexes at a
real size (20,000 enrolments and 60,000 touches of other members): never every enrolment of the
partnership."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocates.models import Contact, Enrollment, PlanKind, PlanTemplate, Touch
from advocates.selectors import plans as plan_reads
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow

pytestmark = pytest.mark.django_db

CONTACTS, ENROLLMENTS, TOUCHES = (
    Contact._meta.db_table,
    Enrollment._meta.db_table,
    Touch._meta.db_table,
)
TODAY = dt.date(2026, 6, 1)


def _circle(owner, template_id: int, contacts: int, touches_each: int) -> None:
    """`contacts` contacts of the owner, each on the yearly plan with `touches_each` touches, a
    week apart from today."""
    params = [owner.partnership_id, owner.pk, f"{owner.pk}-"]
    grow(
        CONTACTS,
        f"""
        INSERT INTO {CONTACTS} (partnership_id, owner_id, segment, name, email, phone, company,
            service, mailing_address, family, hobbies, interests, notes, frequency_points,
            reciprocal_points, appreciation_points, strength, created_at, updated_at)
        SELECT %s, %s, 'advocates', 'Contact ' || n, %s || n || '@example.net', '', '', '', '',
            '', '', '', '', 0, 0, 0, 0, now(), now()
        FROM generate_series(1, {contacts}) AS n
        """,
        params,
    )
    grow(
        ENROLLMENTS,
        f"""
        INSERT INTO {ENROLLMENTS} (partnership_id, contact_id, owner_id, template_id, kind,
            starts_on, ends_on, created_at)
        SELECT partnership_id, id, owner_id, %s, 'yearly', %s, %s, now() FROM {CONTACTS}
        WHERE owner_id = %s
        """,
        [template_id, TODAY, TODAY + dt.timedelta(days=364), owner.pk],
    )
    grow(
        TOUCHES,
        f"""
        INSERT INTO {TOUCHES} (partnership_id, enrollment_id, contact_id, owner_id, kind, title,
            is_email, due_on)
        SELECT e.partnership_id, e.id, e.contact_id, e.owner_id, 'phone_call', 'Call', false,
            e.starts_on + 7 * k - 14
        FROM {ENROLLMENTS} e, generate_series(0, {touches_each - 1}) AS k WHERE e.owner_id = %s
        """,
        [owner.pk],
    )


@pytest.fixture
def grown(partnership, member):
    """The member's 100 contacts on the yearly plan with 33 touches each; another member's
    20,000 contacts, each on it with three touches."""
    template = PlanTemplate.objects.get(partnership=partnership, kind=PlanKind.YEARLY)
    _circle(member, template.pk, 100, 33)
    _circle(MemberFactory(partnership=partnership), template.pk, 20000, 3)


def _queries_of(read) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        read()
    return [q["sql"].replace("%", "%%") for q in queries]


def test_the_touch_counts_and_completion_read_the_members_own_enrolments(member, grown):
    counts = plan_reads.touch_counts(member, TODAY)
    assert counts["due"] > 0 and counts["later"] > 0
    for read in (
        lambda: plan_reads.touch_counts(member, TODAY),
        lambda: plan_reads.completion_by_plan(member, TODAY),
    ):
        for sql in _queries_of(read):
            assert_no_sequential_scan(sql, [ENROLLMENTS, TOUCHES, CONTACTS])


def test_a_page_of_touches_reads_them_through_the_members_index(member, grown):
    for bucket in plan_reads.BUCKETS:
        rows = plan_reads.touches_in(member, bucket, TODAY)
        assert_no_sequential_scan(rows[:25], [ENROLLMENTS, TOUCHES, CONTACTS])
