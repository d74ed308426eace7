"""Small images made in memory for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_with_gps(name: str = "photo.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG carrying EXIF with a GPS position and the camera make, as phones write it."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 44.0, 30.0)
    gps[3] = "W"
    gps[4] = (1.0, 13.0, 40.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png_with_alpha(name: str = "photo.png") -> SimpleUploadedFile:
    image = Image.new("RGBA", (40, 40), (0, 0, 255, 128))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def heic(name: str = "photo.heic") -> SimpleUploadedFile:
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(Image.new("RGB", (32, 32), (0, 128, 0))).save(out, quality=50)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/heic")


def not_an_image(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is not a picture", content_type="image/jpeg")
