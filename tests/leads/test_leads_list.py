"""The partnership's leads list: every member sees every lead, searches, filters and sorts."""

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone

from leads.models import Channel, Lead, Need, Timeframe
from leads.templatetags.leads_tags import short_date
from members import services
from members.models import Member
from pinnacle import pagination
from pinnacle.mail.models import Suppression
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def names(response) -> list[str]:
    return [lead.name for lead in response.context["page"].object_list]


@pytest.fixture
def bob(partnership):
    return MemberFactory(partnership=partnership, display_name="Bob Broker")


@pytest.fixture
def leads(partnership, member, bob):
    """Three leads with different everything."""
    return {
        "dana": LeadFactory(
            partnership=partnership,
            name="Dana Prospect",
            email="dana@example.com",
            phone="(512) 555-0199",
            need=Need.BUY,
            channel=Channel.WEBSITE,
            referring_member=member,
        ),
        "evan": LeadFactory(
            partnership=partnership,
            name="Evan Seller",
            email="evan.s@mail.example",
            phone="",
            need=Need.SELL,
            timeframe=Timeframe.NOW,
            channel=Channel.FACEBOOK,
            utm={"utm_source": "facebook", "utm_campaign": "spring"},
            referring_member=bob,
        ),
        "fay": LeadFactory(
            partnership=partnership,
            name="fay Investor",
            email="fay@example.org",
            phone="512.555.0142",
            need=Need.INVEST,
            channel=Channel.INSTAGRAM,
        ),
    }


def test_anonymous_visitors_are_sent_to_log_in(anon_client):
    response = anon_client.get("/leads/?q=dana")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/leads/")


def test_a_member_of_another_partnership_gets_404(partnership, other_member):
    assert client_for(partnership, other_member).get("/leads/").status_code == 404


def test_every_member_sees_all_the_partnerships_leads_and_only_those(
    member_client, leads, other_partnership
):
    LeadFactory(partnership=other_partnership, name="Olga Elsewhere")
    response = member_client.get("/leads/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Dana Prospect", "Evan Seller", "fay Investor"]
    assert "Olga Elsewhere" not in response.text
    # What the table shows for a lead.
    page = response.text
    assert f'href="/leads/{leads["dana"].pk}/"' in page
    for text in ("dana@example.com", "(512) 555-0199", "Buy a home", "Within 3 months", "Website"):
        assert text in page
    assert "Bob Broker" in page and "Unassigned" in page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dana", ["Dana Prospect"]),
        ("SELLER", ["Evan Seller"]),
        ("mail.example", ["Evan Seller"]),
        ("example.org", ["fay Investor"]),
        ("555-0199", ["Dana Prospect"]),
        # Phone numbers match whatever punctuation either side uses.
        ("512 555 0142", ["fay Investor"]),
        ("nobody", []),
    ],
)
def test_search_by_name_email_or_phone(member_client, leads, q, expected):
    assert names(member_client.get("/leads/", {"q": q})) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"channel": "facebook"}, ["Evan Seller"]),
        ({"need": "invest"}, ["fay Investor"]),
        ({"referrer": "none"}, ["fay Investor"]),
        ({"need": "buy", "channel": "facebook"}, []),
        # Unknown values are ignored rather than emptying the list.
        ({"channel": "carrier-pigeon"}, ["fay Investor", "Evan Seller", "Dana Prospect"]),
    ],
)
def test_filters(member_client, leads, params, expected):
    assert names(member_client.get("/leads/", params)) == expected


def test_filter_by_referring_member(member_client, leads, bob, other_member):
    assert names(member_client.get("/leads/", {"referrer": bob.pk})) == ["Evan Seller"]
    # Another partnership's member is not a choice at all.
    response = member_client.get("/leads/", {"referrer": other_member.pk})
    assert len(names(response)) == 3
    assert "Oscar Other" not in response.text


def referrer_options(response) -> str:
    html = response.text
    return html[html.index('<select name="referrer"') :].split("</select>")[0]


