"""The partnership's appreciation plans: the seed's 33 touches a year and 8 in 8 weeks for new
contacts, created for every partnership, edited by leadership without changing their size."""

from collections import Counter

import pytest
from django.apps import apps as django_apps

from advocates.models import DateAnchor, PlanKind, PlanStep, PlanTemplate, TouchKind
from advocates.services import AdvocatesRefused
from advocates.services.plans import (
    default_steps,
    enroll,
    ensure_templates,
    update_template,
)
from tests.advocates.factories import ContactFactory, plan_template
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory
from tests.pinnacle.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_yearly_plan_is_the_seeds_33_touches_spread_over_the_year():
    steps = default_steps(PlanKind.YEARLY)
    assert len(steps) == 33
    assert Counter(s.kind for s in steps) == {
        TouchKind.MARKET_UPDATE: 12,
        TouchKind.VALUE_PIECE: 4,
        TouchKind.HOLIDAY: 4,
        TouchKind.PERSONAL_DATE: 4,
        TouchKind.PHONE_CALL: 8,
        TouchKind.CLIENT_EVENT: 1,
    }
    days = [s.day for s in steps]
    assert len(set(days)) == 33 and min(days) == 0 and max(days) <= 364
    anchors = {s.anchor for s in steps if s.kind == TouchKind.PERSONAL_DATE}
    assert anchors == {DateAnchor.BIRTHDAY, DateAnchor.HOME_ANNIVERSARY, DateAnchor.NONE}
    assert all(s.is_email for s in steps if s.kind in {TouchKind.MARKET_UPDATE, "value_piece"})
    assert not any(s.is_email for s in steps if s.kind == TouchKind.PHONE_CALL)


def test_the_new_contact_plan_is_eight_touches_one_a_week():
    steps = default_steps(PlanKind.EIGHT_BY_EIGHT)
    assert [s.day for s in steps] == [0, 7, 14, 21, 28, 35, 42, 49]
    assert {TouchKind.PHONE_CALL, TouchKind.HANDWRITTEN_NOTE, TouchKind.GIFT} <= {
        s.kind for s in steps
    }


def test_every_new_partnership_starts_with_both_plans_and_ensuring_again_adds_nothing():
    partnership = PartnershipFactory(slug="fresh")
    yearly = plan_template(partnership, PlanKind.YEARLY)
    assert (yearly.length_days, yearly.steps.count()) == (365, 33)
    assert plan_template(partnership, PlanKind.EIGHT_BY_EIGHT).steps.count() == 8
    ensure_templates(partnership)
    assert PlanTemplate.objects.for_partnership(partnership).count() == 2
    assert PlanStep.objects.for_partnership(partnership).count() == 41


def test_the_data_migration_gives_existing_partnerships_their_plans():
    partnership = PartnershipFactory(slug="older")
    PlanTemplate.objects.for_partnership(partnership).delete()
    migration = __import__(
        "advocates.migrations.0002_plan_templates", fromlist=["create_plan_templates"]
    )
    migration.create_plan_templates(django_apps, None)
    migration.create_plan_templates(django_apps, None)  # twice: nothing doubles
    assert PlanStep.objects.for_partnership(partnership).count() == 41


# --- Leadership edits ---------------------------------------------------------------------------


