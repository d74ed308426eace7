"""Fetch new mentions and direct messages from every council social media account. Run it
every minute (cron, or a scheduler): ``manage.py channels_poll_social``."""

from django.core.management.base import BaseCommand

from pocketcouncil.channels.social.base import SocialError
from pocketcouncil.channels.social.poll import poll_all


class Command(BaseCommand):
    help = "Fetch new mentions and direct messages from council social media accounts."

    def handle(self, *args, **options):
        try:
            counts = poll_all()
        except SocialError as error:
            self.stderr.write(str(error))
            raise SystemExit(1) from None
        for account, count in counts.items():
            self.stdout.write(f"{account}: {count} new")
