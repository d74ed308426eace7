"""Load postcode centres (shared by every council) from an ONSPD-style CSV file.

manage.py councils_import_postcodes ONSPD_FEB_2025_UK.csv
manage.py councils_import_postcodes data/geo/oxford_postcodes_latlong.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils import actions, postcodes


class Command(BaseCommand):
    help = (
        "Load postcodes from a CSV file with pcds (or postcode), lat and long (or latitude and "
        "longitude) columns, such as the ONS Postcode Directory. New postcodes are added, moved "
        "ones updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (it is off anyway when the output is not a terminal).",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        bar = progress = None
        if not options["no_progress"] and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name)

            def progress(rows, bytes_read):
                bar.update(bytes_read - bar.n)
                bar.set_postfix(postcodes=rows, refresh=False)

        try:
            with path.open("rb") as binary:
                reader = postcodes.PostcodeReader(binary)
                result = actions.postcodes_import(reader=reader, actor=None, progress=progress)
        except postcodes.PostcodeFileError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        columns = reader.columns
        self.stdout.write(
            f"Columns: postcode {columns['postcode']}, latitude {columns['latitude']}, "
            f"longitude {columns['longitude']}."
        )
        self.stdout.write(
            f"{result.rows} postcodes read: {result.added} added, {result.moved} moved, "
            f"{result.unchanged} unchanged."
        )
        for reason, count in reader.skipped.counts.items():
            lines = ", ".join(str(n) for n in reader.skipped.examples[reason])
            self.stdout.write(f"  {count} skipped: {reason} (lines {lines}...)")
