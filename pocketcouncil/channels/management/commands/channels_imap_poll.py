"""Fetch unread email from a council mailbox that lives elsewhere (IMAP over TLS) and store each
message like one the SMTP receiver took. A message is marked read only after it is stored, so a
crash half-way fetches it again (and the Message-ID keeps it from being stored twice).

    manage.py channels_imap_poll --host imap.example.gov.uk --user reports@example.gov.uk \
        --mailbox-address reports@example.gov.uk     (password in CHANNELS_IMAP_PASSWORD)
"""

import contextlib
import imaplib
import os

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.channels import actions


class Command(BaseCommand):
    help = "Fetch unread email from an IMAP mailbox into the channels inbox."

    def add_arguments(self, parser):
        parser.add_argument("--host", required=True)
        parser.add_argument("--port", type=int, default=993)
        parser.add_argument("--user", required=True)
        parser.add_argument("--folder", default="INBOX")
        parser.add_argument(
            "--mailbox-address",
            required=True,
            help="The council address this mailbox receives (a channel account's address).",
        )
        parser.add_argument("--no-tls", action="store_true", help="Plain IMAP (tests only).")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, **options):
        password = os.environ.get("CHANNELS_IMAP_PASSWORD", "")
        if not password:
            raise CommandError("Set CHANNELS_IMAP_PASSWORD to the mailbox password.")
        cls = imaplib.IMAP4 if options["no_tls"] else imaplib.IMAP4_SSL
        try:
            connection = cls(options["host"], options["port"])
            connection.login(options["user"], password)
        except (OSError, imaplib.IMAP4.error) as error:
            raise CommandError(f"Could not sign in to {options['host']}: {error}") from None
        stored = 0
        try:
            connection.select(options["folder"])
            _status, data = connection.search(None, "UNSEEN")
            for number in (data[0] or b"").split()[: options["limit"]]:
                _status, parts = connection.fetch(number, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if raw is None:
                    continue
                try:
                    actions.email_receive(
                        raw=raw, envelope_from=None, rcpt_tos=[options["mailbox_address"]]
                    )
                except actions.UnknownRecipientError as error:
                    raise CommandError(str(error)) from None
                connection.store(number, "+FLAGS", "\\Seen")
                stored += 1
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                connection.logout()
        self.stdout.write(f"Stored {stored} messages.")
