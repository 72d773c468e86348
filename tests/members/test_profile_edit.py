import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.models import Member
from pinnacle.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/dashboard/profile/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_file(name="photo.png", fmt="PNG", size=(800, 600), mode="RGB", color="teal", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def form_data(member: Member, **changes) -> dict:
    data = {
        "display_name": member.display_name,
        "job_title": member.job_title,
        "specialization": member.specialization,
        "bio": member.bio,
        "cell_phone": member.cell_phone,
        "office_phone": member.office_phone,
        "street_address": member.street_address,
        "city": member.city,
        "state": member.state,
        "postal_code": member.postal_code,
        "timezone": member.timezone,
        "mls_market": member.mls_market,
        "mls_agent_id": member.mls_agent_id,
        "employer": member.employer,
        "license_number": member.license_number,
        "service_areas": ", ".join(member.service_areas),
        "languages": ", ".join(member.languages),
    }
    data.update(changes)
    return data


def open_stored(field) -> Image.Image:
    field.open("rb")
    try:
        image = Image.open(io.BytesIO(field.read()))
        image.load()
        return image
    finally:
        field.close()


def test_edit_page_shows_the_members_current_profile(member_client, member):
    response = member_client.get(URL)

    assert response.status_code == 200
    assert 'value="Alice Agent"' in response.text
    assert 'value="Austin, Round Rock"' in response.text
    assert '<label for="id_service_areas">Service areas</label>' in response.text
    assert (
        '<option value="" selected>Not chosen (the partnership&#x27;s: America/New_York)</option>'
        in (response.text)
    )


def test_valid_edit_saves_profile_and_reencodes_photo_and_logo(member_client, member, _media):
    response = member_client.post(
        URL,
        form_data(
            member,
            display_name="Alice  Q. Agent",
            job_title="Team lead",
            cell_phone="+1 (512) 555-0147",
            timezone="America/Chicago",
            photo=image_file("me.png", size=(2400, 1200)),
            company_logo=image_file("logo.png", size=(600, 200), mode="RGBA", color=(0, 0, 0, 0)),
        ),
    )

    assert response.status_code == 302
    assert response.url == "/dashboard/"
    member.refresh_from_db()
    assert member.display_name == "Alice Q. Agent"
    assert member.job_title == "Team lead"
    assert member.timezone == "America/Chicago"
    photo = open_stored(member.photo)
    assert (photo.format, photo.mode, photo.size) == ("JPEG", "RGB", (1600, 800))
    thumb = open_stored(member.photo_thumbnail)
    assert (thumb.format, thumb.size) == ("JPEG", (256, 256))
    logo = open_stored(member.company_logo)
    assert (logo.format, logo.mode, logo.size) == ("PNG", "RGBA", (600, 200))
    logo_thumb = open_stored(member.company_logo_thumbnail)
    assert logo_thumb.size == (256, 85)
    assert member.photo.name.startswith("members/photos/") and member.photo.name.endswith(".jpg")
    assert len(stored_files(_media)) == 4
    follow = member_client.get("/dashboard/")
    assert "Your profile has been saved." in follow.text


def test_photo_exif_orientation_is_applied_and_metadata_dropped(member_client, member):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "Secret Camera Co"
    upload = image_file("phone.jpg", fmt="JPEG", size=(400, 200), exif=exif.tobytes())

    member_client.post(URL, form_data(member, photo=upload))

    member.refresh_from_db()
    photo = open_stored(member.photo)
    assert photo.size == (200, 400)
    assert not photo.getexif()


def test_text_file_named_jpg_is_rejected_and_nothing_changes(member_client, member, _media):
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image\n" * 50, "image/jpeg")

    response = member_client.post(URL, form_data(member, display_name="Changed", photo=fake))

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["Upload a JPEG, PNG, WebP or GIF image."]
    assert "Upload a JPEG, PNG, WebP or GIF image." in response.text
    assert "Your profile was not saved." in response.text
    member.refresh_from_db()
    assert member.display_name == "Alice Agent"
    assert not member.photo
    assert stored_files(_media) == []
    assert not AuditEvent.objects.filter(action="member.profile_updated").exists()


def test_image_format_outside_the_allowed_list_is_rejected(member_client, member, _media):
    response = member_client.post(
        URL, form_data(member, photo=image_file("photo.bmp", fmt="BMP", size=(50, 50)))
    )

    assert response.context["form"].errors["photo"] == ["Upload a JPEG, PNG, WebP or GIF image."]
    assert stored_files(_media) == []


def test_truncated_image_is_rejected_as_damaged(member_client, member, _media):
    whole = image_file("photo.jpg", fmt="JPEG", size=(300, 300)).read()
    broken = SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2], "image/jpeg")

    response = member_client.post(URL, form_data(member, photo=broken))

    assert "damaged or incomplete" in response.context["form"].errors["photo"][0]
    assert stored_files(_media) == []


