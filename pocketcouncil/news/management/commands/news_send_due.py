"""Send what is due now (announcements that started, bin-day reminders), or start the
self-rescheduling task that does it every 15 minutes (``--schedule``)."""

from django.core.management.base import BaseCommand

from pocketcouncil.news import tasks


class Command(BaseCommand):
    help = "Send due news alerts and bin-day reminders, or --schedule the repeating task."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the repeating task for the db_worker instead of sending now.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule_next()
            self.stdout.write(
                "Scheduled." if queued else "Already scheduled (or no worker backend)."
            )
            return
        result = tasks.send_due()
        self.stdout.write(
            f"{result['announcements']} announcement messages, "
            f"{result['bin_reminders']} bin reminders queued."
        )
