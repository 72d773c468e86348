import datetime
import re
from email.utils import parseaddr

import pytest
from django.core import mail

from leads.models import Channel, FormKind, Inquiry, Lead, Submission
from leads.services import LeadRefused
from leads.services.intake import referrer_choices, submit_lead
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


def form_data(referrer="none", **overrides):
    return {
        "name": "Dana Prospect",
        "email": "Dana@Example.com",
        "phone": "(512) 555-0199",
        "need": "buy",
        "timeframe": "3m",
        "referrer": referrer,
        "message": "Looking for a starter home.",
        "consent": "on",
        "website": "",
        **overrides,
    }


@pytest.fixture
def referrer(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Rita Referrer",
        slug="rita-referrer",
        job_title="REALTOR\u00ae",
        cell_phone="(512) 555-0101",
    )


def deliver_all():
    for message in OutboxMessage.objects.order_by("pk"):
        delivery.deliver(message.pk)


def sent_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_referral_link_preselects_the_referrer(anon_client, referrer):
    page = anon_client.get("/join/?ref=rita-referrer")
    assert page.status_code == 200
    assert 'value="rita-referrer" selected' in page.text
    assert "You were referred by <strong>Rita Referrer</strong>" in page.text
    # The choice is remembered for the visit, and can still be changed.
    assert 'value="rita-referrer" selected' in anon_client.get("/contact/").text
    assert 'value="none"' in page.text


def test_referrer_choices_are_this_partnerships_listed_members(anon_client, referrer, other_member):
    unlisted = MemberFactory(partnership=referrer.partnership, is_listed=False)
    page = anon_client.get("/join/").text
    assert "Rita Referrer" in page
    assert other_member.display_name not in page and unlisted.display_name not in page
    response = anon_client.post("/join/", form_data(referrer=other_member.slug))
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Lead.objects.exists()


def test_referrer_choices_read_what_the_form_and_the_emails_show_in_one_query(
    partnership, referrer, django_assert_num_queries
):
    """The member a prospect picks is read with their slug, name, company and partnership: no
    query more for each field the form, the referrer rule and the emails read."""
    with django_assert_num_queries(1):
        [chosen] = referrer_choices(partnership)
        shown = (chosen.pk, chosen.slug, chosen.display_name, chosen.company.name)
        assert shown == (referrer.pk, "rita-referrer", "Rita Referrer", referrer.company.name)
        assert chosen.partnership_id == partnership.pk


