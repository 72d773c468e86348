"""The flyer's images, ready for print: uploads read safely (a missing or damaged file leaves the
image out, never the flyer), flattened onto white, cropped or fitted to their box and scaled to
what print needs; the listing's photo grid."""

from __future__ import annotations

import io
import logging

from django.contrib.staticfiles import finders
from PIL import Image, ImageOps
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from comarketing.models import Media

log = logging.getLogger(__name__)

DEFAULT_SEAL = "images/default-seal.png"
MAX_PHOTOS = 4
PHOTO_GAP = 6
# Pixels per inch kept for images: sharp in print without carrying full-size uploads.
IMAGE_DPI = 200


def listing_photos(media: Media, *, width: float, height: float) -> list[ImageReader]:
    """The first readable photos, up to four, each cropped to its place in the grid."""
    images = []
    for photo in media.photos.all():
        if len(images) == MAX_PHOTOS:
            break
        image = load_image(photo.image)
        if image:
            images.append(image)
    return [
        for_print(
            image,
            box=PhotoGrid.box(index=index, count=len(images), width=width, height=height),
            crop=True,
        )
        for index, image in enumerate(images)
    ]


class Picture(Flowable):
    """An image drawn into a fixed box, keeping its proportions."""

    def __init__(self, image, width, height):
        super().__init__()
        self.image, self.width, self.height = image, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.drawImage(
            self.image, 0, 0, self.width, self.height, preserveAspectRatio=True, anchor="c"
        )


class PhotoGrid(Flowable):
    """The listing photos: the first one large on the left, up to three stacked on the right
    (the first takes the whole width when it is the only one)."""

    SIDE_WIDTH = 172

    def __init__(self, photos, width, height):
        super().__init__()
        self.photos, self.width, self.height = photos, width, height

    @classmethod
    def box(cls, *, index, count, width, height):
        """Width and height (points) of photo `index` in a grid of `count` photos."""
        if count == 1:
            return width, height
        if index == 0:
            return width - cls.SIDE_WIDTH - PHOTO_GAP, height
        side = count - 1
        return cls.SIDE_WIDTH, (height - PHOTO_GAP * (side - 1)) / side

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        count = len(self.photos)
        for index, photo in enumerate(self.photos):
            width, height = self.box(index=index, width=self.width, height=self.height, count=count)
            if index == 0:
                x, y = 0, 0
            else:
                x = self.width - self.SIDE_WIDTH
                y = self.height - index * height - (index - 1) * PHOTO_GAP
            self.canv.drawImage(photo, x, y, width, height)


def seal_image(partnership, *, size: float) -> ImageReader | None:
    """The partnership's seal, or the default one when none was uploaded or it is unreadable."""
    seal = load_image(partnership.seal)
    if not seal:
        path = finders.find(DEFAULT_SEAL)
        seal = load_image(path) if path else None
    return for_print(seal, box=(size, size)) if seal else None


def load_image(source) -> Image.Image | None:
    """The image in an image field (or at a file path), or None when the field is empty or the
    file missing or unreadable: the flyer then goes out without that image."""
    if not source:
        return None
    try:
        if isinstance(source, str):
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            with source.open("rb") as handle:
                data = handle.read()
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except Exception:  # A missing file, a damaged one: Pillow raises many kinds.
        log.warning("Flyer image %s left out", getattr(source, "name", source), exc_info=True)
        return None
    return flatten(image)


def for_print(image: Image.Image, *, box, crop=False) -> ImageReader:
    """`image` for a box of `box` points: cropped to the box's proportions when `crop` (photos),
    else fitted inside it (logos, seal), and scaled down to what print needs."""
    width_px, height_px = (round(side * IMAGE_DPI / 72) for side in box)
    if not crop:
        image = image.copy()
        image.thumbnail((width_px, height_px), Image.Resampling.LANCZOS)
        return ImageReader(image)
    scale = min(1, image.width / width_px, image.height / height_px)
    size = (max(1, round(width_px * scale)), max(1, round(height_px * scale)))
    image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    # Photos travel as JPEG, which the PDF embeds as is; logos and seals stay lossless.
    encoded = io.BytesIO()
    image.save(encoded, format="JPEG", quality=85)
    encoded.seek(0)
    return ImageReader(encoded)


def flatten(image: Image.Image) -> Image.Image:
    """RGB with any transparency over white, the paper's colour."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flattened = Image.new("RGB", rgba.size, (255, 255, 255))
    flattened.paste(rgba, mask=rgba.getchannel("A"))
    return flattened
