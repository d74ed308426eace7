"""Compute the performance indicators now (for cron, and ``load_demo``), or start the
self-rescheduling task that recomputes them every hour (``--schedule``).

manage.py transparency_indicators                 # every council, now
manage.py transparency_indicators oxford          # one council
manage.py transparency_indicators --schedule      # queue the repeating task for db_worker
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council
from pocketcouncil.transparency import actions, tasks


class Command(BaseCommand):
    help = "Compute councils' performance indicators from their cases, or --schedule the task."

    def add_arguments(self, parser):
        parser.add_argument("councils", nargs="*", help="Council slugs (default: every council).")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the repeating task for the db_worker instead of computing now.",
        )

    def handle(self, *args, councils=(), schedule=False, **options):
        if schedule:
            queued = tasks.schedule_next()
            self.stdout.write(
                "Scheduled." if queued else "Already scheduled (or no worker backend)."
            )
            return
        chosen = []
        for slug in councils:
            try:
                chosen.append(councils_queries.council_get(slug))
            except Council.DoesNotExist:
                raise CommandError(f"No council {slug!r}.") from None
        for council in chosen or councils_queries.council_list():
            result = actions.indicators_refresh(council=council)
            self.stdout.write(
                f"{result.council}: {result.cases} cases, {result.snapshots} figures stored "
                f"in {result.seconds} s."
            )