def test_the_referred_by_choices_are_read_once_until_a_member_changes(
    member_client, partnership, bob, leader
):
    assert ">Bob Broker</option>" in referrer_options(member_client.get("/leads/"))

    # A write no service knows of: the filter keeps the name it read.
    Member.objects.filter(pk=bob.pk).update(display_name="Bob Renamed")
    assert ">Bob Broker</option>" in referrer_options(member_client.get("/leads/"))

    # The services that rename a member, or change them in the admin, refresh it.
    bob.refresh_from_db()
    services.update_profile(
        member=bob, fields={"display_name": "Bob Lakeside"}, image_changes={}, actor=bob.user
    )
    assert ">Bob Lakeside</option>" in referrer_options(member_client.get("/leads/"))
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    services.member_changed_by_leadership(
        member=bob, actor=leader.user, changed_fields=["is_active"]
    )
    options = referrer_options(member_client.get("/leads/", {"referrer": bob.pk}))
    assert f'<option value="{bob.pk}" selected>Bob Lakeside (inactive)</option>' in options


def test_filter_by_opt_out_matches_the_address_whatever_its_case(
    member_client, leads, partnership, other_partnership
):
    Suppression.objects.create(
        partnership=partnership, email="EVAN.S@Mail.Example", reason="manual"
    )
    # Opting out of another partnership does not opt out of this one.
    Suppression.objects.create(
        partnership=other_partnership, email="dana@example.com", reason="manual"
    )

    opted_out = member_client.get("/leads/", {"opted_out": "yes"})
    assert names(opted_out) == ["Evan Seller"]
    assert "Opted out</span>" in opted_out.text
    assert names(member_client.get("/leads/", {"opted_out": "no"})) == [
        "fay Investor",
        "Dana Prospect",
    ]


def test_date_range_is_inclusive_in_the_partnership_timezone(
    member_client, partnership, time_machine
):
    def lead_at(name, moment):
        time_machine.move_to(moment, tick=False)
        return LeadFactory(partnership=partnership, name=name)

    # 23:30 on March 9 in New York is already March 10 in UTC.
    lead_at("Late Ninth", datetime.datetime(2025, 3, 9, 23, 30, tzinfo=NEW_YORK))
    lead_at("Early Tenth", datetime.datetime(2025, 3, 10, 0, 15, tzinfo=NEW_YORK))
    lead_at("Late Twelfth", datetime.datetime(2025, 3, 12, 23, 59, tzinfo=NEW_YORK))
    lead_at("Thirteenth", datetime.datetime(2025, 3, 13, 0, 1, tzinfo=NEW_YORK))

    window = {"created_from": "2025-03-10", "created_to": "2025-03-12"}
    assert names(member_client.get("/leads/", window)) == ["Late Twelfth", "Early Tenth"]
    assert names(member_client.get("/leads/", {"created_to": "2025-03-09"})) == ["Late Ninth"]
    assert names(member_client.get("/leads/", {"created_from": "2025-03-13"})) == ["Thirteenth"]


def test_a_backwards_date_range_says_so_and_keeps_the_start(member_client, partnership):
    LeadFactory(partnership=partnership, name="Today")
    today = timezone.localdate()
    response = member_client.get(
        "/leads/",
        {"created_from": today.isoformat(), "created_to": str(today - datetime.timedelta(3))},
    )
    assert response.status_code == 200
    assert "Choose a date on or after the" in response.text
    assert names(response) == ["Today"]


def test_my_leads_tab(member_client, leads, member):
    everyone = member_client.get("/leads/")
    assert 'My leads <span class="tab-count">(1)</span>' in everyone.text
    mine = member_client.get("/leads/", {"mine": "1"})
    assert names(mine) == ["Dana Prospect"]
    assert '<a href="?mine=1" aria-current="page">My leads' in mine.text
    # The tab keeps the search, and the search form keeps the tab.
    assert names(member_client.get("/leads/", {"mine": "1", "need": "sell"})) == []
    assert '<input type="hidden" name="mine" value="1">' in mine.text