def test_oversize_file_is_rejected_before_opening(member_client, member, settings, _media):
    settings.MAX_UPLOAD_IMAGE_BYTES = 1000
    buffer = io.BytesIO()
    Image.frombytes("RGB", (40, 40), os.urandom(40 * 40 * 3)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    assert upload.size > 1000

    response = member_client.post(URL, form_data(member, job_title="New", photo=upload))

    assert response.context["form"].errors["photo"] == ["The image is larger than 1000 bytes."]
    member.refresh_from_db()
    assert member.job_title == "Realtor"
    assert stored_files(_media) == []


def test_default_size_limit_message_reads_in_megabytes(member_client, member, settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 5 * 1024 * 1024
    upload = SimpleUploadedFile("huge.jpg", b"\0" * (5 * 1024 * 1024 + 1), "image/jpeg")

    response = member_client.post(URL, form_data(member, photo=upload))

    assert response.context["form"].errors["photo"] == ["The image is larger than 5 MB."]


def test_image_over_6000_pixels_wide_is_rejected(member_client, member, _media):
    response = member_client.post(
        URL, form_data(member, company_logo=image_file("wide.png", size=(6001, 10)))
    )

    assert response.context["form"].errors["company_logo"] == [
        "The image is too large: at most 6000 \u00d7 6000 pixels."
    ]
    assert stored_files(_media) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [40, 60], ids=["over-limit", "over-twice-limit"])
def test_decompression_bomb_is_rejected(member_client, member, monkeypatch, _media, side):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    response = member_client.post(
        URL, form_data(member, photo=image_file("bomb.png", size=(side, side)))
    )

    assert "too large" in response.context["form"].errors["photo"][0]
    assert stored_files(_media) == []


def test_a_bad_logo_rejects_a_good_photo_too(member_client, member, _media):
    fake_logo = SimpleUploadedFile("logo.png", b"GIF89a-not-really", "image/png")

    response = member_client.post(
        URL, form_data(member, photo=image_file(), company_logo=fake_logo)
    )

    assert "company_logo" in response.context["form"].errors
    member.refresh_from_db()
    assert not member.photo
    assert stored_files(_media) == []


def test_lists_are_trimmed_and_deduplicated(member_client, member):
    member_client.post(
        URL,
        form_data(
            member,
            service_areas=" Austin , round   rock,Austin,, AUSTIN ,Leander ",
            languages="English, Spanish, english",
        ),
    )

    member.refresh_from_db()
    assert member.service_areas == ["Austin", "round rock", "Leander"]
    assert member.languages == ["English", "Spanish"]


def test_lists_can_be_emptied(member_client, member):
    member_client.post(URL, form_data(member, service_areas="", languages=" , "))

    member.refresh_from_db()
    assert member.service_areas == []
    assert member.languages == []


def test_too_many_or_too_long_list_items_are_rejected(member_client, member):
    areas = ", ".join(f"Area {n}" for n in range(21))
    response = member_client.post(URL, form_data(member, service_areas=areas, languages="x" * 41))

    errors = response.context["form"].errors
    assert errors["service_areas"] == ["Enter at most 20 service areas (you entered 21)."]
    assert "at most 40 characters" in errors["languages"][0]
    member.refresh_from_db()
    assert member.service_areas == ["Austin", "Round Rock"]


def test_invalid_phone_and_timezone_are_rejected(member_client, member):
    response = member_client.post(
        URL, form_data(member, cell_phone="call me maybe", timezone="Mars/Olympus")
    )

    errors = response.context["form"].errors
    assert "Enter a phone number" in errors["cell_phone"][0]
    assert "timezone" in errors


def test_edit_updates_search_document_and_records_audit(member_client, member, anon_client):
    assert not anon_client.get("/directory/", {"q": "Pflugerville"}).context["page"].object_list

    member_client.post(URL, form_data(member, service_areas="Pflugerville, Hutto"))

    found = anon_client.get("/directory/", {"q": "Pflugerville"}).context["page"].object_list
    assert [m.pk for m in found] == [member.pk]
    event = AuditEvent.objects.get(action="member.profile_updated")
    assert (event.partnership, event.actor, event.target_id) == (
        member.partnership,
        member.user,
        member.pk,
    )
    assert "service_areas" in event.data["fields"]


def test_the_profile_service_keeps_its_rules_for_any_caller(member, anon_client):
    """Called from a shell or an import (no form): search document and audit all the same."""
    from members.services import update_profile

    update_profile(
        member=member, fields={"service_areas": ["Pflugerville"]}, image_changes={}, actor=None
    )
    found = anon_client.get("/directory/", {"q": "Pflugerville"}).context["page"].object_list
    assert [m.pk for m in found] == [member.pk]
    event = AuditEvent.objects.get(action="member.profile_updated")
    assert event.data["fields"] == ["service_areas"] and event.actor is None


def test_replacing_a_photo_deletes_the_old_files_after_commit(
    member_client, member, _media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, form_data(member, photo=image_file("one.png")))
    member.refresh_from_db()
    first = {member.photo.name, member.photo_thumbnail.name}

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, form_data(member, photo=image_file("two.png", color="red")))
    member.refresh_from_db()

    assert first.isdisjoint(stored_files(_media))
    assert stored_files(_media) == sorted([member.photo.name, member.photo_thumbnail.name])