def test_join_with_referrer_sends_the_three_emails(anon_client, referrer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = anon_client.post(
        "/join/?utm_source=Instagram&utm_campaign=spring",
        {
            **form_data(referrer="rita-referrer"),
            "utm_source": "Instagram",
            "utm_campaign": "spring",
        },
    )
    assert response.status_code == 302 and response.url == "/join/thanks/"
    lead = Lead.objects.get()
    assert lead.email == "dana@example.com" and lead.referring_member == referrer
    assert lead.channel == Channel.INSTAGRAM
    assert lead.utm == {"utm_source": "Instagram", "utm_campaign": "spring"}
    assert lead.consented_at is not None
    assert OutboxMessage.objects.filter(object_id=lead.pk).count() == 3

    deliver_all()
    partnership = referrer.partnership
    welcome, thanks = sent_to("dana@example.com")
    assert welcome.subject == "Welcome to Pinnacle Partnerships, Dana Prospect"
    assert welcome.from_email == f"Pinnacle Partnerships <{partnership.from_email}>"
    access = re.search(r"http://localhost/access/[^/\s]+/", welcome.body).group(0)
    assert access in welcome.alternatives[0][0]
    assert "How to use the partner directory" in welcome.body

    assert thanks.from_email == f"Rita Referrer <{partnership.from_email}>"
    assert thanks.reply_to == [referrer.email]
    assert "Thank you for requesting access to the Pinnacle Partnerships website" in thanks.body
    assert "main contact for any transactional services or other needs" in thanks.body
    html = thanks.alternatives[0][0]
    assert partnership.seal_url in html and partnership.website_url in html
    assert "(512) 555-0101" in thanks.body

    (notice,) = sent_to(referrer.email)
    assert notice.subject == "New lead from your referral: Dana Prospect"
    assert "Looking for a starter home." in notice.body
    assert f"http://localhost/leads/{lead.pk}/" in notice.body


def test_no_one_referred_me_sends_only_the_welcome(anon_client, partnership):
    anon_client.post("/contact/", form_data())
    lead = Lead.objects.get()
    assert lead.referring_member is None
    assert list(OutboxMessage.objects.values_list("template", flat=True)) == ["leads/welcome"]
    assert Submission.objects.get().form == "contact"


def test_same_email_is_one_lead_and_keeps_its_first_referrer(anon_client, referrer):
    second = MemberFactory(
        partnership=referrer.partnership, slug="sam-second", display_name="Sam Second"
    )
    anon_client.post("/join/", form_data(referrer="rita-referrer"))
    anon_client.post("/join/", form_data(referrer="sam-second", email="dana@example.COM"))
    anon_client.post("/join/", form_data(referrer="sam-second", email="dana@example.com"))
    lead = Lead.objects.get()
    assert lead.referring_member == referrer  # reassignment stays leadership's decision
    assert lead.submissions.count() == 3
    assert lead.submissions.filter(named_referrer=second).count() == 2

    def emails(template, to):
        return OutboxMessage.objects.filter(template=template, to_email=to).count()

    # The member named each time hears of it; each member's thank-you goes out once.
    assert emails("leads/referrer_notice", referrer.email) == 1
    assert emails("leads/referrer_notice", second.email) == 2
    thanks = OutboxMessage.objects.filter(template="leads/referrer_thanks").order_by("pk")
    assert [m.from_email.split(" <")[0] for m in thanks] == ["Rita Referrer", second.display_name]
    notice = OutboxMessage.objects.filter(to_email=second.email).first()
    assert "They named Rita Referrer first, so the lead stays assigned there" in notice.body_text


def test_the_lead_page_lists_every_member_the_prospect_named(anon_client, referrer, time_machine):
    second = MemberFactory(partnership=referrer.partnership, slug="sam", display_name="Sam Second")
    time_machine.move_to(datetime.datetime(2025, 3, 4, 15, tzinfo=datetime.UTC), tick=False)
    anon_client.post("/join/", form_data(referrer="rita-referrer"))
    time_machine.move_to(datetime.datetime(2025, 3, 9, 15, tzinfo=datetime.UTC), tick=False)
    anon_client.post("/join/", form_data(referrer="sam"))
    lead = Lead.objects.get()
    page = client_for(lead.partnership, second).get(f"/leads/{lead.pk}/").text
    assert "Members they named" in page
    assert page.index("Rita Referrer") < page.index("Sam Second")
    assert "March 4, 2025" in page and "March 9, 2025" in page


def test_a_contact_message_naming_a_member_is_an_inquiry_to_them(anon_client, referrer):
    anon_client.post("/contact/", form_data(referrer="rita-referrer", message="Can we talk?"))
    inquiry = Inquiry.objects.get()
    assert inquiry.member == referrer and inquiry.message == "Can we talk?"
    assert inquiry.submission == Submission.objects.get()
    hours = (inquiry.due_at - inquiry.created_at).total_seconds() / 3600
    assert round(hours) == referrer.partnership.inquiry_reply_hours
    # One email to the member (the inquiry notice names the referral), not two.
    to_member = OutboxMessage.objects.filter(to_email=referrer.email)
    assert [m.template for m in to_member] == ["leads/inquiry_notice"]
    body = to_member.get().body_text
    assert "named you as the partner member who referred them" in body
    assert "Can we talk?" in body


def test_a_contact_message_naming_nobody_goes_to_leadership(anon_client, partnership):
    leaders = [LeadershipFactory(partnership=partnership) for _ in range(2)]
    anon_client.post("/contact/", form_data(message="Who can help me sell?"))
    inquiry = Inquiry.objects.get()
    assert inquiry.member is None and inquiry.is_for_leadership
    notices = OutboxMessage.objects.filter(template="leads/inquiry_notice")
    assert sorted(m.to_email for m in notices) == sorted(leader.email for leader in leaders)
    assert "without naming a partner member" in notices[0].body_text
    # Any leader answers, and that stops the clock for all.
    response = client_for(partnership, leaders[1]).post(
        inquiry.get_absolute_url(), {"kind": "reply", "reply-body": "I can, Dana."}
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.responded_at is not None
    reply = OutboxMessage.objects.get(template="leads/inquiry_response")
    # A name with a dot ("Mrs. Morgan Cruz") comes quoted.
    assert parseaddr(reply.from_email)[0] == leaders[1].display_name
    assert reply.subject == "Re: your message to Pinnacle Partnerships"


def test_a_member_cannot_answer_a_message_to_leadership(anon_client, partnership, referrer):
    LeadershipFactory(partnership=partnership)
    anon_client.post("/contact/", form_data(message="Who can help me sell?"))
    inquiry = Inquiry.objects.get()
    assert client_for(partnership, referrer).get(inquiry.get_absolute_url()).status_code == 404


def test_a_second_contact_message_while_one_is_open_is_kept_not_refused(anon_client, referrer):
    anon_client.post("/contact/", form_data(referrer="rita-referrer", message="First"))
    response = anon_client.post("/contact/", form_data(referrer="rita-referrer", message="Second"))
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1 and Submission.objects.count() == 2


def test_the_welcome_states_the_partnerships_reply_hours(anon_client, partnership):
    partnership.inquiry_reply_hours = 12
    partnership.save()
    anon_client.post("/join/", form_data())
    welcome = OutboxMessage.objects.get(template="leads/welcome")
    assert "They answer within 12 hours." in welcome.body_text
    assert "24 hours" not in welcome.body_text + welcome.body_html


def test_an_unassigned_lead_is_assigned_to_the_first_member_they_name(anon_client, referrer):
    anon_client.post("/join/", form_data())
    anon_client.post("/join/", form_data(referrer="rita-referrer"))
    assert Lead.objects.get().referring_member == referrer


def test_the_same_email_in_another_partnership_is_another_lead(partnership, other_partnership):
    client_for(partnership).post("/join/", form_data())
    client_for(other_partnership).post("/join/", form_data())
    assert Lead.objects.count() == 2


def test_honeypot_stores_and_sends_nothing(anon_client, partnership):
    response = anon_client.post("/join/", form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Lead.objects.exists() and not OutboxMessage.objects.exists()


def test_rate_limit_refuses_clearly(anon_client, partnership):
    for n in range(5):
        assert anon_client.post("/join/", form_data(email=f"p{n}@example.com")).status_code == 302
    response = anon_client.post("/join/", form_data(email="p6@example.com"))
    assert response.status_code == 429
    assert "Too many submissions" in response.text
    assert Lead.objects.count() == 5


def test_invalid_form_explains_and_saves_nothing(anon_client, partnership):
    response = anon_client.post("/join/", form_data(email="nope", consent="", referrer=""))
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert "Please agree to be contacted" in response.text
    assert "Choose the member who referred you" in response.text
    assert not Lead.objects.exists()


def test_contact_form_needs_a_message(anon_client, partnership):
    response = anon_client.post("/contact/", form_data(message=""))
    assert response.status_code == 400
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("source", "channel"),
    [
        ("", "website"),
        ("facebook", "facebook"),
        ("IG", "instagram"),
        ("twitter", "x"),
        ("newsletter", "email"),
        ("Google", "search"),
        ("partner-blog", "other"),
    ],
)
def test_channel_comes_from_utm_source(anon_client, partnership, source, channel):
    anon_client.post("/join/", {**form_data(), "utm_source": source})
    assert Lead.objects.get().channel == channel


def test_an_unrecognised_source_is_shown_as_given(anon_client, partnership):
    anon_client.post("/join/", {**form_data(), "utm_source": "partner-blog"})
    lead = Lead.objects.get()
    assert lead.channel_label == "Other source: partner-blog"
    page = client_for(partnership, MemberFactory(partnership=partnership)).get("/leads/").text
    assert "Other source: partner-blog" in page and "social platform" not in page


def test_utm_from_the_landing_page_is_kept_for_the_form(anon_client, partnership):
    anon_client.get("/?utm_source=tiktok&utm_medium=video")
    anon_client.post("/join/", form_data())
    lead = Lead.objects.get()
    assert lead.channel == "tiktok" and lead.utm == {"utm_source": "tiktok", "utm_medium": "video"}


def test_a_submission_survives_a_broker_outage(
    anon_client, partnership, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post("/join/", form_data())
    assert "Broker unavailable" in caplog.text  # the enqueue on commit ran, against the dead broker
    assert response.status_code == 302
    assert Lead.objects.count() == 1
    assert delivery.due_message_ids() == [OutboxMessage.objects.get().pk]


def test_a_submission_is_saved_with_redis_down(
    anon_client, partnership, redis_down, django_capture_on_commit_callbacks, caplog
):
    """Rate limiter, session cache and broker all unreachable: the lead and its emails are kept;
    the limiter fails open for the request and the sweep sends the emails later."""
    anon_client.get("/join/?utm_source=newsletter")  # a session exists before the POST
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post("/join/", form_data())
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.utm == {"utm_source": "newsletter"}
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count() == 1
    assert anon_client.get(response.url).status_code == 200
    assert "Rate limiter unavailable" in caplog.text and "Broker unavailable" in caplog.text


def test_a_nul_in_a_campaign_parameter_is_refused_and_loses_nothing_later(anon_client, partnership):
    assert anon_client.get("/?utm_source=news%00letter").status_code == 400
    assert anon_client.get("/join/?utm_campaign=a%01b").status_code == 400
    response = anon_client.post("/join/", form_data())
    assert response.status_code == 302
    assert Lead.objects.get().utm == {}


def test_a_nul_in_a_form_field_is_a_400_not_a_500(anon_client, partnership):
    response = anon_client.post("/contact/", form_data(message="Hello\x00there"))
    assert response.status_code == 400
    assert not Lead.objects.exists()
    # Line breaks and tabs are text, not control characters to refuse.
    response = anon_client.post("/contact/", form_data(message="Line one\r\n\tLine two"))
    assert response.status_code == 302


def test_emails_read_as_written_with_quotes_and_ampersands(anon_client, referrer):
    referrer.display_name = "Rita O'Neil & Sons"
    referrer.save()
    anon_client.post(
        "/join/",
        form_data(
            referrer="rita-referrer",
            name="Se\u00e1n O'Brien & Ana",
            message='3 < 4 bedroom "starter"',
        ),
    )
    deliver_all()
    welcome, thanks = sent_to("dana@example.com")
    notice = sent_to(referrer.email)[0]
    assert welcome.subject == "Welcome to Pinnacle Partnerships, Se\u00e1n O'Brien & Ana"
    assert "Hello Se\u00e1n O'Brien & Ana," in welcome.body
    assert "Rita O'Neil & Sons" in thanks.body and "&amp;" not in thanks.subject + thanks.body
    assert '3 < 4 bedroom "starter"' in notice.body
    for message in (welcome, thanks, notice):
        assert "&#x27;" not in message.subject + message.body
        assert "&amp;" not in message.subject + message.body
    # The HTML part stays escaped.
    assert "3 &lt; 4 bedroom &quot;starter&quot;" in notice.alternatives[0][0]


def test_the_service_refuses_a_referrer_outside_the_directory(partnership, other_member):
    unlisted = MemberFactory(partnership=partnership, is_listed=False)
    for outsider in (unlisted, other_member):
        with pytest.raises(LeadRefused, match="listed member of this partnership"):
            submit_lead(
                partnership=partnership,
                form="join",
                name="Dana",
                email="dana@example.com",
                need="buy",
                timeframe="3m",
                referrer=outsider,
            )
    assert not Lead.objects.exists()


def test_a_returning_lead_the_member_entered_as_an_advocate_referral_is_not_said_to_name_them(
    anon_client, referrer, time_machine
):
    # 06:00 UTC on March 5 is still March 4 in Los Angeles, the partnership's time zone.
    referrer.partnership.timezone = "America/Los_Angeles"
    referrer.partnership.save()
    time_machine.move_to(datetime.datetime(2025, 3, 5, 6, tzinfo=datetime.UTC), tick=False)
    submit_lead(
        partnership=referrer.partnership,
        form=FormKind.ADVOCATE_REFERRAL,
        name="Dana Prospect",
        email="dana@example.com",
        need="buy",
        timeframe="3m",
        referrer=referrer,
    )
    assert not OutboxMessage.objects.exists()  # an advocate referral sends nothing
    time_machine.move_to(datetime.datetime(2025, 3, 9, 15, tzinfo=datetime.UTC), tick=False)
    anon_client.post("/contact/", form_data())

    notice = OutboxMessage.objects.get(template="leads/referrer_notice")
    assert notice.to_email == referrer.email
    assert notice.subject == "Your lead Dana Prospect came back"
    for body in (notice.body_text, notice.body_html):
        assert "named you" not in body
        assert "just filled in the Pinnacle Partnerships online form." in body
        assert (
            "They named no partner member this time; the lead is assigned to you "
            "(first recorded on March 4, 2025 from: Advocate referral)."
        ) in body


def test_the_member_named_on_the_directory_form_is_told_they_were_named(anon_client, referrer):
    anon_client.post("/join/", form_data(referrer="rita-referrer"))
    notice = OutboxMessage.objects.get(template="leads/referrer_notice")
    assert notice.subject == "New lead from your referral: Dana Prospect"
    assert (
        "Dana Prospect just requested access to the Pinnacle Partnerships directory and named "
        "you as the partner member who referred them."
    ) in notice.body_text
    assert "named no partner member" not in notice.body_text


def test_the_thank_you_to_a_prospect_who_wrote_through_the_online_form_says_so(
    anon_client, referrer
):
    anon_client.post("/contact/", form_data(referrer="rita-referrer"))
    thanks = OutboxMessage.objects.get(template="leads/referrer_thanks")
    for body in (thanks.body_text, thanks.body_html):
        assert "Thank you for writing to us through the Pinnacle Partnerships website." in body
        assert "requesting access" not in body


def test_every_description_a_field_names_is_on_the_page(anon_client, partnership, referrer):
    # Screen readers announce a field's help and errors through `aria-describedby`: an id it
    # names that the page lacks is never read out.
    for response in (
        anon_client.get("/join/"),
        anon_client.post("/join/", form_data(email="nope", consent="", referrer="")),
    ):
        named = {
            name
            for names in re.findall(r'aria-describedby="([^"]*)"', response.text)
            for name in names.split()
        }
        present = set(re.findall(r'\sid="([^"]+)"', response.text))
        assert named, "the form describes no field"
        assert named - present == set()
