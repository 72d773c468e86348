"""Co-branded media made from the connection overview: either partner (or leadership) creates
property sites, capture pages and flyers with photos; the overview lists them; partners edit and
delete them."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comarketing import services
from comarketing.models import Media, MediaPhoto
from comarketing.services import ComarketingRefused
from pinnacle.models import AuditEvent
from tests.comarketing.factories import ConnectionFactory
from tests.comarketing.media_helpers import jpeg, make, site_data
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_root")]


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
