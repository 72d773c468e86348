import pytest

from advocates.demo import seed_contacts
from advocates.demo.plans import seed_plans
from advocates.models import Enrollment, Interaction, Touch
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_plans_show_done_due_today_and_overdue_touches_and_seed_once(partnership):
    agent = MemberFactory(partnership=partnership, user__email="agent@pinnacle.localhost")
    seed_contacts(agent)
    assert seed_plans(agent) == 3
    today = partnership.today()
    touches = Touch.objects.filter(owner=agent)
    assert Enrollment.objects.filter(owner=agent).count() == 3
    assert touches.filter(done_at__isnull=True, due_on=today).exists()
    assert touches.filter(done_at__isnull=True, due_on__lt=today).exists()
    assert touches.filter(acknowledged_at__isnull=False).count() == 2
    logged = Interaction.objects.filter(owner=agent).count()
    assert seed_plans(agent) == 0
    assert Enrollment.objects.filter(owner=agent).count() == 3
    assert Touch.objects.filter(owner=agent).count() == 33 + 33 + 8
    assert Interaction.objects.filter(owner=agent).count() == logged
