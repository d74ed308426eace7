"""Deliver due notifications from this process, without the task queue.

``manage.py db_worker`` is the normal way (it runs the tasks notify enqueues). This command is
for operators: deliver what is due now (``--once``), or poll for ever as a dedicated
notification worker; it also sends daily summaries that are due.
"""

import signal
import time

from django.core.management.base import BaseCommand

from pocketcouncil.notify import actions, delivery


class Command(BaseCommand):
    help = "Deliver due notifications (and daily summaries) from this process."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Deliver what is due, then stop.")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds to wait when nothing is due."
        )

    def handle(self, *args, once=False, interval=2.0, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self.running:
            actions.digests_send_due(actor=None)
            report = delivery.deliver_due(time_limit=30)
            if report.handled:
                self.stdout.write(
                    f"sent {report.sent}, retrying {report.retried}, failed {report.failed}"
                )
            if once:
                return
            if not report.handled:
                time.sleep(interval)

    def _stop(self, *args):
        self.running = False
