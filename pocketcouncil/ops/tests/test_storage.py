"""Object storage: settings, and private files through short-lived signed URLs on a real
S3-compatible server (moto's, on 127.0.0.1)."""

import contextlib
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from pocketcouncil.core.files import private_file_response
from pocketcouncil.ops import config

BASE = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "photos"}


def test_local_files_are_the_default():
    assert config.storages({}, "x")["default"]["BACKEND"].endswith("FileSystemStorage")


def test_s3_needs_a_bucket_and_a_known_kind():
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        config.storages({"MEDIA_STORAGE": "s3"}, "x")
    with pytest.raises(ImproperlyConfigured, match="local or s3"):
        config.storages({"MEDIA_STORAGE": "ftp"}, "x")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 3600"):
        config.storages({**BASE, "MEDIA_SIGNED_URL_SECONDS": "86400"}, "x")


def test_s3_objects_are_private_with_signed_urls():
    options = config.storages({**BASE, "AWS_S3_ENDPOINT_URL": "http://s3.internal"}, "x")[
        "default"
    ]["OPTIONS"]
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 300
    assert options["endpoint_url"] == "http://s3.internal"


@pytest.fixture(scope="module")
def s3_server():
    # One server for the module: moto keeps its buckets in this process, not per server.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="eu-west-2",
    )
    # moto keeps buckets per process, and pytest-django runs database tests first, so another
    # module's server may have made it already.
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(
            Bucket="photos", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    yield endpoint
    server.stop()


def storage_options(endpoint: str, expire: int = 300) -> dict:
    return config.storages(
        {
            **BASE,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "MEDIA_SIGNED_URL_SECONDS": str(expire),
        },
        "x",
    )


def make_storage(endpoint: str, expire: int = 300) -> S3Storage:
    return S3Storage(**storage_options(endpoint, expire)["default"]["OPTIONS"])


def test_a_private_file_is_reached_only_through_its_signed_url(s3_server):
    storage = make_storage(s3_server, expire=120)
    name = storage.save("cases/photo.jpg", ContentFile(b"\xff\xd8 a photo"))
    unsigned = f"{s3_server}/photos/{name}"
    assert requests.get(unsigned, timeout=5).status_code == 403

    signed = storage.url(name)
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["120"]
    answer = requests.get(signed, timeout=5)
    assert answer.status_code == 200
    assert answer.content == b"\xff\xd8 a photo"
    # (moto does not check signatures, so a tampered one cannot be tested here; real S3 and
    # MinIO refuse it.)


def test_a_view_redirects_to_a_signed_url_with_the_download_name(s3_server):
    storage = make_storage(s3_server)
    name = storage.save("payments/evidence.pdf", ContentFile(b"%PDF-1.7"))

    class Field:
        pass

    field = Field()
    field.storage, field.name = storage, name
    response = private_file_response(field, content_type="application/pdf", filename="proof.pdf")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    answer = requests.get(response["Location"], timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="proof.pdf"'
    assert answer.content == b"%PDF-1.7"


def test_on_local_disk_the_file_is_streamed(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("a.txt", ContentFile(b"hello"))

    class Field:
        def open(self, mode):
            return storage.open(name, mode)

    field = Field()
    field.storage, field.name = storage, name
    response = private_file_response(field, content_type="text/plain")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"


def test_a_private_case_photo_is_handed_out_through_a_signed_url(s3_server, client, demo):
    from django.conf import settings
    from django.test import override_settings
    from django.urls import reverse

    from pocketcouncil.accounts.models import User
    from pocketcouncil.cases import actions, photos
    from pocketcouncil.cases.tests import images
    from pocketcouncil.services.models import Service

    tom = User.objects.get(email="tom.evans@demo.pocketcouncil.example")
    s3 = {**settings.STORAGES, "default": storage_options(s3_server)["default"]}
    with override_settings(STORAGES=s3):
        case = actions.case_create(
            service=Service.objects.get(lgsl=141),
            actor=tom,
            resident=tom,
            council=demo["oxford"],
            description="Damp in the back bedroom",
            photos=[photos.process(images.jpeg_with_gps())],
        )
        url = reverse("cases:photo", args=[case.reference, case.photos.get().token])
        assert client.get(url).status_code == 404  # a private case, not signed in
        client.force_login(tom)
        response = client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in response["Location"]
    answer = requests.get(response["Location"], timeout=5)
    assert answer.status_code == 200
    assert answer.content[:2] == b"\xff\xd8"  # a JPEG
