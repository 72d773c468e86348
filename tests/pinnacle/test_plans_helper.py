"""The planner helpers see a sequential scan where there is one, and an index where one serves."""

import pytest

from pinnacle.mail.models import OutboxMessage
from tests.plans import assert_no_sequential_scan, grow, sequential_scans

pytestmark = pytest.mark.django_db


def test_a_filter_on_an_unindexed_column_of_a_grown_table_is_a_sequential_scan(partnership):
    grow(
        OutboxMessage._meta.db_table,
        f"""
        INSERT INTO {OutboxMessage._meta.db_table}
            (partnership_id, idempotency_key, template, category, to_email, from_email,
             reply_to, subject, body_text, body_html, headers, status, status_reason,
             attempts, last_error, esp_message_id, created_at)
        SELECT %s, 'k' || n, 't', 'transactional', 'p' || n || '@example.com', 'f', '', 's',
               'b', '', '{{}}', 'sent', '', 0, '', '', now()
        FROM generate_series(1, 20000) AS n
        """,
        [partnership.pk],
    )
    table = OutboxMessage._meta.db_table
    assert table in sequential_scans(OutboxMessage.objects.filter(subject="x"))
    with pytest.raises(AssertionError, match="sequential scan"):
        assert_no_sequential_scan(OutboxMessage.objects.filter(subject="x"), [table])
    assert_no_sequential_scan(
        OutboxMessage.objects.filter(partnership=partnership, to_email="p5@example.com"), [table]
    )
