"""Import an Open Referral UK 3.0 feed into a council's community directory.

manage.py directory_import_openreferral --council oxford service.json        # one full service
manage.py directory_import_openreferral --council oxford page.json           # a page of services
manage.py directory_import_openreferral --council oxford folder/             # CSV datapackage
manage.py directory_import_openreferral --council oxford --url https://api.example.org/
manage.py directory_import_openreferral --council oxford folder/ --dry-run   # report only

Idempotent by id: running it twice changes nothing the second time. Every rejected record is
listed with the reason; the command exits with status 1 if any record was rejected.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils.models import Council
from pocketcouncil.directory import actions, feed


class Command(BaseCommand):
    help = "Import an Open Referral UK 3.0 feed (JSON file, CSV folder or API) for a council."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="A JSON file or a folder of ORUK CSV files.")
        parser.add_argument(
            "--council", required=True, help="The council's short name (slug), e.g. oxford."
        )
        parser.add_argument(
            "--url", help="The address of a remote ORUK API (its /services pages are followed)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--demo", action="store_true", help="Label the listings as demonstration data."
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        try:
            council = Council.objects.get(slug=options["council"])
        except Council.DoesNotExist:
            raise CommandError(f"No council with the short name {options['council']!r}.") from None
        if bool(options["path"]) == bool(options["url"]):
            raise CommandError("Give either a PATH or --url, not both and not neither.")
        try:
            if options["url"]:
                tables = feed.read_url(options["url"], log=self._log)
            else:
                tables = feed.read_path(Path(options["path"]))
        except feed.FeedError as error:
            raise CommandError(str(error)) from None
        report = actions.directory_import(
            council=council,
            tables=tables,
            actor=None,
            dry_run=options["dry_run"],
            is_demo=options["demo"],
        )
        prefix = "Dry run (nothing saved): " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{council.name}: {len(report.services_created)} new services, "
            f"{len(report.services_updated)} changed, {len(report.rejected)} records rejected."
        )
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        for note in report.notes + report.warnings:
            self.stdout.write(f"  Note: {note}")
        for rejection in report.rejected:
            self.stderr.write(f"  Rejected {rejection}")
        if report.rejected:
            raise SystemExit(1)

    def _log(self, message: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(message)
