"""Check last week for spikes in contact and tell service managers: ``manage.py
insight_alerts``. Run it daily after ``insight_rollup``; each spike is told once."""

from django.core.management.base import BaseCommand

from pocketcouncil.councils.models import Council
from pocketcouncil.insight import alerts


class Command(BaseCommand):
    help = "Tell service managers about spikes in contact (three times the usual week)."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Only this council (slug).")

    def handle(self, *args, **options):
        councils = Council.objects.order_by("slug")
        if options["council"]:
            councils = councils.filter(slug=options["council"])
        for council in councils:
            for alert in alerts.spikes_check(council=council):
                self.stdout.write(f"{council.slug}: {alert} ({alert.notified} told)")
