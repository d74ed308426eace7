"""Uploaded photos are checked, re-encoded and stripped of location data."""

import io

import pytest
from PIL import Image

from pocketcouncil.cases import photos
from pocketcouncil.cases.tests import images


def reopen(processed):
    return Image.open(io.BytesIO(processed.content))


def test_jpeg_is_reencoded_turned_upright_and_loses_its_exif():
    processed = photos.process(images.jpeg_with_gps())
    image = reopen(processed)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (48, 64)  # the EXIF orientation was applied
    exif = image.getexif()
    assert len(exif) == 0
    assert not exif.get_ifd(0x8825)  # no GPS
    assert b"PhoneMaker" not in processed.content


def test_png_with_transparency_becomes_a_jpeg():
    assert reopen(photos.process(images.png_with_alpha())).format == "JPEG"


def test_heic_from_an_iphone_is_accepted():
    assert reopen(photos.process(images.heic())).format == "JPEG"


def test_not_an_image_is_refused_by_name():
    with pytest.raises(photos.PhotoInvalidError, match="photo.jpg is not a photo we can read"):
        photos.process(images.not_an_image())


def test_too_large_is_refused(settings):
    settings.CASES_PHOTO_MAX_BYTES = 100
    with pytest.raises(photos.PhotoInvalidError, match="larger than"):
        photos.process(images.jpeg_with_gps())


def test_empty_file_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(photos.PhotoInvalidError, match="empty"):
        photos.process(SimpleUploadedFile("x.jpg", b""))


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 100)
    with pytest.raises(photos.PhotoInvalidError, match="too large an image"):
        photos.process(images.jpeg_with_gps())


def test_big_photos_are_scaled_down():
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (1, 2, 3)).save(out, format="JPEG")
    processed = photos.process(SimpleUploadedFile("big.jpg", out.getvalue()))
    assert max(processed.width, processed.height) == photos.MAX_SIDE
