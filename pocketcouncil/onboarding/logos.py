"""A council's logo: any common bitmap in, a bounded PNG out (no metadata, no script)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 25_000_000
# Big enough for a sharp header on a high-density screen, small enough to send to every page.
MAX_SIZE = (600, 160)
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


class LogoInvalidError(ValueError):
    """The upload is not a logo we can use; the message says why, for the person."""


def logo_process(upload) -> ContentFile:
    """Check an uploaded file and re-encode it as a PNG at most ``MAX_SIZE``.

    SVG is refused: it can carry script, and we would serve it from our own address.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise LogoInvalidError(_("The logo must be smaller than 2 MB."))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise LogoInvalidError(
            _("The logo must be a PNG, JPEG, GIF or WebP image. SVG files are not accepted.")
        ) from None
    if kind not in ACCEPTED_FORMATS:
        raise LogoInvalidError(
            _("The logo must be a PNG, JPEG, GIF or WebP image. SVG files are not accepted.")
        )
    if width * height > MAX_SOURCE_PIXELS:
        raise LogoInvalidError(_("The logo image is too large. Use one under 5000 by 5000 pixels."))
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = image.convert("RGBA")
        image.thumbnail(MAX_SIZE)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")
