"""Import a year's council tax precepts and budget lines for a billing council from a CSV file.

manage.py transparency_import_budgets oxford budgets-2026.csv --source "Budget book 2026/27"

The file's layout is described in transparency/budgets_csv.py and docs/transparency.md; the
figures already held for the file's financial year are replaced, or nothing changes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.transparency import actions, budgets_csv
from pocketcouncil.transparency.management.arguments import council_and_file


class Command(BaseCommand):
    help = "Replace a year's council tax precepts and budget lines from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("council", help="The billing council's short name (slug).")
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--source",
            required=True,
            help="Where the figures come from, shown under every bill.",
        )

    def handle(self, *args, **options):
        council, path = council_and_file(options)
        try:
            with path.open("rb") as binary:
                result = actions.budgets_import(
                    council=council, binary=binary, source=options["source"], actor=None
                )
        except budgets_csv.BudgetFileError as error:
            lines = [
                f"line {line}: {message}" if line else message for line, message in error.problems
            ]
            raise CommandError("Nothing imported.\n" + "\n".join(lines)) from None
        year = f"{result.financial_year}/{(result.financial_year + 1) % 100:02d}"
        self.stdout.write(
            f"{council.name} {year}: {result.bodies} bodies and {result.budget_lines} budget "
            f"lines imported, replacing {result.replaced_bodies} bodies."
        )
