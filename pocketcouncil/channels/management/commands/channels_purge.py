"""Delete raw inbound messages older than CHANNELS_RAW_RETENTION_DAYS. Run it daily."""

from django.core.management.base import BaseCommand

from pocketcouncil.channels import actions


class Command(BaseCommand):
    help = "Delete raw inbound messages older than the retention period."

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {actions.raw_messages_purge()} raw messages.")
