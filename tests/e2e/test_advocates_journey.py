"""A member builds their inner circle in the browser: imports contacts from a CSV (a bad file
first, whose row errors import nothing), enrolls an advocate in the 33-touch plan, marks today's
touch done, records a referral from her (a lead with no welcome email), and starts a reward
experiment whose page shows its chart. Another member opening her contact gets a 404. And a
client answers a satisfaction survey from the emailed link, in a real browser (CSRF included)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advocates.models import Contact, Direction, Interaction, Referral, Segment, Survey
from advocates.services.surveys import send_survey
from advocates.tokens import make_survey_token
from leads.models import FormKind, Lead
from pinnacle.mail.models import OutboxMessage
from tests.advocates.factories import ContactFactory, contact_referral
from tests.e2e.conftest import log_in, member_page
from tests.members.factories import MemberFactory, UserFactory

BAD_CSV = (
    "name,email,segment,birthday\n"
    "Maya Thompson,maya@example.com,Core Advocates,1986-12-03\n"
    ",nobody@example.com,Advocates,\n"
    "Daniel Okafor,not-an-email,Advocates,\n"
)
GOOD_CSV = (
    "Name,Email,Segment,Birthday,Hobbies\n"
    "Maya Thompson,maya@example.com,Core Advocates,1986-12-03,Trail running\n"
    "Daniel Okafor,daniel@example.com,Advocates,,UT football\n"
    "Priya Raman,priya@example.com,Advocates,,Gardening\n"
    "Luis Herrera,luis@example.com,Core Advocates,1979-01-22,\n"
    "Hannah Brooks,hannah@example.com,Advocates,,Live music\n"
    "Sunrise Moving Co.,dispatch@sunrise.example.com,Allied Resources,,\n"
)


@pytest.mark.django_db(transaction=True)
def test_a_member_nurtures_their_inner_circle(page, site, shot, partnership, tmp_path, browser):
    MemberFactory(
        partnership=partnership, display_name="Alice Agent", user=UserFactory(email="a@example.com")
    )
    MemberFactory(
        partnership=partnership, display_name="Olive Other", user=UserFactory(email="o@example.com")
    )
    log_in(page, site, "a@example.com")

    # 1. An empty circle points to the import; a file with bad rows shows why and imports nothing.
    page.goto(f"{site}/advocates/")
    expect(page.get_by_text("Import from CSV").first).to_be_visible()
    page.get_by_role("link", name="Import from CSV").first.click()
    bad, good = tmp_path / "bad.csv", tmp_path / "circle.csv"
    bad.write_text(BAD_CSV)
    good.write_text(GOOD_CSV)
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("2 of 3 rows have errors")).to_be_visible()
    expect(page.get_by_text("The name is missing.")).to_be_visible()
    expect(page.get_by_text("not-an-email is not a valid email address.")).to_be_visible()
    shot("advocates-import-errors")
    assert not Contact.objects.exists()

    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Preview").click()
    shot("advocates-import-preview")
    page.get_by_role("button", name="Import 6 contacts").click()
    expect(page.get_by_role("link", name="Maya Thompson")).to_be_visible()
    shot("advocates-circle")
    assert Contact.objects.count() == 6

    # 2. Maya joins the 33-touch yearly plan from today.
    page.get_by_role("link", name="Maya Thompson").click()
    maya_url = page.url
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("33 touches").first).to_be_visible()
    maya = Contact.objects.get(email="maya@example.com")
    assert maya.touches.count() == 33

    # 3. Today's touch (the first monthly market update) is marked done and logged.
    page.goto(f"{site}/advocates/touches/")
    expect(page.get_by_text("Monthly market update (1 of 12)")).to_be_visible()
    shot("advocates-touches")
    row = page.get_by_role("row").filter(has_text="Monthly market update (1 of 12)")
    row.get_by_role("button", name="Mark done").click()
    expect(row).to_have_count(0)  # done: off the list of touches due
    assert Interaction.objects.filter(contact=maya, touch__isnull=False).count() == 1

    # 4. Maya refers a friend: a lead joins intake through the new entry point, no welcome.
    page.goto(f"{site}/advocates/referrals/new/")
    page.get_by_label("Contact").select_option(label="Maya Thompson")
    page.get_by_label("Referred person's name").fill("Nina Castillo")
    page.get_by_label("Their email").fill("nina@example.com")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_role("heading", name="Nina Castillo")).to_be_visible()
    shot("advocates-referral")
    lead = Lead.objects.get(email="nina@example.com")
    assert lead.submissions.get().form == FormKind.ADVOCATE_REFERRAL
    assert not OutboxMessage.objects.filter(to_email="nina@example.com").exists()
    assert Referral.objects.get().lead == lead

    # 5. A reward experiment over the advocates, and its page with the chart.
    page.goto(f"{site}/advocates/experiments/new/")
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_role("heading", name="Referrals per contact over time")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_be_visible()
    shot("advocates-experiment")

    # Another member of the partnership gets nothing of Alice's circle.
    other = log_in(browser.new_context().new_page(), site, "o@example.com")
    response = other.goto(maya_url)
    assert response.status == 404


@pytest.mark.django_db(transaction=True)
def test_a_client_answers_the_satisfaction_survey_from_the_emailed_link(
    page, site, shot, partnership
):
    alice = MemberFactory(
        partnership=partnership, display_name="Alice Agent", user=UserFactory(email="a@example.com")
    )
    survey = send_survey(owner=alice, name="Casey Client", email="casey@example.com")
    page.goto(f"{site}/survey/{make_survey_token(survey)}/")
    expect(page.get_by_role("heading", name="How did we do, Casey Client?")).to_be_visible()
    for question, score in (
        ("communication", 7),
        ("quality", 9),
        ("value", 8),
        ("satisfaction", 9),
    ):
        page.locator(f"input[name={question}][value='{score}']").check()
    page.locator("textarea").fill("Always knew where things stood.")
    shot("advocates-survey")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you, Casey Client")).to_be_visible()
    survey.refresh_from_db()
    assert (survey.communication, survey.quality, survey.value, survey.satisfaction) == (7, 9, 8, 9)
    assert survey.comment == "Always knew where things stood."


# Twelve clients whose quality and value ratings weigh about the same: no factor is named.
NOISY_ANSWERS = (
    (3, 7, 6, 6),
    (8, 4, 5, 6),
    (5, 5, 9, 7),
    (2, 9, 3, 5),
    (9, 2, 8, 7),
    (6, 6, 4, 5),
    (4, 8, 8, 8),
    (7, 3, 2, 4),
    (1, 6, 7, 6),
    (10, 9, 5, 8),
    (5, 1, 6, 4),
    (3, 10, 10, 9),
)


@pytest.mark.django_db(transaction=True)
def test_the_weights_show_their_uncertainty_and_the_scorecard_its_two_axes(
    site, browser, partnership, shot_sizes
):
    alice = MemberFactory(
        partnership=partnership, display_name="Alice Agent", user=UserFactory(email="a@example.com")
    )
    Survey.objects.bulk_create(
        Survey(
            partnership=partnership,
            owner=alice,
            name=f"Client {i}",
            email=f"c{i}@example.com",
            answered_at=timezone.now(),
            communication=c,
            quality=q,
            value=v,
            satisfaction=s,
        )
        for i, (c, q, v, s) in enumerate(NOISY_ANSWERS)
    )
    today = timezone.localdate()
    anchor = ContactFactory(
        owner=alice, name="Anchor Title", segment=Segment.ALLIED_RESOURCES, service_rating=10
    )
    for day in (3, 4, 5, 6):
        contact_referral(anchor, Direction.SENT, received_on=today - datetime.timedelta(days=day))
    contact_referral(anchor, Direction.RECEIVED, received_on=today - datetime.timedelta(days=8))
    one_way = ContactFactory(
        owner=alice, name="Oneway Movers", segment=Segment.ALLIED_RESOURCES, service_rating=9
    )
    for day in (3, 4, 5):
        contact_referral(one_way, Direction.SENT, received_on=today - datetime.timedelta(days=day))
    ContactFactory(
        owner=alice, name="Sloppy Inspections", segment=Segment.ALLIED_RESOURCES, service_rating=4
    )

    page = member_page(browser, site, "a@example.com")
    page.goto(f"{site}/advocates/satisfaction/")
    expect(page.get_by_text("No factor is clearly ahead yet.")).to_be_visible()
    for header in ("Estimate", "Standard error", "95% interval"):
        expect(page.get_by_role("columnheader", name=header)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="perceived value")).to_contain_text(" to ")
    shot_sizes(page, "advocates-satisfaction")

    page.goto(f"{site}/advocates/allied/")
    expect(page.get_by_role("columnheader", name="Service quality")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Reciprocity, 12 months")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Oneway Movers")).to_contain_text(
        "one-way: you sent them 3 referrals in 12 months and received none"
    )
    expect(page.get_by_role("row").filter(has_text="Sloppy Inspections")).to_contain_text(
        "service quality 4.00 is under 6"
    )
    expect(page.get_by_role("row").filter(has_text="Anchor Title")).not_to_contain_text("Weak")
    shot_sizes(page, "advocates-scorecard")
