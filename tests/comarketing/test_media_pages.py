"""Co-branded media shown: the flyer's PDF for its partners, and the public property sites and
capture pages (the embed, publication, the honeypot, the rate limit, invalid submissions)."""

from decimal import Decimal

import pytest

from comarketing import services
from comarketing.models import Media
from leads.models import FormKind, Lead, Submission
from pinnacle.mail.models import OutboxMessage
from tests.comarketing.media_helpers import jpeg, lead_data, make, site_data
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_root")]


# --- The flyer's PDF --------------------------------------------------------------------------


def test_the_flyer_is_a_pdf_shown_inline(connection, lender, agent, partnership):
    flyer = make(connection, lender, kind=Media.Kind.FLYER, title="Elm flyer", price=Decimal(1))
    for viewer in (lender, agent, LeadershipFactory(partnership=partnership)):
        response = client_for(partnership, viewer).get(f"/comarketing/media/{flyer.pk}/flyer.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="elm-flyer.pdf"'
        assert response.content.startswith(b"%PDF")


def test_only_flyers_print_and_only_for_their_partners(connection, lender, partnership):
    page = make(connection, lender)
    client = client_for(partnership, lender)
    assert client.get(f"/comarketing/media/{page.pk}/flyer.pdf").status_code == 404
    flyer = make(connection, lender, kind=Media.Kind.FLYER, title="Elm flyer")
    stranger = client_for(partnership, MemberFactory(partnership=partnership))
    assert stranger.get(f"/comarketing/media/{flyer.pk}/flyer.pdf").status_code == 404


# --- The public pages -------------------------------------------------------------------------


def test_a_property_site_is_public_with_the_listing_and_both_partners(
    connection, lender, agent, partnership
):
    client_for(partnership, agent).post(
        f"/comarketing/{connection.pk}/media/new/",
        site_data(owner=agent.pk, photos=[jpeg()]),
    )
    media = Media.objects.get()
    response = client_for(partnership).get("/m/charming-bungalow-on-elm/")
    assert response.status_code == 200
    text = response.text
    for shown in (
        "Charming Bungalow on Elm",
        "Open house Saturday",
        "Three bedrooms near the park.",
        "$525,000",
        "12 Elm St, Austin, TX",
        "<dt>Bedrooms</dt><dd>3</dd>",
        "<dt>Bathrooms</dt><dd>2.5</dd>",
        "1,850",
        media.photos.get().thumbnail.url,
        # Both partners' cards.
        "Lena Lender",
        "Loan Officer",
        "Summit Mortgage",
        "(512) 555-0199",
        "(512) 555-0198",
        lender.email,
        "Alice Agent",
        "Realtor",
        "Hill Country Realty",
        agent.email,
        # The partnership's seal and website, and the lead form.
        f'src="{partnership.seal_path}" alt="{partnership.name} seal"',
        partnership.website_url,
        'name="consent"',
        'name="website"',  # the honeypot
    ):
        assert shown in text, shown
    assert 'name="referrer"' not in text
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in response


def test_a_capture_page_shows_its_message_and_both_partners(connection, lender, agent):
    make(connection, agent, title="Free buyers' guide", headline="Buy smarter", body="We help.")
    text = client_for(connection.partnership).get("/m/free-buyers-guide/").text
    for shown in ("Buy smarter", "We help.", "Lena Lender", "Alice Agent", 'name="email"'):
        assert shown in text, shown
    assert "Bedrooms" not in text


def test_only_the_embed_may_be_framed(connection, lender):
    make(connection, lender, title="Guide")
    client = client_for(connection.partnership)
    embed = client.get("/m/guide/embed/")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert embed["Content-Security-Policy"] == "frame-ancestors *"
    assert 'name="email"' in embed.text and "site-header" not in embed.text
    page = client.get("/m/guide/")
    assert page["X-Frame-Options"] == "DENY" and "Content-Security-Policy" not in page
    assert client.get("/join/")["X-Frame-Options"] == "DENY"


def test_the_embed_takes_a_submission_from_another_website(connection, lender, partnership):
    make(connection, lender, title="Guide")
    # Posted from the partner's website: our cookies (and so a CSRF token) do not come along.
    client = client_for(partnership)
    client.handler.enforce_csrf_checks = True
    response = client.post("/m/guide/embed/", lead_data())
    assert response.status_code == 302 and response.url == "/m/guide/embed/?sent=1"
    thanks = client.get(response.url)
    assert "Thank you" in thanks.text and "X-Frame-Options" not in thanks
    assert Submission.objects.get().form == FormKind.CAPTURE


def test_another_partnerships_slug_is_a_404(connection, lender, other_partnership):
    make(connection, lender, title="Guide")
    other = client_for(other_partnership)
    assert other.get("/m/guide/").status_code == 404
    assert other.get("/m/guide/embed/").status_code == 404
    assert other.post("/m/guide/", lead_data()).status_code == 404
    assert not Lead.objects.exists()


def test_a_flyer_has_no_public_page(connection, lender):
    make(connection, lender, kind=Media.Kind.FLYER, title="Elm flyer")
    assert client_for(connection.partnership).get("/m/elm-flyer/").status_code == 404


def test_an_unpublished_page_is_seen_by_its_partners_only(connection, lender, agent, partnership):
    make(connection, lender, title="Guide", is_published=False)
    assert client_for(partnership).get("/m/guide/").status_code == 404
    assert client_for(partnership).post("/m/guide/embed/", lead_data()).status_code == 404
    stranger = MemberFactory(partnership=partnership)
    assert client_for(partnership, stranger).get("/m/guide/").status_code == 404
    for viewer in (lender, agent, LeadershipFactory(partnership=partnership)):
        response = client_for(partnership, viewer).get("/m/guide/")
        assert response.status_code == 200 and "Unpublished" in response.text
    assert not Lead.objects.exists()


def test_a_deleted_connections_pages_are_gone(connection, lender):
    make(connection, lender, title="Guide")
    services.delete_connection(connection=connection, member=lender, actor=lender.user)
    assert client_for(connection.partnership).get("/m/guide/").status_code == 404


def test_the_honeypot_stores_and_sends_nothing(connection, lender):
    make(connection, lender, title="Guide")
    response = client_for(connection.partnership).post(
        "/m/guide/", lead_data(website="http://spam.example")
    )
    assert response.status_code == 302
    assert not Lead.objects.exists() and not OutboxMessage.objects.exists()


def test_the_rate_limit_is_the_intake_forms(connection, lender):
    make(connection, lender, title="Guide")
    client = client_for(connection.partnership)
    for n in range(5):
        assert client.post("/m/guide/", lead_data(email=f"p{n}@example.com")).status_code == 302
    response = client.post("/m/guide/embed/", lead_data(email="p6@example.com"))
    assert response.status_code == 429 and "Too many submissions" in response.text
    assert "X-Frame-Options" not in response  # the refusal shows inside the frame
    assert Lead.objects.count() == 5


def test_a_capture_is_saved_with_redis_down(
    connection, lender, redis_down, django_capture_on_commit_callbacks, caplog
):
    make(connection, lender, title="Guide")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(connection.partnership).post("/m/guide/embed/", lead_data())
    assert response.status_code == 302
    assert Lead.objects.count() == 1
    assert "Rate limiter unavailable" in caplog.text


def test_an_invalid_submission_explains_and_saves_nothing(connection, lender):
    make(connection, lender, title="Guide")
    response = client_for(connection.partnership).post("/m/guide/", lead_data(email="nope"))
    assert response.status_code == 400 and "Enter a valid email address." in response.text
    assert not Lead.objects.exists()
