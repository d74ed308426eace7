"""Open data responses: CSV and JSON with the Open Government Licence, ETag and Last-Modified.

Every figure on the spending and council tax pages can be downloaded by adding ``format=csv`` or
``format=json`` to the page's address. Those addresses are stable: they are the pages' own.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
FORMATS = ("csv", "json")


def licence_statement(publisher: str) -> str:
    return (
        f"Contains public sector information published by {publisher}, licensed under the "
        f"{LICENCE_NAME} ({LICENCE_URL})."
    )


def wanted_format(request) -> str:
    value = request.GET.get("format", "")
    return value if value in FORMATS else ""


def etag_for(request, last_changed: dt.datetime | None) -> str:
    """Changes when the data changes or the address (filters, format) differs."""
    stamp = last_changed.isoformat() if last_changed else "none"
    return hashlib.sha256(f"{stamp}|{request.get_full_path()}".encode()).hexdigest()[:32]


class _Echo:
    def write(self, value):
        return value


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def download(
    *,
    rows: Iterable[dict],
    columns: list[str],
    file_name: str,
    fmt: str,
    publisher: str,
    meta: dict | None = None,
):
    """A CSV (streamed, so millions of rows never sit in memory) or JSON download."""
    headers = {
        "Link": f'<{LICENCE_URL}>; rel="license"',
        "Access-Control-Allow-Origin": "*",
    }
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(columns)
            for row in rows:
                yield writer.writerow([_plain(row[c]) for c in columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{file_name}.csv"'
    else:
        body = {
            "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
            "attribution": licence_statement(publisher),
            **(meta or {}),
            "columns": columns,
            "rows": [{c: _plain(row[c]) for c in columns} for row in rows],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    for name, value in headers.items():
        response[name] = value
    return response


def set_validators(response, etag: str, last_changed: dt.datetime | None):
    response["ETag"] = f'"{etag}"'
    if last_changed:
        response["Last-Modified"] = http_date(last_changed.timestamp())
    return response
