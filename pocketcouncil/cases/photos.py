"""Photos residents attach to reports: checked, re-encoded, and stripped of metadata.

Whatever a phone sends (JPEG, PNG, HEIC, WebP), the stored photo is a fresh JPEG made from the
pixels only, turned the right way up, at most 2048 pixels on its longest side. EXIF data (the
camera's GPS position, time, device) is never stored: it would expose where the resident lives.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF from iPhones, where the libheif plugin is installed.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is in requirements
    pass

MAX_SIDE = 2048
# How many photos a report may have.
MAX_PHOTOS = 3
# Refuse images that would expand to a huge bitmap in memory (decompression bombs).
MAX_PIXELS = 40_000_000


class PhotoInvalidError(ValueError):
    """The upload is not a photo we can use; the message says why in plain words."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


def max_bytes() -> int:
    return getattr(settings, "CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def process(upload) -> ProcessedPhoto:
    """Check and re-encode one uploaded file. Raises ``PhotoInvalidError``."""
    name = getattr(upload, "name", "photo")
    if upload.size > max_bytes():
        raise PhotoInvalidError(
            _("%(name)s is larger than %(mb)d MB. Choose a smaller photo.")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    if upload.size == 0:
        raise PhotoInvalidError(_("%(name)s is empty. Choose a photo.") % {"name": name})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoInvalidError(
                    _("%(name)s is too large an image. Choose a smaller photo.") % {"name": name}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # A fresh image from the pixels alone: no EXIF, no GPS, no ICC surprises.
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            clean.save(out, format="JPEG", quality=82, optimize=True)
            return ProcessedPhoto(content=out.getvalue(), width=clean.width, height=clean.height)
    except PhotoInvalidError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoInvalidError(
            _("%(name)s is not a photo we can read. Use a JPEG, PNG or HEIC photo.")
            % {"name": name}
        ) from None
