"""Run the SMTP receiver for inbound email: ``manage.py channels_smtp [--host H] [--port P]``."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from pocketcouncil.channels import smtp


class Command(BaseCommand):
    help = "Receive council email by SMTP and turn each message into a case or a reply."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.CHANNELS_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.CHANNELS_SMTP_PORT)

    def handle(self, *args, host, port, **options):
        receiver = smtp.controller(host=host, port=port)
        receiver.start()
        self.stdout.write(f"Receiving email on {host}:{port}. Ctrl+C stops.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()
