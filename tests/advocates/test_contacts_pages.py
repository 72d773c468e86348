"""The inner circle's pages: the list, adding, editing and deleting contacts, the contact's page
with its forms, the weights, and who may see what."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from advocates.models import (
    CircleSettings,
    Contact,
    Interaction,
    InteractionKind,
    Segment,
    SegmentChange,
    ServiceRecord,
)
from advocates.services import AdvocatesRefused
from advocates.services.contacts import create_contact, update_contact
from tests.advocates.factories import ContactFactory, InteractionFactory, ServiceRecordFactory
from tests.conftest import client_for
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 1, 15, tzinfo=datetime.UTC)

CONTACT_URLS = (
    "advocates_contact",
    "advocates_contact_edit",
    "advocates_contact_delete",
    "advocates_contact_move",
    "advocates_contact_log",
    "advocates_contact_history",
    "advocates_contact_email",
)


def bulk_contacts(owner, n):
    Contact.objects.bulk_create(
        Contact(
            partnership=owner.partnership,
            owner=owner,
            name=f"Bulk {i:04d}",
            email=f"bulk{i}@example.net",
            segment=Segment.values[i % 3],
            strength=Decimal(i % 100),
        )
        for i in range(n)
    )


# --- Privacy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONTACT_URLS)
def test_another_member_and_leadership_get_404_on_a_members_contact(name, member, leader):
    contact = ContactFactory(owner=member)
    colleague = MemberFactory(partnership=member.partnership)
    url = reverse(name, kwargs={"pk": contact.pk})
    for viewer in (colleague, leader):
        client = client_for(member.partnership, viewer)
        assert client.get(url).status_code in (404, 405)
        assert client.post(url).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_list_shows_only_the_members_own_contacts(member, member_client):
    ContactFactory(owner=member, name="Maya Thompson")
    ContactFactory(owner=MemberFactory(partnership=member.partnership), name="Someone Elses")
    page = member_client.get(reverse("advocates")).content.decode()
    assert "Maya Thompson" in page
    assert "Someone Elses" not in page


# --- The list -----------------------------------------------------------------------------------


def test_empty_circle_points_to_add_and_import(member_client):
    page = member_client.get(reverse("advocates")).content.decode()
    assert "Nobody in your inner circle yet" in page
    assert reverse("advocates_contact_new") in page
    assert reverse("advocates_import") in page


def test_list_is_strongest_first_with_the_factors_and_the_partner_badge(member, member_client):
    partner = MemberFactory(partnership=member.partnership, display_name="Gina Greenleaf")
    ContactFactory(owner=member, name="Anna Weak", strength=Decimal(10))
    ContactFactory(
        owner=member,
        name="Strong Sam",
        strength=Decimal(80),
        frequency_points=Decimal(90),
        reciprocal_points=Decimal(75),
        appreciation_points=Decimal(60),
        linked_member=partner,
    )
    page = member_client.get(reverse("advocates")).content.decode()
    assert page.index("Strong Sam") < page.index("Anna Weak")
    assert "F 90 · R 75 · A 60" in page
    assert "Partner: Gina Greenleaf" in page
    by_name = member_client.get(reverse("advocates"), {"sort": "name"}).content.decode()
    assert by_name.index("Anna Weak") < by_name.index("Strong Sam")


def test_newest_sort_puts_the_last_added_first(member, member_client):
    ContactFactory(owner=member, name="Aaron First")
    ContactFactory(owner=member, name="Zed Latest")
    page = member_client.get(reverse("advocates"), {"sort": "newest"}).content.decode()
    assert page.index("Zed Latest") < page.index("Aaron First")


def test_search_covers_name_email_company_and_service(member, member_client):
    ContactFactory(owner=member, name="Maya", email="maya@example.com")
    ContactFactory(owner=member, name="Sunrise", company="Sunrise Moving", service="Moves")
    ContactFactory(owner=member, name="Greenleaf", service="Landscaping")
    for query, expected in (
        ("maya@", "Maya"),
        ("moving", "Sunrise"),
        ("landscap", "Greenleaf"),
    ):
        page = member_client.get(reverse("advocates"), {"q": query}).content.decode()
        assert expected in page
        others = {"Maya", "Sunrise", "Greenleaf"} - {expected}
        assert not any(f">{name}</a>" in page for name in others), query


def test_segment_tabs_filter_and_count(member, member_client):
    ContactFactory(owner=member, name="Ally One", segment=Segment.ALLIED_RESOURCES)
    ContactFactory(owner=member, name="Ally Two", segment=Segment.ALLIED_RESOURCES)
    ContactFactory(owner=member, name="Core One", segment=Segment.CORE_ADVOCATES)
    response = member_client.get(reverse("advocates"), {"segment": "allied_resources"})
    page = response.content.decode()
    assert "Ally One" in page and "Core One" not in page
    assert response.context["tabs"] == [
        ("", "All", 3),
        ("allied_resources", "Allied Resources", 2),
        ("advocates", "Advocates", 0),
        ("core_advocates", "Core Advocates", 1),
    ]


@pytest.mark.parametrize("rows", [10, 1000])
def test_list_query_count_does_not_grow_with_rows(
    rows, member, member_client, django_assert_num_queries
):
    bulk_contacts(member, rows)
    member_client.get(reverse("advocates"))  # warm the session
    # session, user, member, count, page, segment counts
    with django_assert_num_queries(6):
        response = member_client.get(reverse("advocates"), {"q": "bulk", "sort": "name"})
    assert response.status_code == 200


# --- Add, edit, delete --------------------------------------------------------------------------


def test_member_adds_a_contact_with_every_data_point(member, member_client):
    partner = MemberFactory(partnership=member.partnership, display_name="Paul Partner")
    response = member_client.post(
        reverse("advocates_contact_new"),
        {
            "name": "Maya Thompson",
            "segment": Segment.CORE_ADVOCATES,
            "linked_member": partner.pk,
            "email": "Maya@Example.com",
            "phone": "512-555-0141",
            "company": "Austin YP",
            "service": "Networking",
            "service_rating": "8",
            "mailing_address": "1 Elm St",
            "family": "Twins",
            "hobbies": "Running",
            "interests": "Newsletters",
            "birthday": "1986-12-03",
            "home_anniversary": "2021-06-18",
            "notes": "Met at the open house",
        },
    )
    contact = Contact.objects.get(owner=member)
    assert response.status_code == 302
    assert response["Location"] == reverse("advocates_contact", args=[contact.pk])
    assert contact.email == "maya@example.com"
    assert contact.linked_member == partner
    assert contact.birthday == datetime.date(1986, 12, 3)
    assert contact.service_rating == 8
    assert SegmentChange.objects.get(contact=contact).to_segment == Segment.CORE_ADVOCATES


def test_the_form_offers_active_partner_members_but_not_yourself(member, member_client):
    MemberFactory(partnership=member.partnership, display_name="Active Ann")
    MemberFactory(partnership=member.partnership, display_name="Gone Gary", is_active=False)
    MemberFactory(display_name="Foreign Fred")
    page = member_client.get(reverse("advocates_contact_new")).content.decode()
    assert "Active Ann" in page
    assert "Gone Gary" not in page and "Foreign Fred" not in page
    assert f">{member.display_name}<" not in page
    assert "None: an outside contact" in page


def test_a_duplicate_email_is_refused_with_a_clear_message(member, member_client):
    ContactFactory(owner=member, email="maya@example.com")
    response = member_client.post(
        reverse("advocates_contact_new"),
        {"name": "Maya", "segment": "advocates", "email": "MAYA@example.com"},
    )
    assert response.status_code == 400
    assert "maya@example.com is already in your inner circle." in response.content.decode()
    assert Contact.objects.filter(owner=member).count() == 1


def test_editing_keeps_the_same_rules_as_adding(member):
    ContactFactory(owner=member, email="taken@example.com")
    contact = ContactFactory(owner=member, email="mine@example.com")
    with pytest.raises(
        AdvocatesRefused, match=r"taken@example\.com is already in your inner circle"
    ):
        update_contact(contact=contact, name="Mine", email="taken@example.com")
    with pytest.raises(AdvocatesRefused, match="yourself"):
        update_contact(contact=contact, name="Mine", linked_member=member)
    inactive = MemberFactory(partnership=member.partnership, is_active=False)
    with pytest.raises(AdvocatesRefused, match="no longer an active"):
        update_contact(contact=contact, name="Mine", linked_member=inactive)
    with pytest.raises(AdvocatesRefused, match="1 to 10"):
        update_contact(contact=contact, name="Mine", service_rating=11)
    contact.refresh_from_db()
    assert contact.email == "mine@example.com"


def test_a_partner_member_is_one_contact_per_circle(member):
    partner = MemberFactory(partnership=member.partnership, display_name="Paul Partner")
    create_contact(owner=member, name="Paul", linked_member=partner)
    other = create_contact(owner=member, name="Someone")
    with pytest.raises(AdvocatesRefused, match="Paul Partner is already in your inner circle"):
        update_contact(contact=other, name="Someone", linked_member=partner)


def test_member_edits_a_contact(member, member_client):
    contact = ContactFactory(owner=member, name="Maya", segment=Segment.ADVOCATES)
    form = member_client.get(reverse("advocates_contact_edit", args=[contact.pk]))
    assert 'name="segment"' not in form.content.decode()  # moved on the contact page instead
    response = member_client.post(
        reverse("advocates_contact_edit", args=[contact.pk]),
        {"name": "Maya Thompson", "email": contact.email, "hobbies": "Pottery"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.hobbies, contact.segment) == (
        "Maya Thompson",
        "Pottery",
        Segment.ADVOCATES,
    )


def test_delete_asks_first_then_deletes_on_post(member, member_client):
    contact = ContactFactory(owner=member, name="Maya")
    InteractionFactory(contact=contact)
    url = reverse("advocates_contact_delete", args=[contact.pk])
    assert "Remove Maya from your inner circle?" in member_client.get(url).content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert member_client.post(url)["Location"] == reverse("advocates")
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Interaction.objects.filter(contact_id=contact.pk).exists()


# --- The contact's page -------------------------------------------------------------------------


def test_contact_page_shows_details_breakdown_history_and_sections(member, member_client):
    contact = ContactFactory(
        owner=member,
        name="Maya",
        family="Twins Ava and Leo",
        frequency_points=Decimal(50),
        reciprocal_points=Decimal(25),
        appreciation_points=Decimal(100),
        strength=Decimal(50),
    )
    SegmentChange.objects.create(
        partnership=member.partnership, contact=contact, to_segment=Segment.ADVOCATES
    )
    ServiceRecordFactory(contact=contact, service="Staged the living room", client_rating=9)
    response = member_client.get(reverse("advocates_contact", args=[contact.pk]))
    page = response.content.decode()
    assert "Twins Ava and Leo" in page
    assert "Staged the living room" in page and "9 / 10" in page
    factors = response.context["factors"]
    assert [(f["points"], f["weight"], f["contribution"]) for f in factors] == [
        (Decimal(50), Decimal("0.40"), Decimal("20.0000")),
        (Decimal(25), Decimal("0.40"), Decimal("10.0000")),
        (Decimal(100), Decimal("0.20"), Decimal("20.0000")),
    ]
    assert "33 logged interactions in 12 months" in page
    # The other parts' sections (plans, referrals, surveys) render below the contact's own.
    assert response.context["contact_sections"]
    assert all(section in page for section in response.context["contact_sections"])


def test_contact_page_query_count_does_not_grow_with_the_log(
    member, member_client, django_assert_num_queries
):
    contact = ContactFactory(owner=member)
    member_client.get(reverse("advocates_contact", args=[contact.pk]))

    def visit():
        return member_client.get(reverse("advocates_contact", args=[contact.pk]))

    Interaction.objects.bulk_create(
        Interaction(
            partnership=member.partnership,
            contact=contact,
            owner=member,
            kind=InteractionKind.CALL,
            occurred_at=NOW,
        )
        for _ in range(5)
    )
    with django_assert_num_queries(16) as few:
        visit()
    Interaction.objects.bulk_create(
        Interaction(
            partnership=member.partnership,
            contact=contact,
            owner=member,
            kind=InteractionKind.CALL,
            occurred_at=NOW,
        )
        for _ in range(200)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        visit()


def test_member_moves_a_contact_to_another_segment(member, member_client):
    contact = create_contact(owner=member, name="Maya")
    response = member_client.post(
        reverse("advocates_contact_move", args=[contact.pk]),
        {"segment": Segment.CORE_ADVOCATES, "reason": "Sent three referrals"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.segment == Segment.CORE_ADVOCATES
    page = member_client.get(reverse("advocates_contact", args=[contact.pk])).content.decode()
    assert "Advocates &rarr; Core Advocates" in page and "Sent three referrals" in page


def test_moving_to_the_same_segment_says_so(member, member_client):
    contact = create_contact(owner=member, name="Maya")
    response = member_client.post(
        reverse("advocates_contact_move", args=[contact.pk]), {"segment": Segment.ADVOCATES}
    )
    assert response.status_code == 400
    assert "Maya is already in Advocates." in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_member_logs_a_meeting_in_the_partnerships_time_and_the_score_moves(member, member_client):
    contact = ContactFactory(owner=member)
    response = member_client.post(
        reverse("advocates_contact_log", args=[contact.pk]),
        {"kind": InteractionKind.MEETING, "occurred_at": "2026-05-30T09:30", "summary": "Coffee"},
    )
    assert response.status_code == 302
    logged = Interaction.objects.get(contact=contact)
    local = member.partnership.localtime(logged.occurred_at)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2026, 5, 30), 9, 30)
    contact.refresh_from_db()
    assert contact.frequency_points == Decimal("3.03")  # 1 of 33


@time_machine.travel(NOW, tick=False)
def test_a_future_interaction_is_refused_on_the_page(member, member_client):
    contact = ContactFactory(owner=member)
    response = member_client.post(
        reverse("advocates_contact_log", args=[contact.pk]),
        {"kind": InteractionKind.CALL, "occurred_at": "2026-07-01T09:30"},
    )
    assert response.status_code == 400
    assert "cannot be logged in the future" in response.content.decode()
    assert not Interaction.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_member_adds_a_transaction_to_the_history(member, member_client):
    contact = ContactFactory(owner=member)
    url = reverse("advocates_contact_history", args=[contact.pk])
    response = member_client.post(
        url,
        {
            "happened_on": "2026-05-02",
            "service": "Bought on Elm St",
            "feedback": "Loved it",
            "client_rating": "10",
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get(contact=contact)
    assert (record.happened_on, record.client_rating) == (datetime.date(2026, 5, 2), 10)
    bad = member_client.post(
        url, {"happened_on": "2026-05-02", "service": "X", "client_rating": "11"}
    )
    assert bad.status_code == 400
    future = member_client.post(url, {"happened_on": "2027-01-01", "service": "X"})
    assert "cannot be recorded in the future" in future.content.decode()
    assert ServiceRecord.objects.count() == 1


# --- Weights ------------------------------------------------------------------------------------


def test_weights_form_saves_and_reweighs(member, member_client):
    contact = ContactFactory(
        owner=member,
        frequency_points=Decimal(100),
        reciprocal_points=Decimal(0),
        appreciation_points=Decimal(0),
        strength=Decimal(40),
    )
    page = member_client.get(reverse("advocates_settings")).content.decode()
    assert 'value="0.40"' in page and 'value="0.20"' in page
    response = member_client.post(
        reverse("advocates_settings"),
        {"frequency": "0.60", "reciprocal": "0.20", "appreciation": "0.20"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.strength == Decimal(60)


def test_weights_that_do_not_add_up_to_one_show_why(member, member_client):
    response = member_client.post(
        reverse("advocates_settings"),
        {"frequency": "0.50", "reciprocal": "0.50", "appreciation": "0.10"},
    )
    assert response.status_code == 400
    assert "The weights must add up to 1; these add up to 1.1." in response.content.decode()
    assert not CircleSettings.objects.exists()
