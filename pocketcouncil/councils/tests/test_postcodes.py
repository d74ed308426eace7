"""Loading postcodes from ONSPD-style files (issue 16)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pocketcouncil.councils import postcodes
from pocketcouncil.councils.models import CouncilAuditAction, CouncilAuditEntry, Postcode

pytestmark = pytest.mark.django_db

ONSPD = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,lat,long\n"
    "ZE9 1AA,ZE9  1AA,ZE9 1AA,198001,,E10000025,51.751,-1.257\n"
    "ZE9 1AB,ZE9  1AB,ZE9 1AB,198001,200012,E10000025,51.752,-1.258\n"  # terminated
    "ZE9 1AD,ZE9  1AD,ZE9 1AD,198001,,E10000025,99.999999,0.000000\n"  # no grid reference
    "ZE91AE,ZE9  1AE,ze91ae,198001,,E10000025,51.753,-1.259\n"  # written loosely
    "ZE9 1AF,ZE9  1AF,not a postcode,198001,,E10000025,51.753,-1.259\n"
    "ZE9 1AG,ZE9  1AG,ZE9 1AG,198001,,E10000025,north,-1.259\n"
)


def _run(text: str) -> str:
    out = io.StringIO()
    path = Path(settings.BASE_DIR) / "var" / "test-postcodes.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    try:
        call_command("councils_import_postcodes", str(path), stdout=out)
    finally:
        path.unlink()
    return out.getvalue()


def test_an_onspd_file_loads_and_says_what_it_skipped():
    text = _run(ONSPD)
    assert "Columns: postcode pcds, latitude lat, longitude long." in text
    assert "2 postcodes read: 2 added, 0 moved, 0 unchanged." in text
    assert "1 skipped: terminated (doterm is set) (lines 3...)" in text
    assert "1 skipped: no location in the UK" in text
    assert "1 skipped: not a postcode (lines 6...)" in text
    assert "1 skipped: latitude or longitude is not a number (lines 7...)" in text
    assert Postcode.objects.get(postcode="ZE9 1AE").latitude == 51.753
    entry = CouncilAuditEntry.objects.get(action=CouncilAuditAction.POSTCODES_IMPORTED)
    assert entry.council is None
    assert entry.after["added"] == 2


def test_loading_again_moves_only_what_moved():
    _run(ONSPD)
    text = _run(ONSPD.replace("51.751,-1.257", "51.7512,-1.2571"))
    assert "2 postcodes read: 0 added, 1 moved, 1 unchanged." in text
    assert Postcode.objects.get(postcode="ZE9 1AA").latitude == 51.7512


def test_the_shared_oxford_file_shape_loads():
    path = Path(settings.BASE_DIR) / "data" / "geo" / "oxford_postcodes_latlong.csv"
    with path.open("rb") as binary:
        reader = postcodes.PostcodeReader(binary)
        rows = list(reader.rows())
    assert reader.columns == {
        "postcode": "postcode",
        "latitude": "latitude",
        "longitude": "longitude",
    }
    assert len(rows) > 3000
    out = io.StringIO()
    call_command("councils_import_postcodes", str(path), stdout=out)
    assert f"{len(rows)} postcodes read: 0 added, 0 moved, {len(rows)} unchanged." in out.getvalue()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("code,lat,long\nOX1 1RX,51,-1\n", "could not find the postcode column"),
        ("pcds,northing\nOX1 1RX,51\n", "could not find the latitude column"),
    ],
)
def test_a_file_that_is_not_a_postcode_file_is_refused(text, message):
    with pytest.raises(CommandError, match=message):
        _run(text)


def test_the_reader_streams():
    # A reader never holds the file: it reads one line at a time from the stream.
    lines = "pcds,lat,long\n" + "".join(
        f"ZE{n % 9 + 1} {n % 10}AA,51.5,-1.2\n" for n in range(1000)
    )
    reader = postcodes.PostcodeReader(io.BytesIO(lines.encode()))
    rows = reader.rows()
    next(rows)
    assert reader.bytes_read < len(lines)  # after one row, not the whole file read
