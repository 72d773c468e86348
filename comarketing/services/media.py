"""Co-branded media two active partners make together (printable flyers, single property sites,
lead capture pages), and the leads their public pages capture."""

from __future__ import annotations

from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from comarketing.models import Connection, Media, MediaPhoto, SharedLead
from comarketing.services import ComarketingRefused
from comarketing.services.sharing import share_lead
from leads.models import FormKind, Submission
from leads.services.intake import reassign_lead, submit_lead
from members.images import ImageSpec, ProcessedImage
from members.models import Member
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

LEAD_CAPTURED_TEMPLATE = "comarketing/lead_captured"

MAX_PHOTOS = 6
# A listing's photos: stored up to 1600 px like every upload, with a larger thumbnail than a
# member's photo, for the property site's gallery.
LISTING_PHOTO = ImageSpec(
    format="JPEG", extension="jpg", thumbnail_size=(640, 480), crop_thumbnail=True
)
# The kinds with a listing (details and photos), and the kinds with a public page at /m/<slug>/.
LISTING_KINDS = frozenset({Media.Kind.FLYER, Media.Kind.PROPERTY_SITE})
PUBLIC_KINDS = frozenset({Media.Kind.PROPERTY_SITE, Media.Kind.CAPTURE_PAGE})
CONTENT_FIELDS = ["title", "headline", "body", "is_published"]
LISTING_FIELDS = ["address", "price", "bedrooms", "bathrooms", "square_feet"]
SLUG_ATTEMPTS = 20


def media_refusal(member: Member, connection: Connection) -> str | None:
    """Why `member` may not create, edit or delete media of `connection`, or None: either
    partner of an active connection, or the partnership's leadership."""
    if member.partnership_id != connection.partnership_id:
        return "This connection is not in your partnership."
    if connection.deleted_at is not None or not connection.is_active:
        return "Co-branded media is made with active co-marketing partners only."
    if not connection.is_open_to(member):
        return "Only the two partners of a connection (or leadership) make its media."
    return None


def _check(member: Member, connection: Connection) -> None:
    if refusal := media_refusal(member, connection):
        raise ComarketingRefused(refusal)


def _check_content(
    connection: Connection, kind: str, owner: Member, photos: list[ProcessedImage] | None
) -> None:
    if not connection.has_party(owner):
        raise ComarketingRefused("The owner is one of the two partners.")
    if photos and kind not in LISTING_KINDS:
        raise ComarketingRefused("Photos go on flyers and property sites.")
    if photos and len(photos) > MAX_PHOTOS:
        raise ComarketingRefused(f"Up to {MAX_PHOTOS} photos.")


@transaction.atomic
def create_media(
    *,
    connection: Connection,
    member: Member,
    kind: str,
    owner: Member,
    fields: dict,
    photos: list[ProcessedImage],
    actor,
) -> Media:
    """A partner (or leadership) makes a flyer, property site or capture page with the other
    partner; `owner` is whose it is (captured leads are assigned to them). Its public slug comes
    from the title and never changes, so links and embeds keep working."""
    connection = Connection.objects.select_for_update(of=("self",)).get(pk=connection.pk)
    _check(member, connection)
    if kind not in Media.Kind.values:
        raise ComarketingRefused("Choose a flyer, a property site or a lead capture page.")
    _check_content(connection, kind, owner, photos)
    media = Media(
        partnership_id=connection.partnership_id,
        connection=connection,
        kind=kind,
        owner=owner,
        created_by=member,
        **_content(kind, fields),
    )
    _save_with_unique_slug(media)
    _store_photos(media, photos)
    record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.media_created",
        target=media,
        summary=f"{member.display_name} created the {media.get_kind_display().lower()} "
        f"\u201c{media.title}\u201d",
        data={"connection": connection.pk, "owner": owner.pk},
    )
    return media


@transaction.atomic
def update_media(
    *,
    media: Media,
    member: Member,
    owner: Member,
    fields: dict,
    photos: list[ProcessedImage] | None,
    actor,
) -> Media:
    """Either partner (or leadership) edits media; new `photos` replace the old ones, None
    keeps them. The kind and the public slug stay."""
    media = Media.objects.select_for_update(of=("self",)).get(pk=media.pk)
    connection = media.connection
    _check(member, connection)
    _check_content(connection, media.kind, owner, photos)
    content = _content(media.kind, fields)
    for name, value in content.items():
        setattr(media, name, value)
    media.owner = owner
    media.save(update_fields=[*content, "owner", "updated_at"])
    if photos is not None:
        _delete_photos(media)
        _store_photos(media, photos)
    record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.media_updated",
        target=media,
        summary=f"{member.display_name} edited \u201c{media.title}\u201d",
        data={"photos_replaced": photos is not None},
    )
    return media


@transaction.atomic
def delete_media(*, media: Media, member: Member, actor) -> None:
    """Either partner (or leadership) deletes media: its public page and embed go away; leads
    it captured stay, with their shares."""
    media = Media.objects.select_for_update(of=("self",)).get(pk=media.pk)
    _check(member, media.connection)
    _delete_photos(media)
    record_audit(
        partnership=media.connection.partnership,
        actor=actor,
        action="comarketing.media_deleted",
        target=media.connection,
        summary=f"{member.display_name} deleted the {media.get_kind_display().lower()} "
        f"\u201c{media.title}\u201d",
        data={"media": media.pk, "slug": media.slug},
    )
    media.delete()


