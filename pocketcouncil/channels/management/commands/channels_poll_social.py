"""Fetch new mentions and direct messages from every council social media account. Run it
every minute (cron, or a scheduler): ``manage.py channels_poll_social``."""

from django.core.management.base import BaseCommand

from pocketcouncil.channels.social.poll import poll_all


class Command(BaseCommand):
    help = "Fetch new mentions and direct messages from council social media accounts."

    def handle(self, *args, **options):
        failed = False
        for account, outcome in poll_all().items():
            if isinstance(outcome, int):
                self.stdout.write(f"{account}: {outcome} new")
            else:
                failed = True
                self.stderr.write(f"{account}: {outcome}")
        if failed:
            raise SystemExit(1)
