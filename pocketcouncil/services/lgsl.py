# ruff: noqa: E501 - the rule table reads better one rule a line
"""Importing the Local Government Service List (LGSL) into the catalogue.

The LGSL gives each service a number, a label and a description, but not who provides it in a
two-tier area nor a resident-friendly topic. For the ~1,450 services without hand-written
content, ``classify`` guesses both from words in the label (first matching rule wins); the
hand-written content (the files in ``content/``) always overrides the guess for the services it covers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pocketcouncil.councils.models import ServiceTier
from pocketcouncil.services.models import Service, Topic

LGSL_DIR = Path(settings.BASE_DIR) / "data" / "lgsl"
LGSL_SERVICES_CSV = LGSL_DIR / "esd_services_lgsl.csv"

# (label pattern, topic, tier). County-tier words first: in a two-tier area the county runs
# roads, transport, schools, social care, libraries, registration and waste disposal.
_RULES: list[tuple[str, str, str]] = [
    (
        r"school|education|pupil|nursery|special educational|childcare|young people",
        Topic.EDUCATION,
        ServiceTier.COUNTY,
    ),
    (r"child|fostering|adoption|youth", Topic.EDUCATION, ServiceTier.COUNTY),
    (
        r"social care|\bcare\b|carer|disabled|older people|elderly|meals|telecare|respite|safeguard|occupational therapy|hospice|mental health|public health|drug|alcohol advice",
        Topic.CARE,
        ServiceTier.COUNTY,
    ),
    (r"librar|book|museum|archive|record office", Topic.LEISURE, ServiceTier.COUNTY),
    (
        r"birth|death|marriage|civil partnership|citizenship|wedding|registrar|funeral|burial|cremat|cemeter",
        Topic.REGISTRATION,
        ServiceTier.COUNTY,
    ),
    (
        r"road|highway|pavement|footway|street lighting|traffic|gully|drain|bridge|grit|snow|speed|kerb|rights of way|cycl|pedestrian",
        Topic.STREETS,
        ServiceTier.COUNTY,
    ),
    (r"bus|transport|park and ride|rail|concessionary", Topic.PARKING, ServiceTier.COUNTY),
    (
        r"trading standards|weights and measures|fair trading|consumer",
        Topic.BUSINESS,
        ServiceTier.COUNTY,
    ),
    (r"waste disposal|disposal site|recycling site|flood", Topic.BINS, ServiceTier.COUNTY),
    (
        r"waste|recycl|bin|litter|fly|graffiti|street clean|dog fouling|dead animal|abandoned vehicle",
        Topic.BINS,
        ServiceTier.DISTRICT,
    ),
    (r"parking|car park|clamping", Topic.PARKING, ServiceTier.DISTRICT),
    (
        r"council tax|benefit|business rates|discretionary|hardship|universal credit",
        Topic.COUNCIL_TAX,
        ServiceTier.DISTRICT,
    ),
    (
        r"hous|homeless|tenan|rent|landlord|home repair|hmo|multiple occupation",
        Topic.HOUSING,
        ServiceTier.DISTRICT,
    ),
    (
        r"noise|pest|pollution|nuisance|air quality|smoke|environmental health|asbestos|contaminat|food",
        Topic.ENVIRONMENT,
        ServiceTier.DISTRICT,
    ),
    (
        r"planning|building control|tree|conservation|listed build|demolition",
        Topic.PLANNING,
        ServiceTier.DISTRICT,
    ),
    (r"licen|permit|certificate|registration", Topic.LICENCES, ServiceTier.DISTRICT),
    (
        r"park|open space|allotment|leisure|sport|play|swimming|countryside|events|arts|tourism",
        Topic.LEISURE,
        ServiceTier.DISTRICT,
    ),
    (r"elect|vote|voting|poll|electoral", Topic.REGISTRATION, ServiceTier.DISTRICT),
    (r"anti-social|crime|community safety|emergenc|cctv", Topic.COMMUNITY, ServiceTier.DISTRICT),
    (r"business|market|trade|economic|employment", Topic.BUSINESS, ServiceTier.DISTRICT),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), topic, tier) for pattern, topic, tier in _RULES]


def classify(label: str) -> tuple[str, str]:
    """A best guess of (topic, tier) for an LGSL label without hand-written content."""
    for pattern, topic, tier in _COMPILED:
        if pattern.search(label):
            return str(topic), str(tier)
    return str(Topic.OTHER), str(ServiceTier.DISTRICT)


class LgslFileError(ValueError):
    """The LGSL file is missing or not in the expected shape."""


@dataclass(frozen=True)
class LgslRow:
    lgsl: int
    label: str
    description: str


@dataclass
class ImportReport:
    added: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
        )


def read_rows(path: Path = LGSL_SERVICES_CSV) -> Iterator[tuple[int, LgslRow | str]]:
    """Yield (line number, row) or (line number, why it was skipped)."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise LgslFileError(f"Cannot read {path}: {error.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"Identifier", "Label", "Description"} - set(reader.fieldnames or [])
        if missing:
            raise LgslFileError(f"{path} has no column {', '.join(sorted(missing))}.")
        for row in reader:
            line = reader.line_num
            identifier = (row.get("Identifier") or "").strip()
            label = " ".join((row.get("Label") or "").split())
            if not identifier.isdigit():
                yield line, f"identifier {identifier!r} is not a number"
                continue
            if not label:
                yield line, "no label"
                continue
            description = " ".join((row.get("Description") or "").replace("\xa0", " ").split())
            yield line, LgslRow(int(identifier), label[:300], description)


@transaction.atomic
def lgsl_import(
    *, rows: Iterable[tuple[int, LgslRow | str]], actor=None, progress=None
) -> ImportReport:
    """Add new LGSL services and refresh the label and description of known ones.

    Idempotent: unchanged rows are not written. A service's plain-English name, summary, topic
    and tier are only set when it is first added (afterwards they belong to the editors).
    ``actor`` is the person or process running the import (None for the command line).
    ``progress`` wraps the row iterator (a tqdm progress bar on a terminal).
    """
    report = ImportReport()
    existing = {
        s.lgsl: s for s in Service.objects.only("pk", "lgsl", "lgsl_label", "lgsl_description")
    }
    seen: set[int] = set()
    new, changed = [], []
    iterator = progress(rows) if progress else rows
    for line, row in iterator:
        if isinstance(row, str):
            report.skipped.append((line, row))
            continue
        if row.lgsl in seen:
            report.skipped.append((line, f"LGSL {row.lgsl} appears twice"))
            continue
        seen.add(row.lgsl)
        current = existing.get(row.lgsl)
        if current is None:
            topic, tier = classify(row.label)
            new.append(
                Service(
                    lgsl=row.lgsl,
                    lgsl_label=row.label,
                    lgsl_description=row.description,
                    name=row.label[:200],
                    topic=topic,
                    tier=tier,
                )
            )
            report.added.append(row.lgsl)
        elif (current.lgsl_label, current.lgsl_description) != (row.label, row.description):
            current.lgsl_label, current.lgsl_description = row.label, row.description
            changed.append(current)
            report.changed.append(row.lgsl)
        else:
            report.unchanged += 1
    Service.objects.bulk_create(new, batch_size=500)
    # bulk_update skips auto_now, so set updated_at for the catalogue's version stamp.
    now = timezone.now()
    for service in changed:
        service.updated_at = now
    Service.objects.bulk_update(
        changed, ["lgsl_label", "lgsl_description", "updated_at"], batch_size=500
    )
    return report
