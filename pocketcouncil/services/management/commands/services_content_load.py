"""Apply the service content files: ``manage.py services_content_load``. Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pocketcouncil.services import actions, content


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Read the national service content files (pocketcouncil/services/content/*.toml), check "
        "them and write what differs over the service catalogue. Running it again changes "
        "nothing. It says which services changed; --dry-run says so without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=content.CONTENT_DIR)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report; write nothing."
        )

    def handle(self, *args, dir, dry_run=False, verbosity=1, **options):
        try:
            entries = content.load_services(dir)
        except content.ContentFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Read {len(entries)} services from {dir}.")
        try:
            with transaction.atomic():
                applied = actions.catalogue_content_apply(entries=entries)
                if dry_run:
                    raise _DryRun
        except actions.ServiceNotInCatalogueError as error:
            raise CommandError(f"{error} (manage.py services_import_lgsl)") from None
        except _DryRun:
            pass
        write_report(self.stdout, applied)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Service content up to date."))


def write_report(stdout, applied: actions.ContentReport) -> None:
    for label in sorted({*applied.created, *applied.changed, *applied.unchanged}):
        stdout.write(
            f"Hand-written {label}: {applied.created[label]} added, "
            f"{applied.changed[label]} changed, {applied.unchanged[label]} unchanged, "
            f"{applied.deleted[label]} removed."
        )
    for name in applied.changed_services:
        stdout.write(f"  changed: {name}")
