"""Rebuild the daily contact counts the dashboards read: ``manage.py insight_rollup``.

Run it every hour (cron, or a scheduler calling the command). By default it rebuilds the
last two days of every council; ``--all`` rebuilds every day (after ``--backfill`` or an
import). ``--backfill`` first records contact from case history written before insight was
installed. ``--alerts`` then checks for spikes (``insight_alerts``)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from pocketcouncil.councils.models import Council
from pocketcouncil.insight import actions, alerts, queries


class Command(BaseCommand):
    help = "Rebuild the daily contact counts of every council (default: the last two days)."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Only this council (slug).")
        parser.add_argument("--days", type=int, default=2, help="How many days back (default 2).")
        parser.add_argument("--all", action="store_true", help="Every day with contact.")
        parser.add_argument(
            "--backfill", action="store_true", help="First record contact from case history."
        )
        parser.add_argument("--alerts", action="store_true", help="Then check for spikes.")

    def handle(self, *args, **options):
        councils = Council.objects.order_by("slug")
        if options["council"]:
            councils = councils.filter(slug=options["council"])
        for council in councils:
            if options["backfill"]:
                added = actions.contact_backfill_cases(council=council)
                self.stdout.write(f"{council.slug}: {added} contacts recorded from case history")
            if options["all"] or options["backfill"]:
                rows = actions.contact_rollup_all(council=council)
            else:
                end = queries.today()
                start = end - timedelta(days=max(options["days"], 1) - 1)
                rows = actions.contact_rollup(council=council, start=start, end=end)
            self.stdout.write(f"{council.slug}: {rows} daily count rows")
            if options["alerts"]:
                for alert in alerts.spikes_check(council=council):
                    self.stdout.write(f"{council.slug}: spike {alert}")
