"""Import a council's spending CSV file from the command line.

manage.py transparency_import_spending oxford data/spending/oxford.csv
manage.py transparency_import_spending oxford file.csv --dry-run        # show the columns
manage.py transparency_import_spending oxford file.csv --map amount=7 --map supplier=9
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.transparency import actions, spending_csv
from pocketcouncil.transparency.management.arguments import council_and_file
from pocketcouncil.transparency.models import ImportIssue, ImportState


class Command(BaseCommand):
    help = "Import a spending CSV file (payments over £500) for a council."

    def add_arguments(self, parser):
        parser.add_argument("council", help="The council's short name (slug), e.g. oxford.")
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=(
                "Use column number COLUMN (1 is the first) for FIELD, one of "
                f"{', '.join(spending_csv.FIELDS)}; 0 for none. Overrides the guess."
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the header and columns; import nothing."
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (it is off anyway when the output is not a terminal).",
        )

    def handle(self, *args, **options):
        council, path = council_and_file(options)
        try:
            with path.open("rb") as binary:
                info = spending_csv.preview(binary)
        except spending_csv.SpendingFileError as error:
            raise CommandError(str(error)) from None
        mapping = dict(info["mapping"])
        for item in options["map"]:
            field, _, column = item.partition("=")
            if field not in spending_csv.FIELDS or not column.isdigit():
                raise CommandError(f"--map {item}: expected FIELD=COLUMN, e.g. amount=7.")
            mapping[field] = int(column) - 1 if int(column) else None
        self._show_mapping(info, mapping, given={item.partition("=")[0] for item in options["map"]})
        try:
            spending_csv.check_mapping(mapping, info["header"])
        except spending_csv.SpendingFileError as error:
            if options["dry_run"]:
                self.stdout.write(f"Not ready to import: {error}")
                return
            raise CommandError(
                f"{error} Say which column holds it with --map FIELD=COLUMN, e.g. --map "
                "amount=8 (the columns are listed above)."
            ) from None
        if options["dry_run"]:
            return
        progress = None
        bar = None
        if not options["no_progress"] and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name)

            def progress(rows, bytes_read):
                bar.update(bytes_read - bar.n)
                bar.set_postfix(rows=rows, refresh=False)

        try:
            result = actions.spending_import_file(
                council=council, path=path, actor=None, mapping=mapping, progress=progress
            )
        except actions.SpendingImportError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        if result.state != ImportState.IMPORTED:
            raise CommandError(f"Import {result.pk} failed: {result.error}")
        self.stdout.write(
            f"Import {result.pk}: {result.rows_read} lines read, {result.rows_imported} payments "
            f"imported, {result.rows_skipped} skipped, {result.rows_with_warnings} with warnings."
        )
        for issue in ImportIssue.objects.filter(spending_import=result)[:50]:
            self.stdout.write(f"  line {issue.line_number} ({issue.severity}): {issue.message}")
        more = ImportIssue.objects.filter(spending_import=result).count() - 50
        if more > 0:
            self.stdout.write(f"  ... and {more} more (see the import's page).")

    def _show_mapping(self, info, mapping, *, given):
        where = f"header on line {info['header_line']}"
        if not info["header_recognised"]:
            where += " (no heading we know, so the first line with text is taken as the header)"
        self.stdout.write(
            f"Encoding {info['encoding']}; {where}: "
            + ", ".join(f"{i + 1}={h}" for i, h in enumerate(info["header"]))
        )
        for field in spending_csv.FIELDS:
            index = mapping.get(field)
            if index is None:
                column = "-"
            elif index < len(info["header"]):
                column = f"column {index + 1} ({info['header'][index]})"
            else:
                column = f"column {index + 1} (there is no such column)"
            if field in given:
                why = "as given by --map"
            else:
                why = "guessed from " + info["reasons"][field]
            self.stdout.write(f"  {spending_csv.FIELD_LABELS[field]}: {column} [{why}]")
