"""Open311 responses in XML and JSON, and the specification's error format.

JSON lists are bare arrays, as GeoReport v2 requires. In XML each list has its own element
names (``services/service``, ``service_requests/request``, ...).
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json"}

# How the items of a nested list are named in XML, by the list's element name.
XML_ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "media_urls": "media_url",
}


class Open311Error(Exception):
    """An error reported to the client in the specification's format."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# Characters XML 1.0 cannot carry at all (control characters a client may have sent).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = XML_ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    elif value is not None:
        element.text = _text(value)


def xml_document(root: str, item: str | None, data) -> bytes:
    element = ET.Element(root)
    if item is None:
        _fill(element, data)
    else:
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = xml_document(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return answer(body, FORMATS[fmt], status=status)


def answer(body: bytes | str, content_type: str, *, status: int = 200) -> HttpResponse:
    """An answer any web page may read (CORS): Open311 data is public."""
    response = HttpResponse(body, content_type=content_type, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(fmt: str, status: int, description: str) -> HttpResponse:
    data = [{"code": status, "description": description}]
    return respond(
        fmt if fmt in FORMATS else "json", data, root="errors", item="error", status=status
    )
