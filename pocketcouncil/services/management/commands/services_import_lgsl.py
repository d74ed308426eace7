"""Import the Local Government Service List: ``manage.py services_import_lgsl``. Idempotent."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from pocketcouncil.services import actions, content, lgsl
from pocketcouncil.services.management.commands.services_content_load import write_report


class Command(BaseCommand):
    help = (
        "Import the Local Government Service List (data/lgsl/esd_services_lgsl.csv) into the "
        "service catalogue, then apply the hand-written plain-English content (the files in "
        "pocketcouncil/services/content/, as services_content_load does). Running it again "
        "changes nothing; it reports what it added, changed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=lgsl.LGSL_SERVICES_CSV)
        parser.add_argument(
            "--no-content",
            action="store_true",
            help="Only import the LGSL rows; do not apply the hand-written content.",
        )

    def handle(self, *args, file, no_content=False, verbosity=1, **options):
        interactive = verbosity >= 1 and sys.stderr.isatty()

        def progress(rows):
            return tqdm(rows, desc="LGSL services", unit=" rows", disable=not interactive)

        try:
            report = lgsl.lgsl_import(rows=lgsl.read_rows(file), progress=progress)
        except lgsl.LgslFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"LGSL services: {report.summary()}.")
        if verbosity >= 2:
            for line, why in report.skipped:
                self.stdout.write(f"  skipped line {line}: {why}")
        if not no_content:
            try:
                applied = actions.catalogue_content_apply(entries=content.load_services())
            except (actions.ServiceNotInCatalogueError, content.ContentFileError) as error:
                raise CommandError(str(error)) from None
            write_report(self.stdout, applied)
        self.stdout.write(self.style.SUCCESS("Service catalogue up to date."))
