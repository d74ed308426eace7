"""Reading postcode files: the ONS Postcode Directory (ONSPD) and files shaped like it.
Pure Python, no database; streams, so a 2.7 million line ONSPD file never sits in memory.

Columns are found by their headings (any case): the postcode in ``pcds`` (ONSPD's "AB1 0AA"
form), ``postcode``, ``pcd`` or ``pcd2``; the latitude in ``lat`` or ``latitude``; the longitude
in ``long``, ``lon``, ``lng`` or ``longitude``. ONSPD's terminated postcodes (a ``doterm``) and
those without a grid reference (latitude 99.999999) are skipped and counted.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from pocketcouncil.councils.queries import (
    _POSTCODE,
    PostcodeInvalidError,
    normalise_postcode,
)

POSTCODE_COLUMNS = ("pcds", "postcode", "pcd", "pcd2")
LAT_COLUMNS = ("lat", "latitude")
LON_COLUMNS = ("long", "lon", "lng", "longitude")
TERMINATED_COLUMN = "doterm"
# Great Britain, Northern Ireland, the Channel Islands and the Isle of Man, with a margin.
UK_LAT = (49.0, 61.5)
UK_LON = (-9.0, 2.5)


class PostcodeFileError(ValueError):
    """The file cannot be read as a postcode file at all."""


@dataclass
class Skipped:
    """Lines not loaded, by reason, with the first few line numbers of each."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def add(self, reason: str, line: int) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < 5:
            examples.append(line)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class PostcodeReader:
    """``rows()`` yields (postcode, latitude, longitude); ``skipped`` says what was left out;
    ``bytes_read`` reports progress through the file."""

    def __init__(self, binary: BinaryIO):
        self.binary = binary
        self.text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
        self.reader = csv.reader(self.text)
        self.skipped = Skipped()
        try:
            header = next(self.reader)
        except StopIteration:
            raise PostcodeFileError("The file is empty.") from None
        except csv.Error as error:
            raise PostcodeFileError(f"The first line cannot be read as CSV ({error}).") from None
        names = [h.strip().lower() for h in header]
        self.postcode_index = _find(names, POSTCODE_COLUMNS, "postcode", header)
        self.lat_index = _find(names, LAT_COLUMNS, "latitude", header)
        self.lon_index = _find(names, LON_COLUMNS, "longitude", header)
        self.terminated_index = (
            names.index(TERMINATED_COLUMN) if TERMINATED_COLUMN in names else None
        )
        self.columns = {
            "postcode": header[self.postcode_index],
            "latitude": header[self.lat_index],
            "longitude": header[self.lon_index],
        }

    @property
    def bytes_read(self) -> int:
        try:
            return self.binary.tell()
        except (OSError, ValueError):
            return 0

    def rows(self) -> Iterator[tuple[str, float, float]]:
        pi, ai, oi, ti = self.postcode_index, self.lat_index, self.lon_index, self.terminated_index
        width = max(pi, ai, oi, ti or 0) + 1
        skip = self.skipped.add
        match = _POSTCODE.match
        (lat_min, lat_max), (lon_min, lon_max) = UK_LAT, UK_LON
        try:
            for cells in self.reader:
                line = self.reader.line_num
                if len(cells) < width:
                    if any(c.strip() for c in cells):
                        skip("too few columns", line)
                    continue
                if ti is not None and cells[ti].strip():
                    skip("terminated (doterm is set)", line)
                    continue
                code = cells[pi]
                if not (match(code) and code[-4:-3] == " "):  # "OX4 3BD" is taken as it is
                    try:
                        code = normalise_postcode(code)
                    except PostcodeInvalidError:
                        skip("not a postcode", line)
                        continue
                try:
                    lat, lon = float(cells[ai]), float(cells[oi])
                except ValueError:
                    skip("latitude or longitude is not a number", line)
                    continue
                if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max) or not (
                    math.isfinite(lat) and math.isfinite(lon)
                ):
                    skip("no location in the UK (ONSPD gives 99.999999 for none)", line)
                    continue
                yield code, lat, lon
        except csv.Error as error:
            raise PostcodeFileError(
                f"Line {self.reader.line_num + 1} cannot be read as CSV ({error})."
            ) from None


def _find(names: list[str], candidates: tuple[str, ...], what: str, header: list[str]) -> int:
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    raise PostcodeFileError(
        f"We could not find the {what} column (we look for {', '.join(candidates)}); the "
        f"columns are: {', '.join(header[:40])}."
    )
