"""Reward programs: the suggested program, suggestions per trigger and tier, the experiment's
reward for groups A and B, a reward given once, redeeming (the score counts it), the manual
form's bounds, the contact section, privacy and the demo."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from advocates.demo.referrals import seed_referrals
from advocates.extensions import contact_sections
from advocates.models import (
    Assignment,
    Experiment,
    ExperimentGroup,
    ReferralQuality,
    ReferralStage,
    Reward,
    RewardRule,
    RewardTrigger,
)
from advocates.panels import register
from advocates.services import AdvocatesRefused
from advocates.services import referrals as services
from advocates.services import rewards as reward_services
from tests.advocates.factories import (
    ContactFactory,
    ReferralFactory,
    RewardFactory,
    RewardRuleFactory,
)
from tests.conftest import client_for
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(member):
    return ContactFactory(owner=member, name="Carol Advocate", email="carol@example.net")


@pytest.fixture
def program(member):
    return reward_services.start_suggested_program(member=member)


def receive(contact, **extra):
    return services.record_referral_received(
        contact=contact, person_name="Dan Buyer", person_email="dan@example.org", **extra
    )


def labels(referral):
    return [s.label for s in reward_services.referral_suggestions(referral)]


def test_the_suggested_program_starts_once(member_client, member):
    page = member_client.get(reverse("reward_programs"))
    assert b"Start from the suggested program" in page.content
    member_client.post(reverse("reward_start_suggested"))
    member_client.post(reverse("reward_start_suggested"))
    descriptions = list(RewardRule.objects.values_list("description", flat=True))
    assert len(descriptions) == 6
    assert "$10 coffee card" in descriptions and "$150 gift card" in descriptions


def test_on_receipt_the_coffee_card_is_suggested(carol, program):
    assert labels(receive(carol)) == ["Give: $10 coffee card"]


def test_each_stage_suggests_its_rules_for_the_referrals_tier(carol, program):
    referral = receive(carol, quality=ReferralQuality.PREMIUM)
    for stage in (ReferralStage.CONTACTED, ReferralStage.UNDER_CONTRACT, ReferralStage.CLOSED):
        referral = services.advance_referral(referral=referral, stage=stage)
    assert labels(referral) == [
        "Give: $10 coffee card",
        "Give: Handwritten thank-you note",
        "Give: $150 gift card",
    ]


def test_a_standard_referral_gets_the_standard_close_reward(carol, program):
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CLOSED)
    assert "Give: $50 gift card" in labels(referral)
    assert "Give: $150 gift card" not in labels(referral)


def test_an_inactive_rule_is_not_suggested(carol, program):
    coffee = RewardRule.objects.get(trigger=RewardTrigger.ON_RECEIPT)
    reward_services.set_rule_active(rule=coffee, is_active=False)
    assert labels(receive(carol)) == []


def test_a_reward_is_given_once(carol, program, member_client):
    referral = receive(carol)
    key = reward_services.referral_suggestions(referral)[0].key
    url = reverse("referral_give_reward", args=[referral.pk])
    member_client.post(url, {"key": key})
    member_client.post(url, {"key": key})
    reward = Reward.objects.get()
    assert reward.description == "$10 coffee card" and reward.value == Decimal("10")
    assert reward.referral == referral and reward.contact == carol
    assert labels(referral) == []
    with pytest.raises(AdvocatesRefused):
        reward_services.give_reward(referral=referral, key=key)


def _experiment(member, contact, group, **fields):
    experiment = Experiment.objects.create(
        partnership=member.partnership,
        owner=member,
        name="Spring test",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2099, 1, 1),
        fixed_reward=Decimal("100"),
        variable_rate=Decimal("0.05"),
        seed=7,
        **fields,
    )
    Assignment.objects.create(
        partnership=member.partnership, experiment=experiment, contact=contact, group=group
    )
    return experiment


def test_group_a_gets_the_experiments_fixed_reward_on_close(carol, member, program):
    _experiment(member, carol, ExperimentGroup.A)
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CLOSED)
    found = labels(referral)
    assert "Give: $50 gift card" not in found
    assert "Give: $100, Spring test (group A): fixed reward for a closed referral" in found


def test_group_b_gets_the_rate_of_the_closed_value(carol, member, program):
    _experiment(member, carol, ExperimentGroup.B)
    referral = services.advance_referral(
        referral=receive(carol, estimated_value=Decimal("300000")),
        stage=ReferralStage.CLOSED,
        closed_value=Decimal("400000"),
    )
    suggestion = reward_services.referral_suggestions(referral)[-1]
    assert suggestion.value == Decimal("200.00")
    assert suggestion.description == (
        "$200, Spring test (group B): 0.05% of the closed value $400,000"
    )
    reward_services.give_reward(referral=referral, key=suggestion.key)
    assert suggestion.key not in [s.key for s in reward_services.referral_suggestions(referral)]


def test_an_experiment_outside_the_receipt_date_changes_nothing(carol, member, program):
    experiment = _experiment(member, carol, ExperimentGroup.A)
    Experiment.objects.filter(pk=experiment.pk).update(
        starts_on=datetime.date(2010, 1, 1), ends_on=datetime.date(2010, 4, 1)
    )
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CLOSED)
    assert "Give: $50 gift card" in labels(referral)


def test_redeeming_a_reward_refreshes_the_score(carol, member_client):
    reward = RewardFactory(contact=carol)
    assert carol.appreciation_points == 0
    member_client.post(reverse("reward_redeemed", args=[reward.pk]))
    reward.refresh_from_db()
    carol.refresh_from_db()
    assert reward.redeemed_on is not None
    assert carol.appreciation_points > 0


def test_a_reward_given_in_the_future_or_negative_is_refused(carol, member_client, partnership):
    tomorrow = partnership.today() + datetime.timedelta(days=1)
    with pytest.raises(AdvocatesRefused, match="future"):
        reward_services.record_reward(
            contact=carol, description="Dinner", value=50, given_on=tomorrow
        )
    response = member_client.post(
        reverse("reward_new"),
        {
            "contact": carol.pk,
            "description": "Dinner",
            "value": "-5",
            "given_on": partnership.today().isoformat(),
            "trigger": "long_term",
        },
    )
    assert response.status_code == 400 and not Reward.objects.exists()


def test_the_contact_section_shows_referrals_and_rewards_with_the_years_total(
    carol, member, program, rf, partnership
):
    referral = receive(carol)
    reward_services.give_reward(
        referral=referral, key=reward_services.referral_suggestions(referral)[0].key
    )
    RewardFactory(contact=carol, value=Decimal("25"), description="Event tickets")
    register()
    request = rf.get("/advocates/")
    request.member, request.partnership, request.user = member, partnership, member.user
    html = "".join(contact_sections.render(request, contact=carol))
    assert "Dan Buyer" in html and "Received" in html
    assert "$10 coffee card" in html and "Event tickets" in html
    assert "Total this year" in html and "$35" in html


def test_the_deactivation_asks_first(member_client, member):
    rule = RewardRuleFactory(owner=member)
    url = reverse("reward_rule_deactivate", args=[rule.pk])
    assert b"Deactivate" in member_client.get(url).content
    rule.refresh_from_db()
    assert rule.is_active
    member_client.post(url)
    rule.refresh_from_db()
    assert not rule.is_active


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "reward_rule_edit"),
        ("get", "reward_rule_deactivate"),
        ("post", "reward_rule_deactivate"),
    ],
)
def test_another_member_and_leadership_get_404_on_a_rule(method, name, member, leader):
    rule = RewardRuleFactory(owner=member)
    for viewer in (MemberFactory(partnership=member.partnership), leader):
        client = client_for(member.partnership, viewer)
        assert getattr(client, method)(reverse(name, args=[rule.pk])).status_code == 404
    rule.refresh_from_db()
    assert rule.is_active


def test_another_member_and_leadership_get_404_on_a_reward(carol, leader):
    reward = RewardFactory(contact=carol)
    for viewer in (MemberFactory(partnership=carol.partnership), leader):
        client = client_for(carol.partnership, viewer)
        assert client.post(reverse("reward_redeemed", args=[reward.pk])).status_code == 404
    reward.refresh_from_db()
    assert reward.redeemed_on is None


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_rewards_page_costs_the_same_at_10_and_1000(
    rows, carol, member, django_assert_num_queries
):
    referral = ReferralFactory(contact=carol)
    Reward.objects.bulk_create(
        [
            Reward(
                partnership_id=member.partnership_id,
                contact=carol,
                owner=member,
                referral=referral if i % 2 else None,
                trigger=RewardTrigger.LONG_TERM,
                description=f"Reward {i}",
                given_on=datetime.date(2025, 1, 1),
            )
            for i in range(rows)
        ]
    )
    client = client_for(member.partnership, member)
    client.get(reverse("reward_programs"))
    with django_assert_num_queries(6):
        assert client.get(reverse("reward_programs")).status_code == 200


def test_the_demo_seeds_once(member, partnership):
    from advocates.demo import seed_contacts

    agent = member
    seed_contacts(agent)
    first = seed_referrals(agent)
    assert first == 8  # with the spoken referral (a phone, no lead)
    counts = (
        RewardRule.objects.count(),
        Reward.objects.count(),
        agent and reward_services.rules_of(agent).count(),
    )
    assert seed_referrals(agent) == 0
    assert (RewardRule.objects.count(), Reward.objects.count()) == counts[:2]
    assert Reward.objects.filter(redeemed_on__isnull=False).count() == 1
    from advocates.models import Referral

    assert Referral.objects.filter(untold_stage=ReferralStage.UNDER_CONTRACT).count() == 1
    assert Referral.objects.filter(stage=ReferralStage.CLOSED).count() == 1


@pytest.mark.parametrize("page", ["rewards", "contact"])
def test_a_reward_not_yet_redeemed_offers_mark_redeemed_and_does_not_read_redeemed(
    page, member, member_client
):
    carol = ContactFactory(owner=member, name="Carol Advocate")
    RewardFactory(contact=carol, description="Coffee card")
    url = (
        reverse("reward_programs")
        if page == "rewards"
        else reverse("advocates_contact", args=[carol.pk])
    )

    html = member_client.get(url).content.decode()

    assert "Coffee card" in html
    assert ">Mark redeemed</button>" in html
    assert ">Redeemed</button>" not in html
