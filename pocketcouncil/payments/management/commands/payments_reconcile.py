from django.core.management.base import BaseCommand

from pocketcouncil.payments import actions


class Command(BaseCommand):
    help = "Ask GOV.UK Pay about payments left open and settle them (safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes", type=int, default=15, help="Only payments older than this many minutes."
        )

    def handle(self, *args, minutes, **options):
        from datetime import timedelta

        report = actions.payments_reconcile(older_than=timedelta(minutes=minutes))
        self.stdout.write(
            f"Checked {report['checked']}, settled {report['settled']}, "
            f"GOV.UK Pay unreachable for {report['unreachable']}."
        )