def test_my_leads_empty_state_points_to_the_referral_link(partnership, bob, leads):
    newcomer = MemberFactory(partnership=partnership, display_name="New Comer")
    response = client_for(partnership, newcomer).get("/leads/", {"mine": "1"})
    assert "No leads name you as their referrer yet." in response.text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Third", "second", "First"]),
        ("oldest", ["First", "second", "Third"]),
        ("name", ["First", "second", "Third"]),
        ("activity", ["second", "First", "Third"]),
    ],
)
def test_sorting(member_client, partnership, time_machine, sort, expected):
    start = datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC)
    for day, name, active_day in [(0, "First", 8), (1, "second", 9), (2, "Third", 2)]:
        time_machine.move_to(start + datetime.timedelta(days=day), tick=False)
        LeadFactory(
            partnership=partnership,
            name=name,
            last_submitted_at=start + datetime.timedelta(days=active_day),
        )
    assert names(member_client.get("/leads/", {"sort": sort})) == expected


def test_column_headers_sort_and_reverse(member_client, leads):
    page = member_client.get("/leads/", {"sort": "newest", "need": "buy"}).text
    assert 'aria-sort="descending"' in page
    assert 'href="?sort=oldest&amp;need=buy"' in page  # First seen, clicked again


def _bulk_leads(partnership, count, referrer=None, **fields):
    now = timezone.now()
    Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Bulk Lead {n:05d}",
            email=f"bulk{n}@example.com",
            need=Need.BUY,
            timeframe=Timeframe.NOW,
            last_submitted_at=now,
            referring_member=referrer if n % 2 else None,
            **fields,
        )
        for n in range(count)
    )


def test_pagination_keeps_the_filters(member_client, partnership, member):
    _bulk_leads(partnership, 60, referrer=member, channel=Channel.LINKEDIN)
    LeadFactory(partnership=partnership, channel=Channel.WEBSITE)

    first = member_client.get("/leads/", {"channel": "linkedin", "sort": "name"})
    assert len(names(first)) == 25
    assert "Showing 1&ndash;25 of <strong>60</strong> leads" in first.text
    assert 'href="?channel=linkedin&amp;sort=name&amp;page=2"' in first.text

    last = member_client.get("/leads/", {"channel": "linkedin", "sort": "name", "page": "3"})
    assert names(last) == [f"Bulk Lead {n:05d}" for n in range(50, 60)]
    # Out-of-range pages show the last page instead of failing.
    assert names(member_client.get("/leads/", {"channel": "linkedin", "page": "99"}))


def test_a_long_list_counts_up_to_the_cap_and_still_pages_past_it(
    member_client, partnership, member, monkeypatch
):
    # The cap is 10,000 leads; at 60 leads, a cap of 30 shows the same thing.
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    _bulk_leads(partnership, 60, referrer=member, channel=Channel.LINKEDIN)
    params = {"channel": "linkedin", "sort": "name"}

    first = member_client.get("/leads/", params)
    assert "Showing 1&ndash;25 of <strong>30+</strong> leads" in first.text
    assert "All leads, page 1</caption>" in first.text
    # The last pages are not known: the numbers stop after the next page.
    pages = first.text[first.text.index('<ul class="page-numbers">') :].split("</ul>")[0]
    assert 'aria-label="Page 2"' in pages and "&hellip;" in pages
    assert 'aria-label="Page 3"' not in pages
    assert 'href="?channel=linkedin&amp;sort=name&amp;page=2" rel="next"' in first.text

    # The page the cap falls in is a whole page, with a next one (30 is not a multiple of 25).
    second = member_client.get("/leads/", {**params, "page": "2"})
    assert names(second) == [f"Bulk Lead {n:05d}" for n in range(25, 50)]
    assert 'href="?channel=linkedin&amp;sort=name&amp;page=3" rel="next"' in second.text

    # A page past the cap counts every lead, and reads its rows like any other page.
    last = member_client.get("/leads/", {**params, "page": "3"})
    assert names(last) == [f"Bulk Lead {n:05d}" for n in range(50, 60)]
    assert "Showing 51&ndash;60 of <strong>60</strong> leads" in last.text
    assert "All leads, page 3 of 3</caption>" in last.text
    assert names(member_client.get("/leads/", {**params, "page": "99"})) == names(last)