def test_remove_photo_clears_photo_and_thumbnail(
    member_client, member, _media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, form_data(member, photo=image_file()))

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(URL, form_data(member, **{"photo-clear": "on"}))

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.photo and not member.photo_thumbnail
    assert stored_files(_media) == []


def test_anonymous_visitor_is_sent_to_login(anon_client):
    response = anon_client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_member_of_another_partnership_gets_404_on_this_host(partnership, other_member):
    client = client_for(partnership, other_member)

    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(other_member, job_title="Intruder")).status_code == 404
    other_member.refresh_from_db()
    assert other_member.job_title == "Realtor"


def test_dashboard_shows_referral_link_and_missing_profile_items(member_client, member):
    response = member_client.get("/dashboard/")

    assert response.status_code == 200
    assert 'id="referral-link" value="http://localhost/join/?ref=' + member.slug in response.text
    assert '<button type="button" data-copy="#referral-link">Copy</button>' in response.text
    assert "a profile photo" in response.text and "your MLS agent ID" in response.text
    assert 'href="/dashboard/profile/"' in response.text
    assert f'href="/directory/{member.slug}/"' in response.text
    assert 'href="/admin/"' not in response.text.split("</header>", 1)[1]


def test_dashboard_shows_leadership_links_to_leadership(leader_client):
    response = leader_client.get("/dashboard/")

    main = response.text.split("</header>", 1)[1]
    assert 'href="/admin/"' in main


def test_the_member_allows_profile_updates_from_their_own_page_and_it_is_audited(
    member_client, member
):
    page = member_client.get(URL).text
    assert '<input type="checkbox" name="allows_profile_updates"' in page
    assert "Allows Profile Updates" in page
    assert "every change is emailed to you" in page

    response = member_client.post(URL, form_data(member, allows_profile_updates="on"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.allows_profile_updates
    event = AuditEvent.objects.get(action="member.profile_updated")
    assert event.actor == member.user and "allows_profile_updates" in event.data["fields"]
    checkbox = member_client.get(URL).text.split('name="allows_profile_updates"')[1].split(">")[0]
    assert "checked" in checkbox


def test_unticking_withdraws_the_consent(member_client, member):
    Member.objects.filter(pk=member.pk).update(allows_profile_updates=True)

    member_client.post(URL, form_data(member))

    member.refresh_from_db()
    assert not member.allows_profile_updates


def test_the_time_zone_may_stay_unchosen_or_be_chosen(member_client, member):
    assert member.timezone == ""
    assert member_client.post(URL, form_data(member)).status_code == 302
    member.refresh_from_db()
    assert member.timezone == ""

    response = member_client.post(URL, form_data(member, timezone="Mars/Olympus_Mons"))
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