@transaction.atomic
def capture_lead(
    *,
    media: Media,
    name: str,
    email: str,
    need: str,
    timeframe: str,
    phone: str = "",
    message: str = "",
    consent: bool = False,
    utm: dict | None = None,
    ip_address: str | None = None,
) -> Submission:
    """A prospect submits a property site's or capture page's form. The lead enters the
    partnership's intake like any other (one lead per email, the usual welcome; an opted-out
    lead is open to contact again), is assigned to the page's owner unless a member referred
    them first, and is shared with the other partner once, marked with the page."""
    connection = media.connection
    if (
        media.kind not in PUBLIC_KINDS
        or connection.deleted_at is not None
        or not (connection.is_active)
    ):
        raise ComarketingRefused("This page is not available any more.")
    submission = submit_lead(
        partnership=connection.partnership,
        form=FormKind.CAPTURE,
        name=name,
        email=email,
        phone=phone,
        need=need,
        timeframe=timeframe,
        message=message,
        consent=consent,
        utm=utm,
        ip_address=ip_address,
    )
    lead = submission.lead
    # The intake's referrer notice already told the owner of a returning lead of theirs.
    told_by_intake = lead.referring_member_id == media.owner_id
    # policy: a lead is assigned to the member who referred them, the first one: the page's
    # owner only when no member came before.
    if lead.referring_member_id is None:
        lead = reassign_lead(lead=lead, member=media.owner, actor=None)
    other = connection.partner if media.owner_id == connection.lender_id else connection.lender
    # A page is made through an active connection, which has its partner.
    assert other is not None  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
    if not told_by_intake:
        _tell_owner(media, submission, lead, other)
    _share_once(media, lead, other)
    record_audit(
        partnership=connection.partnership,
        actor=None,
        action="comarketing.lead_captured",
        target=lead,
        summary=f"Submitted the {media.get_kind_display().lower()} \u201c{media.title}\u201d",
        data={"media": media.pk, "submission": submission.pk, "owner": media.owner_id},
    )
    return submission


def _share_once(media: Media, lead, other: Member) -> None:
    """The other partner hears through the share's own email, once per lead."""
    connection = media.connection
    already_shared = (
        SharedLead.objects.for_partnership(connection.partnership)
        .filter(connection=connection, lead=lead, shared_with=other)
        .exists()
    )
    if not already_shared:
        share_lead(
            connection=connection,
            lead=lead,
            member=media.owner,
            note=f"Captured by the {media.get_kind_display().lower()} \u201c{media.title}\u201d.",
            actor=None,
            media=media,
        )


def _tell_owner(media: Media, submission: Submission, lead, other: Member) -> None:
    """The page's owner hears of the lead once per page (a double submit or a return visit sends
    nothing more): whose lead it is, what they asked, and a link to the lead's page."""
    partnership = media.connection.partnership
    queue_email(
        partnership=partnership,
        key=f"comarketing:media:{media.pk}:captured:{lead.pk}",
        template=LEAD_CAPTURED_TEMPLATE,
        to=media.owner.email,
        context={
            "owner": media.owner,
            "partner": other,
            "media": media,
            "lead": lead,
            "submission": submission,
            "is_yours": lead.referring_member_id == media.owner_id,
            "lead_url": partnership.absolute_url(lead.get_absolute_url()),
        },
        about=lead,
    )


def _content(kind: str, fields: dict) -> dict:
    """The media's own fields from `fields`; listing details only where there is a listing."""
    content = {name: fields[name] for name in CONTENT_FIELDS}
    content["title"] = " ".join(content["title"].split())
    if not content["title"]:
        raise ComarketingRefused("Give it a title.")
    for name in LISTING_FIELDS:
        blank = "" if name == "address" else None
        content[name] = fields.get(name, blank) if kind in LISTING_KINDS else blank
    return content


def _save_with_unique_slug(media: Media) -> None:
    """The public slug: the title's, with a number when taken. Slugs are unique across
    partnerships (the column's constraint), so the check spans them; a race is settled by the
    constraint and the next number."""
    base = slugify(media.title)[:70].strip("-") or "page"
    taken = set(Media.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    number = 1
    for _ in range(SLUG_ATTEMPTS):
        while (slug := base if number == 1 else f"{base}-{number}") in taken:
            number += 1
        media.slug = slug
        try:
            with transaction.atomic():
                media.save()
        except IntegrityError:
            taken.add(slug)
            continue
        return
    raise ComarketingRefused("Could not find a free address for this title; change the title.")


def _store_photos(media: Media, photos: list[ProcessedImage]) -> None:
    """Write each photo and its thumbnail; files written for a failed save are removed."""
    storage: Storage = MediaPhoto.image.field.storage
    written: list[str] = []
    try:
        for position, processed in enumerate(photos):
            photo = MediaPhoto(partnership_id=media.partnership_id, media=media, position=position)
            stem = f"{media.slug}-{position + 1}"
            for field, content, name in (
                (photo.image, processed.image, f"{stem}.jpg"),
                (photo.thumbnail, processed.thumbnail, f"{stem}-thumb.jpg"),
            ):
                field.save(name, content, save=False)
                written.append(str(field.name))
            photo.save()
    except Exception:
        _delete_files(storage, written)
        raise


def _delete_photos(media: Media) -> None:
    """Remove the media's photo rows now and their files once the transaction committed."""
    storage: Storage = MediaPhoto.image.field.storage
    names = [
        name
        for pair in MediaPhoto.objects.filter(media=media).values_list("image", "thumbnail")
        for name in pair
        if name
    ]
    MediaPhoto.objects.filter(media=media).delete()
    transaction.on_commit(lambda: _delete_files(storage, names))


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
