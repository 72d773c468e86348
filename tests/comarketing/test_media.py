"""Co-branded media: "An active co-marketing connection allows you to ... create co-branded print
materials, single property sites, and lead capture apps." Either partner (or leadership) makes
them from the connection overview; property sites and capture pages are public with a lead
capture form; captured leads enter the partnership's intake, assigned to the page's owner and
shared with the other partner."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comarketing import services
from comarketing.models import Media, MediaPhoto, SharedLead
from comarketing.services import ComarketingRefused
from leads.models import FormKind, Lead, Submission
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import find_suppression, record_opt_out
from pinnacle.models import AuditEvent
from tests.comarketing.factories import ConnectionFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(name="house.jpg", size=(2400, 1800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def site_data(**overrides):
    data = {
        "kind": "property_site",
        "title": "Charming Bungalow on Elm",
        "headline": "Open house Saturday",
        "body": "Three bedrooms near the park.",
        "address": "12 Elm St, Austin, TX",
        "price": "525000",
        "bedrooms": "3",
        "bathrooms": "2.5",
        "square_feet": "1850",
        "is_published": "on",
    }
    return {**data, **overrides}


def make(connection, member, **fields):
    kind = fields.pop("kind", Media.Kind.CAPTURE_PAGE)
    owner = fields.pop("owner", member)
    return services.create_media(
        connection=connection,
        member=member,
        kind=kind,
        owner=owner,
        fields={"title": "Buyers' guide", "headline": "", "body": "", "is_published": True}
        | fields,
        photos=[],
        actor=member.user,
    )


def lead_data(**overrides):
    data = {
        "name": "Priya Prospect",
        "email": "priya@example.com",
        "phone": "(512) 555-0142",
        "need": "buy",
        "timeframe": "3m",
        "message": "Can I see it Sunday?",
        "consent": "on",
    }
    return {**data, **overrides}


def stored_files(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.rglob("*") if p.is_file())


# --- Creating, listing, editing, deleting ---------------------------------------------------------


def test_the_partner_creates_a_property_site_with_photos_owned_by_the_lender(
    connection, lender, agent, partnership, tmp_path
):
    client = client_for(partnership, agent)
    response = client.post(
        f"/comarketing/{connection.pk}/media/new/",
        site_data(owner=lender.pk, photos=[jpeg("a.jpg"), jpeg("b.png")]),
    )
    assert response.status_code == 302 and response.url == f"/comarketing/{connection.pk}/"
    media = Media.objects.get()
    assert (media.partnership, media.connection, media.owner, media.created_by) == (
        partnership,
        connection,
        lender,
        agent,
    )
    assert media.slug == "charming-bungalow-on-elm"
    assert (media.price, media.bedrooms, media.bathrooms, media.square_feet) == (
        Decimal("525000"),
        3,
        Decimal("2.5"),
        1850,
    )
    photos = list(media.photos.all())
    assert [p.position for p in photos] == [0, 1]
    with Image.open(photos[0].image.path) as image:
        assert (image.format, max(image.size)) == ("JPEG", 1600)
    with Image.open(photos[0].thumbnail.path) as thumb:
        assert thumb.size == (640, 480)
    assert AuditEvent.objects.filter(action="comarketing.media_created").count() == 1


def test_the_owner_defaults_to_the_creator(connection, agent, lender, partnership):
    page = client_for(partnership, agent).get(f"/comarketing/{connection.pk}/media/new/").text
    assert f'<option value="{agent.pk}" selected>' in page
    leader = LeadershipFactory(partnership=partnership)
    page = client_for(partnership, leader).get(f"/comarketing/{connection.pk}/media/new/").text
    assert f'<option value="{lender.pk}" selected>' in page  # leadership is not a partner


def test_leadership_creates_media_for_a_connection(connection, lender, partnership):
    leader = LeadershipFactory(partnership=partnership)
    client_for(partnership, leader).post(
        f"/comarketing/{connection.pk}/media/new/",
        site_data(kind="capture_page", owner=lender.pk),
    )
    assert Media.objects.get().created_by == leader


def test_the_same_title_gets_its_own_address(connection, lender):
    first = make(connection, lender, title="Spring Open House")
    second = make(connection, lender, title="Spring Open House!")
    assert (first.slug, second.slug) == ("spring-open-house", "spring-open-house-2")


def test_a_bad_photo_saves_nothing(connection, agent, partnership, tmp_path):
    fake = SimpleUploadedFile("c.jpg", b"this is not an image\n" * 50, "image/jpeg")
    response = client_for(partnership, agent).post(
        f"/comarketing/{connection.pk}/media/new/",
        site_data(owner=agent.pk, photos=[jpeg(), fake]),
    )
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF image." in response.text
    assert not Media.objects.exists() and not MediaPhoto.objects.exists()
    assert stored_files(tmp_path) == []


def test_seven_photos_are_refused(connection, agent, partnership, tmp_path):
    response = client_for(partnership, agent).post(
        f"/comarketing/{connection.pk}/media/new/",
        site_data(owner=agent.pk, photos=[jpeg(f"{n}.jpg", (40, 30)) for n in range(7)]),
    )
    assert response.status_code == 400 and "Up to 6 photos." in response.text
    assert not Media.objects.exists() and stored_files(tmp_path) == []


def test_a_capture_page_has_no_listing(connection, agent):
    media = make(connection, agent, address="12 Elm St", price=Decimal(1), bedrooms=3)
    assert (media.address, media.price, media.bedrooms) == ("", None, None)
    with pytest.raises(ComarketingRefused, match="Photos go on flyers and property sites"):
        services.create_media(
            connection=connection,
            member=agent,
            kind=Media.Kind.CAPTURE_PAGE,
            owner=agent,
            fields={"title": "Guide", "headline": "", "body": "", "is_published": True},
            photos=[object()],
            actor=None,
        )


def test_only_partners_of_an_active_connection_make_media(connection, lender, partnership):
    stranger = MemberFactory(partnership=partnership)
    with pytest.raises(ComarketingRefused, match="Only the two partners"):
        make(connection, stranger, owner=lender)
    with pytest.raises(ComarketingRefused, match="The owner is one of the two partners"):
        make(connection, lender, owner=stranger)
    pending = ConnectionFactory(partnership=partnership, lender=lender, email="new@example.com")
    with pytest.raises(ComarketingRefused, match="active co-marketing partners only"):
        make(pending, lender)
    response = client_for(partnership, stranger).get(f"/comarketing/{connection.pk}/media/new/")
    assert response.status_code == 404


def test_the_overview_lists_media_with_their_links(connection, lender, agent, partnership):
    flyer = make(connection, lender, kind=Media.Kind.FLYER, title="Elm flyer")
    site = make(connection, agent, kind=Media.Kind.PROPERTY_SITE, title="Elm site", owner=lender)
    page = make(connection, agent, title="Buyers' guide")
    text = client_for(partnership, agent).get(f"/comarketing/{connection.pk}/").text
    section = text.split("Media you created together")[1].split("</section>")[0]
    for shown in ("Elm flyer", "Printable flyer", "Elm site", "Single property site"):
        assert shown in section, shown
    assert "Lead capture page" in section and "Buyers&#x27; guide" in section
    assert f'href="/comarketing/media/{flyer.pk}/flyer.pdf"' in section
    assert f'href="http://{partnership.host}/m/{site.slug}/"' in section
    assert f"&lt;iframe src=&quot;http://{partnership.host}/m/{page.slug}/embed/&quot;" in (
        section.replace('"', "&quot;")
    )
    assert section.count("/embed/") == 1  # only capture pages are embedded
    for media in (flyer, site, page):
        assert f'href="/comarketing/media/{media.pk}/edit/"' in section
        assert f'href="/comarketing/media/{media.pk}/delete/"' in section
    assert "Co-branded flyers, property sites and lead capture pages will appear here" not in text


def test_either_partner_edits_and_the_address_stays(connection, lender, agent, partnership):
    media = make(connection, lender, kind=Media.Kind.PROPERTY_SITE, title="Elm site")
    client = client_for(partnership, agent)
    assert "Elm site" in client.get(f"/comarketing/media/{media.pk}/edit/").text
    response = client.post(
        f"/comarketing/media/{media.pk}/edit/",
        site_data(kind="flyer", title="Elm site, reduced", price="499000", owner=agent.pk),
    )
    assert response.status_code == 302
    media.refresh_from_db()
    assert (media.title, media.price, media.owner, media.kind, media.slug) == (
        "Elm site, reduced",
        Decimal("499000"),
        agent,
        Media.Kind.PROPERTY_SITE,  # the kind is fixed once made
        "elm-site",
    )


def test_new_photos_replace_the_old_ones(
    connection, agent, partnership, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(partnership, agent)
    client.post(
        f"/comarketing/{connection.pk}/media/new/", site_data(owner=agent.pk, photos=[jpeg()])
    )
    media = Media.objects.get()
    old = media.photos.get().image.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/comarketing/media/{media.pk}/edit/",
            site_data(owner=agent.pk, photos=[jpeg("x.jpg"), jpeg("y.jpg")]),
        )
    assert media.photos.count() == 2 and old not in [p.image.name for p in media.photos.all()]
    assert len(stored_files(tmp_path)) == 4
    client.post(f"/comarketing/media/{media.pk}/edit/", site_data(owner=agent.pk))
    assert media.photos.count() == 2  # nothing uploaded: the photos stay


def test_delete_asks_first_then_removes_the_media_and_its_files(
    connection, agent, partnership, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(partnership, agent)
    client.post(
        f"/comarketing/{connection.pk}/media/new/", site_data(owner=agent.pk, photos=[jpeg()])
    )
    media = Media.objects.get()
    confirm = client.get(f"/comarketing/media/{media.pk}/delete/")
    assert "Delete &ldquo;Charming Bungalow on Elm&rdquo;?" in confirm.text
    assert Media.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comarketing/media/{media.pk}/delete/")
    assert response.url == f"/comarketing/{connection.pk}/"
    assert not Media.objects.exists() and stored_files(tmp_path) == []
    assert client_for(partnership).get(f"/m/{media.slug}/").status_code == 404


def test_another_member_cannot_edit_or_delete(connection, lender, partnership):
    media = make(connection, lender)
    stranger = client_for(partnership, MemberFactory(partnership=partnership))
    assert stranger.get(f"/comarketing/media/{media.pk}/edit/").status_code == 404
    assert stranger.post(f"/comarketing/media/{media.pk}/delete/").status_code == 404
    assert Media.objects.exists()


@pytest.mark.parametrize("count", [10, 300])
def test_the_overview_reads_a_fixed_number_of_queries_with_media(
    connection, lender, agent, partnership, count, django_assert_num_queries
):
    Media.objects.bulk_create(
        Media(
            partnership=partnership,
            connection=connection,
            owner=agent if n % 2 else lender,
            created_by=lender,
            kind=Media.Kind.values[n % 3],
            slug=f"page-{n}",
            title=f"Page {n:03d}",
        )
        for n in range(count)
    )
    client = client_for(partnership, lender)
    # Partnership, user, membership; the connection with both partners; for each shared-leads
    # list its count (no rows, so no row query); the media's count and page with their owners.
    with django_assert_num_queries(8):
        page = client.get(f"/comarketing/{connection.pk}/")
    section = page.text.split("Media you created together")[1].split("</section>")[0]
    assert section.count("<tr>") == 1 + min(count, 25)


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


# --- Captured leads -------------------------------------------------------------------------


def test_a_captured_lead_is_the_owners_and_shared_with_the_other_partner(
    connection, lender, agent, partnership
):
    media = make(connection, agent, title="Elm site", kind=Media.Kind.PROPERTY_SITE, owner=agent)
    response = client_for(partnership).post("/m/elm-site/?utm_source=facebook", lead_data())
    assert response.status_code == 302 and response.url == "/join/thanks/"
    lead = Lead.objects.get()
    submission = lead.submissions.get()
    assert (submission.form, submission.message, lead.referring_member) == (
        FormKind.CAPTURE,
        "Can I see it Sunday?",
        agent,
    )
    assert AuditEvent.objects.filter(action="lead.reassigned", target_id=lead.pk).exists()
    welcome = OutboxMessage.objects.get(template="leads/welcome")
    assert welcome.to_email == "priya@example.com"
    shared = SharedLead.objects.get()
    assert (shared.lead, shared.shared_by, shared.shared_with, shared.media) == (
        lead,
        agent,
        lender,
        media,
    )
    email = OutboxMessage.objects.get(template="comarketing/lead_shared")
    assert email.to_email == lender.email
    assert 'filled in the form of your single property site "Elm site"' in email.body_text
    captured = AuditEvent.objects.get(action="comarketing.lead_captured")
    assert (captured.target_id, captured.data["media"]) == (lead.pk, media.pk)
    # Both partners see it on the overview.
    overview = client_for(partnership, lender).get(f"/comarketing/{connection.pk}/").text
    assert "Priya Prospect" in overview.split("Leads shared with you")[1].split("</section>")[0]


def test_a_returning_lead_keeps_its_first_referrer(connection, lender, agent, partnership):
    rita = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    LeadFactory(partnership=partnership, email="priya@example.com", referring_member=rita)
    make(connection, lender, title="Guide")
    client_for(partnership).post("/m/guide/", lead_data())
    lead = Lead.objects.get()
    assert lead.referring_member == rita and lead.submissions.count() == 1
    assert not AuditEvent.objects.filter(action="lead.reassigned").exists()
    assert SharedLead.objects.get().shared_with == agent


def test_a_second_capture_is_shared_once(connection, lender, agent, partnership):
    make(connection, lender, title="Guide")
    client = client_for(partnership)
    client.post("/m/guide/", lead_data())
    client.post("/m/guide/embed/", lead_data(message="Again"))
    assert Submission.objects.count() == 2
    assert SharedLead.objects.count() == 1
    assert OutboxMessage.objects.filter(template="comarketing/lead_shared").count() == 1
    assert AuditEvent.objects.filter(action="comarketing.lead_captured").count() == 2


def test_an_opted_out_lead_who_submits_again_is_kept_and_open_to_contact(
    connection, lender, agent, partnership
):
    LeadFactory(partnership=partnership, email="priya@example.com")
    record_opt_out(
        partnership=partnership, email="priya@example.com", how="phone", note="", actor=None
    )
    make(connection, lender, title="Guide")
    response = client_for(partnership).post("/m/guide/", lead_data())
    assert response.status_code == 302
    assert Submission.objects.get().form == FormKind.CAPTURE
    assert find_suppression(partnership=partnership, email="priya@example.com") is None
    assert SharedLead.objects.get().shared_with == agent


def test_behind_the_trusted_proxy_a_capture_keeps_the_visitors_address(
    connection, lender, settings
):
    settings.TRUSTED_PROXIES = 1
    make(connection, lender, title="Guide")
    client_for(connection.partnership).post(
        "/m/guide/",
        lead_data(),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Submission.objects.get().ip_address == "198.51.100.23"
