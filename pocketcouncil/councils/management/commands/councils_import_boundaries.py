"""Load a council's ward (or division, or parish) boundaries from an ONS/OS GeoJSON file.

manage.py councils_import_boundaries cherwell wards_2023_cherwell.geojson
manage.py councils_import_boundaries cherwell wards.geojson --valid-from 2027-05-06
manage.py councils_import_boundaries cardiff wards.geojson --code-property CODE \
    --name-property NAME --name-cy-property NAME_CY --kind ward
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils import actions, boundaries
from pocketcouncil.councils.models import Council

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Load a council's boundaries from a GeoJSON FeatureCollection (WGS84 or British National "
        "Grid). A file that changes any area starts a new generation; the same file again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("council", help="The council's short name (slug).")
        parser.add_argument("path", help="The GeoJSON file.")
        parser.add_argument(
            "--valid-from",
            type=dt.date.fromisoformat,
            help="YYYY-MM-DD the boundaries take effect from, if they change (default today).",
        )
        parser.add_argument("--code-property", help="The property holding each GSS code.")
        parser.add_argument("--name-property", help="The property holding each English name.")
        parser.add_argument("--name-cy-property", help="The property holding each Welsh name.")
        parser.add_argument(
            "--kind",
            choices=sorted(set(boundaries.PREFIX_KINDS.values())),
            help="What the areas are, if the code property does not say (WDxxCD: ward, "
            "CEDxxCD: division, PARxxCD: parish).",
        )

    def handle(self, *args, **options):
        try:
            council = Council.objects.get(slug=options["council"])
        except Council.DoesNotExist:
            raise CommandError(f"No council with the short name {options['council']!r}.") from None
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            parsed = boundaries.read(
                path,
                code_property=options["code_property"],
                name_property=options["name_property"],
                name_cy_property=options["name_cy_property"],
                kind=options["kind"],
            )
            result = actions.boundaries_import(
                council=council,
                boundary_file=parsed,
                valid_from=options["valid_from"],
                source=path.name,
                sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                actor=None,
            )
        except (boundaries.BoundaryFileError, actions.BoundaryImportError) as error:
            raise CommandError(str(error)) from None
        welsh = f", Welsh names from {parsed.name_cy_property}" if parsed.name_cy_property else ""
        self.stdout.write(
            f"{path.name}: {len(parsed.features)} {parsed.kind}s in {parsed.crs}; codes from "
            f"{parsed.code_property}, names from {parsed.name_property}{welsh}."
        )
        for repair in parsed.repairs:
            self.stdout.write(f"  {repair}")
        if result.generation is None and not result.changes_anything:
            self.stdout.write(f"No change: all {result.unchanged} are already loaded as they are.")
            return
        if result.generation is not None:
            self.stdout.write(
                f"Generation {result.generation.number} of {council.name}'s boundaries, valid "
                f"from {result.generation.valid_from:%d %B %Y}."
            )
        for label, items in [
            ("added", result.added),
            ("changed (new boundary)", result.changed),
            ("removed", result.removed),
            ("renamed", result.renamed),
        ]:
            self.stdout.write(f"{len(items)} {label}")
            for code, name in items[:SHOWN]:
                self.stdout.write(f"  {code} {name}")
            if len(items) > SHOWN:
                self.stdout.write(f"  ... and {len(items) - SHOWN} more")
        self.stdout.write(f"{result.unchanged} unchanged")
        if result.council_area_updated:
            self.stdout.write(f"{council.name}'s own area is now the union of its {parsed.kind}s.")
