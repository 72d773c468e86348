import factory

from leads.models import Lead
from outreach.models import Attempt, OutreachPair, Template
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.plans import grow


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Template

    partnership = factory.SubFactory(PartnershipFactory)
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Your home search"
    body = "I help first-time buyers find homes near good schools. Could we talk this week?"
    stages = ["new"]


def grow_attempts(partnership, member, *, every: int = 1) -> None:
    """Two attempts (an email, then a call, both within the last 100 hours: this week to the
    policy) by `member` on every `every`-th lead of the partnership, through their pair, by SQL
    (tests.plans.grow): for query counts and plans."""
    pairs, attempts = OutreachPair._meta.db_table, Attempt._meta.db_table
    grow(
        pairs,
        f"""
        INSERT INTO {pairs} (partnership_id, member_id, lead_id, created_at)
        SELECT partnership_id, %s, id, now() FROM {Lead._meta.db_table}
        WHERE partnership_id = %s AND id %% %s = 0
        """,
        [member.pk, partnership.pk, every],
    )
    grow(
        attempts,
        f"""
        INSERT INTO {attempts} (partnership_id, pair_id, member_id, lead_id, channel, outcome,
            note, was_cold, made_at)
        SELECT partnership_id, id, member_id, lead_id,
            CASE WHEN k = 1 THEN 'portal_email' ELSE 'call' END,
            CASE WHEN k = 1 THEN '' ELSE 'voicemail' END, '', true,
            now() - (id %% 100) * interval '1 hour' - k * interval '1 minute'
        FROM {pairs}, generate_series(1, 2) AS k
        WHERE partnership_id = %s AND member_id = %s
        """,
        [partnership.pk, member.pk],
    )
