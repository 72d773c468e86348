"""The experiment pages: the list, starting one, its results with the chart, feedback, ending
early, and who may see what (a member's experiment is theirs; leadership's shows no names)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from advocates.extensions import contact_sections
from advocates.models import Assignment, Direction, Experiment, ExperimentFeedback, Referral
from tests.advocates.factories import AssignmentFactory, ContactFactory, ExperimentFactory
from tests.conftest import client_for
from tests.members.factories import MemberFactory

CHICAGO = ZoneInfo("America/Chicago")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock_at(datetime.datetime(2025, 2, 17, 12, 0, tzinfo=CHICAGO)),
    pytest.mark.usefixtures("clock"),
]
TODAY = datetime.date(2025, 2, 17)  # week 7 of an experiment started Jan 6


def referral(contact, day, direction=Direction.RECEIVED):
    return Referral.objects.create(
        partnership=contact.partnership,
        contact=contact,
        owner=contact.owner,
        direction=direction,
        person_name="Someone",
        received_on=day,
    )


@pytest.fixture
def experiment(member):
    """Alice's experiment: 3 contacts in A, 3 in B; B's contacts sent more referrals."""
    experiment = ExperimentFactory(owner=member, name="Alice's test")
    a = [
        AssignmentFactory(experiment=experiment, group="A", contact__name=f"Ann {i}")
        for i in range(3)
    ]
    b = [
        AssignmentFactory(experiment=experiment, group="B", contact__name=f"Bob {i}")
        for i in range(3)
    ]
    referral(a[0].contact, datetime.date(2025, 1, 8))  # week 1
    referral(b[0].contact, datetime.date(2025, 1, 7))  # week 1
    referral(b[1].contact, datetime.date(2025, 1, 20))  # week 3
    referral(b[1].contact, datetime.date(2025, 2, 1))  # week 4
    referral(b[2].contact, datetime.date(2025, 1, 1))  # before the start: not counted
    referral(b[2].contact, datetime.date(2025, 1, 9), direction=Direction.SENT)  # not theirs
    return experiment


def test_the_page_counts_referrals_per_group_and_compares_them(member_client, experiment):
    response = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))
    assert response.status_code == 200
    groups = response.context["results"].groups
    assert (groups["A"].contacts, groups["A"].referrals) == (3, 1)
    assert (groups["B"].contacts, groups["B"].referrals) == (3, 3)
    cmp = response.context["results"].comparison
    assert cmp.difference == pytest.approx(2 / 3)
    html = response.content.decode()
    assert "Still running" in html
    assert "Not enough evidence yet" in html
    assert "permutation test" in html
    assert "leaves out 0 exactly when the p-value is below 0.05" in html
    # Seeded by the experiment's stored seed: the same numbers on every visit.
    again = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))
    assert again.context["results"].comparison == cmp


def test_deleting_a_contact_after_the_split_keeps_the_groups_and_their_referrals(
    member_client, experiment
):
    bob = Assignment.objects.get(experiment=experiment, contact__name="Bob 1")
    ExperimentFeedback.objects.create(
        partnership=experiment.partnership,
        experiment=experiment,
        assignment=bob,
        text="Bob liked the gift card",
    )
    before = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))
    response = member_client.post(reverse("advocates_contact_delete", args=[bob.contact_id]))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.contact_id is None and bob.group == "B"
    assert bob.withdrawn_on == TODAY
    assert bob.withdrawn_referral_days == [datetime.date(2025, 1, 20), datetime.date(2025, 2, 1)]
    after = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))
    groups = after.context["results"].groups
    assert (groups["A"].contacts, groups["A"].referrals) == (3, 1)
    assert (groups["B"].contacts, groups["B"].referrals, groups["B"].withdrawn) == (3, 3, 1)
    assert after.context["results"].cumulative == before.context["results"].cumulative
    assert after.context["results"].comparison == before.context["results"].comparison
    html = after.content.decode()
    assert "3 (1 withdrawn)" in html
    listing = member_client.get(reverse("advocates_experiments")).context["page"].object_list
    assert (listing[0].size_a, listing[0].size_b) == (3, 3)
    # Forgetting Bob forgets what he said: his feedback note goes with him.
    assert "Bob liked the gift card" not in html
    assert not ExperimentFeedback.objects.filter(assignment=bob).exists()


def test_the_chart_is_svg_with_both_series_a_title_and_the_numbers_in_a_table(
    member_client, experiment
):
    html = member_client.get(reverse("advocates_experiment", args=[experiment.pk])).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and '<title id="chart-title">' in svg and "<desc" in svg
    assert 'data-group="A"' in svg and 'data-group="B"' in svg
    results_week_1 = re.search(r'data-group="B">\s*<polyline fill="none" points="([^"]*)"', svg)
    # Week 0 plus the seven weeks begun by Feb 17.
    assert len(results_week_1.group(1).split()) == 8
    # The table holds the same cumulative numbers: B reaches 3/3 = 1.00 by week 4.
    assert "<caption>Cumulative referrals per contact at the end of each week</caption>" in html
    rows = re.findall(
        r"<tr><th scope=\"row\">(\d+)</th><td[^>]*>[^<]*</td>"
        r"<td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>",
        html,
    )
    by_week = {int(w): (a, b) for w, a, b in rows}
    assert by_week[1] == ("0.33", "0.33")
    assert by_week[3] == ("0.33", "0.67")
    assert by_week[4] == ("0.33", "1.00")
    assert by_week[8] == ("\u2013", "\u2013")  # not begun yet


def test_a_clear_difference_is_read_out(member_client, member):
    experiment = ExperimentFactory(owner=member)
    for group, per_contact in (("A", 0), ("B", 4)):
        for _ in range(10):
            contact = AssignmentFactory(experiment=experiment, group=group).contact
            for _ in range(per_contact):
                referral(contact, datetime.date(2025, 1, 20))
    html = member_client.get(reverse("advocates_experiment", args=[experiment.pk])).content.decode()
    assert "Group B (variable reward) brought more referrals per contact." in html


def test_the_interval_on_the_page_agrees_with_the_verdict(member_client, member):
    # 6 referrals from 12 contacts against 15 from 12: the E-test's p was 0.0503 ("not enough
    # evidence") beside a Wald interval of 0.00 to 1.50, which left 0 out.
    experiment = ExperimentFactory(owner=member)
    counts = {"A": [0] * 6 + [1] * 6, "B": [0] * 3 + [1] * 4 + [2] * 4 + [3]}
    for group, per_contact in counts.items():
        for n in per_contact:
            contact = AssignmentFactory(experiment=experiment, group=group).contact
            for _ in range(n):
                referral(contact, datetime.date(2025, 1, 20))
    response = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))
    results = response.context["results"]
    cmp = results.comparison
    assert cmp.difference == pytest.approx(0.75)
    leaves_out_zero = not cmp.low <= 0 <= cmp.high
    assert leaves_out_zero == results.significant == (cmp.p_value < 0.05)
    html = response.content.decode()
    verdict = "Group B (variable reward) brought more" if leaves_out_zero else "Not enough evidence"
    assert verdict in html


def test_another_member_and_leadership_get_404_on_a_members_experiment(
    experiment, partnership, leader
):
    for viewer in (MemberFactory(partnership=partnership), leader):
        client = client_for(partnership, viewer)
        for name in ("advocates_experiment", "advocates_experiment_end"):
            assert client.get(reverse(name, args=[experiment.pk])).status_code == 404
        url = reverse("advocates_experiment_feedback", args=[experiment.pk])
        assert client.post(url, {"contact": 1, "text": "x"}).status_code == 404


def test_a_leadership_experiment_shows_counts_and_how_much_feedback_but_no_names_or_words(
    leader, partnership
):
    experiment = ExperimentFactory(owner=None, partnership=partnership, name="Across members")
    alice, bob = (MemberFactory(partnership=partnership) for _ in range(2))
    rows = []
    for i, owner in enumerate((alice, bob, alice, bob)):
        contact = ContactFactory(owner=owner, name=f"Secret Person {i}")
        rows.append(
            Assignment.objects.create(
                partnership=partnership, experiment=experiment, contact=contact, group="AB"[i % 2]
            )
        )
    referral(rows[1].contact, datetime.date(2025, 1, 10))
    ExperimentFeedback.objects.create(
        partnership=partnership,
        experiment=experiment,
        assignment=rows[0],
        text="Loved the flat fee",
    )
    response = client_for(partnership, leader).get(
        reverse("advocates_experiment", args=[experiment.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    # What a member's contact said stays in the member's circle: leadership reads a count.
    assert "Loved the flat fee" not in html and "1 note from group A" in html
    assert "Secret Person" not in html
    assert "<svg" in html
    # A member whose contacts are in it does not open the page: leadership's view only.
    assert (
        client_for(partnership, alice)
        .get(reverse("advocates_experiment", args=[experiment.pk]))
        .status_code
        == 404
    )


def test_a_member_notes_feedback_for_their_own_contact_in_a_leadership_experiment(
    partnership, member
):
    experiment = ExperimentFactory(owner=None, partnership=partnership)
    mine = AssignmentFactory(experiment=experiment, contact__owner=member, group="B")
    theirs = AssignmentFactory(
        experiment=experiment, contact__owner=MemberFactory(partnership=partnership)
    )
    client = client_for(partnership, member)
    url = reverse("advocates_experiment_feedback", args=[experiment.pk])
    response = client.post(url, {"contact": mine.contact_id, "text": "Prefers the percentage"})
    assert response.status_code == 302
    assert response["Location"] == f"/advocates/{mine.contact_id}/"
    assert ExperimentFeedback.objects.get().assignment == mine
    # Another member's contact in the same experiment: 404, nothing noted.
    response = client.post(url, {"contact": theirs.contact_id, "text": "Sneaky"})
    assert response.status_code == 404
    assert ExperimentFeedback.objects.count() == 1


def test_the_owner_notes_feedback_from_the_experiment_page(member_client, experiment):
    contact = experiment.assignments.filter(group="A").first().contact
    url = reverse("advocates_experiment_feedback", args=[experiment.pk])
    response = member_client.post(url, {"contact": contact.pk, "text": "Flat fee is clear"})
    assert response["Location"] == reverse("advocates_experiment", args=[experiment.pk])
    html = member_client.get(response["Location"]).content.decode()
    assert "Flat fee is clear" in html and contact.name in html
    response = member_client.post(url, {"contact": contact.pk, "text": "bad\x07bell"})
    assert ExperimentFeedback.objects.count() == 1


def test_starting_an_experiment_from_the_form(member_client, member):
    for _ in range(5):
        ContactFactory(owner=member)
    url = reverse("advocates_experiment_new")
    form = member_client.get(url)
    assert form.context["form"]["starts_on"].value() == TODAY
    assert form.context["form"]["ends_on"].value() == datetime.date(2025, 5, 16)
    assert "across_members" not in form.context["form"].fields
    response = member_client.post(
        url,
        {
            "name": "Spring test",
            "starts_on": "2025-02-17",
            "ends_on": "",
            "fixed_reward": "200",
            "variable_rate": "0.15",
            "segments": ["advocates", "core_advocates"],
        },
        follow=True,
    )
    experiment = Experiment.objects.get()
    assert experiment.owner == member and experiment.ends_on == datetime.date(2025, 5, 16)
    assert "3 contacts in group A, 2 in group B" in response.content.decode()


def test_too_few_contacts_re_renders_the_form_with_the_reason(member_client, member):
    ContactFactory(owner=member)
    response = member_client.post(
        reverse("advocates_experiment_new"),
        {
            "name": "Too small",
            "starts_on": "2025-02-17",
            "fixed_reward": "200",
            "variable_rate": "0.15",
            "segments": ["advocates"],
        },
    )
    assert response.status_code == 400
    assert "needs at least 4 contacts" in response.content.decode()
    assert not Experiment.objects.exists()


def test_ending_early_asks_first_then_sets_today(member_client, experiment):
    url = reverse("advocates_experiment_end", args=[experiment.pk])
    assert "cannot be undone" in member_client.get(url).content.decode()
    experiment.refresh_from_db()
    assert experiment.ends_on == datetime.date(2025, 4, 6)
    member_client.post(url)
    experiment.refresh_from_db()
    assert experiment.ends_on == TODAY


def test_the_contact_section_shows_the_group_and_a_feedback_form(rf, member, experiment):
    assignment = experiment.assignments.filter(group="B").first()
    request = rf.get("/")
    request.member, request.user, request.partnership = member, member.user, member.partnership
    html = "".join(contact_sections.render(request, contact=assignment.contact))
    assert "Alice&#x27;s test" in html and "group B" in html
    assert reverse("advocates_experiment_feedback", args=[experiment.pk]) in html
    request.member = MemberFactory(partnership=member.partnership)
    html = "".join(contact_sections.render(request, contact=assignment.contact))
    assert "Alice&#x27;s test" not in html


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_takes_the_same_queries_at_10_and_1000_rows(
    member_client, member, django_assert_num_queries, count
):
    Experiment.objects.bulk_create(
        Experiment(
            partnership=member.partnership,
            owner=member,
            name=f"E{i}",
            starts_on=datetime.date(2025, 1, 6),
            ends_on=datetime.date(2025, 4, 6),
            fixed_reward=100,
            variable_rate=1,
            seed=i,
        )
        for i in range(count)
    )
    url = reverse("advocates_experiments")
    member_client.get(url)
    with django_assert_num_queries(5):
        response = member_client.get(url)
    assert len(response.context["page"].object_list) == min(count, 25)