def formset_data(template, change=None):
    steps = list(template.steps.order_by("day", "pk"))
    data = {
        "plan": template.kind,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, step in enumerate(steps):
        row = {
            "id": step.pk,
            "kind": step.kind,
            "title": step.title,
            "day": step.day,
            "anchor": step.anchor,
        }
        if step.is_email:
            row["is_email"] = "on"
        row.update((change or {}).get(i, {}))
        data.update({f"steps-{i}-{k}": v for k, v in row.items() if v is not None})
    return data


def test_leadership_edits_the_steps_in_place_and_the_plan_keeps_33(partnership, leader):
    template = plan_template(partnership, PlanKind.YEARLY)
    client = client_for(partnership, leader)
    page = client.get("/advocates/plans/")
    assert page.status_code == 200
    assert "Editing changes the steps, not their number" in page.text
    assert "touches already dated keep their dates" in page.text

    response = client.post(
        "/advocates/plans/", formset_data(template, {0: {"title": "January outlook", "day": 3}})
    )
    assert response.status_code == 302
    first = template.steps.get(title="January outlook")
    assert first.day == 3
    assert template.steps.count() == 33
    template.refresh_from_db()
    assert template.updated_by == leader.user


def test_an_edit_changes_new_enrolments_and_leaves_dated_touches_alone(partnership, leader):
    template = plan_template(partnership, PlanKind.YEARLY)
    contact = ContactFactory(owner__partnership=partnership)
    today = partnership.today()
    enrolled = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=today)
    before = sorted(enrolled.touches.values_list("due_on", flat=True))
    step = template.steps.get(day=0)
    rows = [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "day": s.day,
            "anchor": s.anchor,
            "is_email": s.is_email,
        }
        for s in template.steps.all()
    ]
    for row in rows:
        if row["id"] == step.pk:
            row["day"] = 1
    update_template(template=template, steps=rows, member=leader)
    assert sorted(enrolled.touches.values_list("due_on", flat=True)) == before
    later = enroll(
        contact=ContactFactory(owner=contact.owner), kind=PlanKind.YEARLY, starts_on=today
    )
    assert not later.touches.filter(due_on=today).exists()


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"drop": True}, "keeps its 33 steps"),
        ({"day": 365}, "between 0 and 364"),
        ({"title": "  "}, "needs a title"),
        ({"kind": "phone_call", "is_email": True}, "cannot be sent as an email"),
        ({"kind": "lunch"}, "choose what kind"),
    ],
)
def test_the_plan_service_refuses_what_would_break_the_plan(partnership, leader, change, reason):
    template = plan_template(partnership, PlanKind.YEARLY)
    rows = [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "day": s.day,
            "anchor": s.anchor,
            "is_email": s.is_email,
        }
        for s in template.steps.order_by("pk")
    ]
    if change.pop("drop", False):
        rows.pop()
    rows[0].update(change)
    before = list(template.steps.order_by("pk").values_list("title", "day", "kind"))
    with pytest.raises(AdvocatesRefused, match=reason):
        update_template(template=template, steps=rows, member=leader)
    assert list(template.steps.order_by("pk").values_list("title", "day", "kind")) == before


def test_a_forged_extra_row_on_the_page_is_refused_and_nothing_saved(partnership, leader):
    template = plan_template(partnership, PlanKind.EIGHT_BY_EIGHT)
    data = formset_data(template, {0: {"title": "Changed"}})
    data.update(
        {
            "steps-TOTAL_FORMS": "9",
            "steps-8-id": "999999",
            "steps-8-kind": "gift",
            "steps-8-title": "Extra",
            "steps-8-day": "3",
            "steps-8-anchor": "",
        }
    )
    response = client_for(partnership, leader).post("/advocates/plans/", data)
    assert response.status_code == 400
    assert template.steps.count() == 8
    assert not template.steps.filter(title="Changed").exists()


def test_members_read_the_plan_and_cannot_change_it(partnership, member):
    template = plan_template(partnership, PlanKind.EIGHT_BY_EIGHT)
    client = client_for(partnership, member)
    page = client.get("/advocates/plans/?plan=eight_by_eight")
    assert page.status_code == 200
    assert "Welcome call" in page.text and "Save the plan" not in page.text
    response = client.post("/advocates/plans/", formset_data(template, {0: {"title": "Mine"}}))
    assert response.status_code == 404
    assert not template.steps.filter(title="Mine").exists()
    with pytest.raises(AdvocatesRefused, match="leadership"):
        update_template(template=template, steps=[], member=member)


def test_leaderships_admin_edits_steps_but_adds_and_deletes_none(partnership, other_partnership):
    leader = LeadershipFactory(partnership=partnership)
    client = client_for(partnership, leader)
    template = plan_template(partnership, PlanKind.YEARLY)
    listing = client.get("/admin/advocates/plantemplate/")
    assert listing.status_code == 200 and "33-touch yearly plan" in listing.text
    change = client.get(f"/admin/advocates/plantemplate/{template.pk}/change/")
    assert change.status_code == 200
    assert 'name="steps-MAX_NUM_FORMS" value="0"' in change.text  # no step added
    assert "steps-0-DELETE" not in change.text  # nor deleted
    assert client.get("/admin/advocates/plantemplate/add/").status_code == 403
    foreign = plan_template(other_partnership, PlanKind.YEARLY)
    assert client.get(f"/admin/advocates/plantemplate/{foreign.pk}/change/").status_code in (
        302,
        404,
    )
