"""Send due cases (and residents' reopens and messages on them) to back offices and fetch
their updates back, or start the repeating task that fetches updates for the db_worker
(``--schedule``). Safe to run from cron every few minutes alongside a worker: sends hold a
lease and updates are copied once."""

from django.core.management.base import BaseCommand

from pocketcouncil.open311 import outbound, tasks


class Command(BaseCommand):
    help = "Send due cases to back-office Open311 endpoints and fetch their updates back."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the repeating task (send what is due, fetch updates) for the db_worker.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule_poll()
            self.stdout.write(
                "Scheduled." if queued else "Already scheduled (or no worker backend)."
            )
            return
        sent = outbound.send_due()
        self.stdout.write(
            f"Sent {sent.sent}, found already sent {sent.adopted}, "
            f"to try again {sent.retried}, failed {sent.failed}."
        )
        self.stdout.write(
            f"Residents' updates passed on {sent.updates_sent}, "
            f"found already there {sent.updates_adopted}, "
            f"to try again {sent.updates_retried}, failed {sent.updates_failed}."
        )
        fetched = outbound.fetch_updates()
        self.stdout.write(f"Updates added: {fetched.added}; ids found: {fetched.ids_found}.")
        for error in fetched.errors:
            self.stderr.write(error)
