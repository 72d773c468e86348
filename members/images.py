"""Uploaded images: sniffed and checked by Pillow, re-encoded, resized, and thumbnailed.

Nothing the browser sent is stored as is: a file becomes a fresh JPEG (photos) or PNG (logos),
which drops EXIF metadata (GPS position included) and anything hidden after the image data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_DIMENSION = 6000
STORED_MAX_SIZE = (1600, 1600)
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"

WRONG_TYPE = "Upload a JPEG, PNG, WebP or GIF image."
DAMAGED = "This image file is damaged or incomplete. Save it again and upload the new file."
TOO_MANY_PIXELS = "The image is too large: at most {limit} \u00d7 {limit} pixels."


@dataclass(frozen=True)
class ImageSpec:
    """How one kind of upload is stored: file format and thumbnail shape."""

    format: str
    extension: str
    thumbnail_size: tuple[int, int]
    crop_thumbnail: bool


PHOTO = ImageSpec(format="JPEG", extension="jpg", thumbnail_size=(256, 256), crop_thumbnail=True)
LOGO = ImageSpec(format="PNG", extension="png", thumbnail_size=(256, 256), crop_thumbnail=False)


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile


def human_size(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def process_image_upload(upload, *, spec: ImageSpec, name: str) -> ProcessedImage:
    """Validate an uploaded file and return the re-encoded image and its thumbnail.

    Raises ValidationError with a message for the form field; never writes anything.
    `name` is the stem for the stored files (e.g. the member's slug).
    """
    limit = settings.MAX_UPLOAD_IMAGE_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(f"The image is larger than {human_size(limit)}.", code="too_big")
    image = _open_checked(upload)
    image = _for_storage(image, spec)
    image.thumbnail(STORED_MAX_SIZE, Image.Resampling.LANCZOS)
    if spec.crop_thumbnail:
        thumbnail = ImageOps.fit(image, spec.thumbnail_size, Image.Resampling.LANCZOS)
    else:
        thumbnail = image.copy()
        thumbnail.thumbnail(spec.thumbnail_size, Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=ContentFile(_encode(image, spec), name=f"{name}.{spec.extension}"),
        thumbnail=ContentFile(_encode(thumbnail, spec), name=f"{name}-thumb.{spec.extension}"),
    )


def _open_checked(upload) -> Image.Image:
    """Open the upload with Pillow, refusing other formats, bombs and damaged files."""
    try:
        upload.seek(0)
        probe = Image.open(upload)  # reads the header only
        probe_format = probe.format
        width, height = probe.size
        probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except Image.UnidentifiedImageError as exc:
        raise ValidationError(WRONG_TYPE, code="invalid_image") from exc
    except Exception as exc:  # Pillow raises many kinds on corrupt data.
        raise ValidationError(DAMAGED, code="damaged_image") from exc
    if probe_format not in ALLOWED_FORMATS:
        raise ValidationError(WRONG_TYPE, code="invalid_image")
    # Pillow only warns below twice MAX_IMAGE_PIXELS; refuse from MAX_IMAGE_PIXELS on.
    pixel_cap = Image.MAX_IMAGE_PIXELS
    if (
        width > MAX_DIMENSION
        or height > MAX_DIMENSION
        or (pixel_cap and width * height > pixel_cap)
    ):
        raise _too_many_pixels()
    try:
        # verify() leaves the image unusable: open it again to decode the pixels.
        upload.seek(0)
        image = Image.open(upload)
        image.load()
        return ImageOps.exif_transpose(image)
    except Exception as exc:
        raise ValidationError(DAMAGED, code="damaged_image") from exc


def _too_many_pixels() -> ValidationError:
    return ValidationError(TOO_MANY_PIXELS.format(limit=MAX_DIMENSION), code="too_many_pixels")


def _for_storage(image: Image.Image, spec: ImageSpec) -> Image.Image:
    """Photos become RGB (transparency over white); logos keep their transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if spec.format == "PNG":
        return image.convert("RGBA" if has_alpha else "RGB")
    if has_alpha:
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, (255, 255, 255))
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return image.convert("RGB")


def _encode(image: Image.Image, spec: ImageSpec) -> bytes:
    buffer = io.BytesIO()
    if spec.format == "JPEG":
        image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    else:
        image.save(buffer, format=spec.format, optimize=True)
    return buffer.getvalue()
