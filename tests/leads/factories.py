import datetime

import factory
from django.utils import timezone

from leads.models import Inquiry, Lead, Need, Submission, Timeframe
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.plans import grow


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    need = Need.BUY
    timeframe = Timeframe.THREE_MONTHS
    last_submitted_at = factory.LazyFunction(timezone.now)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    form = "join"
    name = factory.SelfAttribute("lead.name")
    need = factory.SelfAttribute("lead.need")
    timeframe = factory.SelfAttribute("lead.timeframe")
    consent = True


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    message = "We are moving in March and need a 3-bedroom near good schools."
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=24))
    remind_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=20))


# Transactions. The rows only: the rules live in the services, and the small builders that put a
# team together (team_transaction, closed_transaction, Committee) are in transaction_builders.


def grow_leads(partnership, count: int, *, referrer=None, every: int = 10) -> None:
    """`count` leads by one INSERT … generate_series, then ANALYZE (tests.plans.grow): names
    repeat as in life ("Alex Smith"), emails and phones do not; one lead in `every` is
    `referrer`'s. For EXPLAIN tests: the planner prefers an index only on a table this big."""
    grow(
        Lead._meta.db_table,
        f"""
        INSERT INTO {Lead._meta.db_table} (partnership_id, name, email, phone, need, timeframe,
            channel, utm, created_at, last_submitted_at, referring_member_id)
        SELECT %s, (ARRAY['Alex', 'Sam', 'Jordan', 'Casey'])[1 + n %% 4] || ' '
                || (ARRAY['Smith', 'Jones', 'Brown', 'Garcia', 'Lee'])[1 + n %% 5] || ' ' || n,
            'grown' || n || '@example.com', '(' || (200 + n %% 800) || ') 555-' || n,
            'buy', '3m', 'website', '{{}}', now() - n * interval '1 minute',
            now() - n * interval '1 minute', CASE WHEN n %% %s = 0 THEN %s::bigint END
        FROM generate_series(1, %s) AS n
        """,
        [partnership.pk, every, referrer.pk if referrer else None, count],
    )