def test_empty_states(member_client, partnership):
    assert "No leads yet." in member_client.get("/leads/").text

    LeadFactory(partnership=partnership, name="Someone")
    response = member_client.get("/leads/", {"q": "nobody"})
    assert "No leads match &ldquo;nobody&rdquo;." in response.text
    assert '<a class="button secondary" href="/leads/">Clear filters</a>' in response.text


def test_export_and_compliance_links_are_for_leadership_only(member_client, leader_client, leads):
    member_page = member_client.get("/leads/", {"channel": "facebook"}).text
    assert "Export CSV" not in member_page and "Response compliance" not in member_page

    leader_page = leader_client.get("/leads/", {"channel": "facebook", "page": "1"}).text
    assert 'href="/leads/export.csv?channel=facebook"' in leader_page
    assert 'href="/leads/compliance/"' in leader_page


def test_nav_links_to_the_leads_list(member_client):
    assert '<a href="/leads/">Leads</a>' in member_client.get("/dashboard/").text


# Partnership, user, membership, my-leads count, page count, page rows, and one for every
# column other apps add (the outreach app's policy state of the viewer with each lead, the newest
# transaction the viewer may see). The "Referred by" filter's members come from the cache once a
# request has read them.
LIST_QUERIES = 7


@pytest.mark.parametrize("count", [10, 1000])
def test_query_count_does_not_grow_with_the_leads(
    member_client, partnership, member, count, django_assert_num_queries
):
    started = time.monotonic()
    _bulk_leads(partnership, count, referrer=member, channel=Channel.FACEBOOK)
    Suppression.objects.create(partnership=partnership, email="BULK1@example.com", reason="manual")
    assert time.monotonic() - started < 10

    params = {"q": "bulk", "channel": "facebook", "opted_out": "", "sort": "activity"}
    member_client.get("/leads/")  # reads the members of the "Referred by" filter
    with django_assert_num_queries(LIST_QUERIES):
        response = member_client.get("/leads/", params)
    assert response.status_code == 200
    assert len(names(response)) == min(count, 25)
    with django_assert_num_queries(LIST_QUERIES):
        assert member_client.get("/leads/", {**params, "page": "2", "mine": "1"}).status_code == 200


def test_a_page_of_rows_renders_no_template_per_row(member_client, partnership, member):
    # The columns other apps add (outreach, transaction) write their cells in Python: an
    # include per cell cost more than the rest of the row.
    LeadFactory(partnership=partnership, referring_member=member)
    one_row = [t.name for t in member_client.get("/leads/").templates]
    _bulk_leads(partnership, 24, referrer=member)
    full_page = member_client.get("/leads/")
    assert len(names(full_page)) == 25
    assert [t.name for t in full_page.templates] == one_row


def test_the_filters_selects_render_no_template_per_option(member_client, leads):
    response = member_client.get("/leads/", {"channel": "facebook", "sort": "name"})
    assert names(response) == ["Evan Seller"]
    assert '<option value="facebook" selected>Facebook</option>' in response.text
    assert not [t.name for t in response.templates if "select" in t.name]


def test_a_rows_date_is_short_this_year_with_the_full_time_on_hover():
    moment = datetime.datetime(2026, 3, 4, 14, 30, tzinfo=datetime.UTC)
    with timezone.override(NEW_YORK):
        assert short_date(moment, "2026") == (
            '<time datetime="2026-03-04T09:30:00-05:00" title="March 4, 2026, 9:30 a.m.">'
            "Mar 4</time>"
        )
        assert short_date(moment, "2027").endswith(">Mar 4, 2026</time>")
        assert short_date(moment, "").endswith(">Mar 4, 2026</time>")
