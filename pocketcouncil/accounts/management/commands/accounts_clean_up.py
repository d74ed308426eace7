"""Delete expired text-message codes: ``manage.py accounts_clean_up`` (run daily)."""

from django.core.management.base import BaseCommand

from pocketcouncil.accounts import actions


class Command(BaseCommand):
    help = "Delete text-message codes that expired more than a day ago. Safe to run any time."

    def handle(self, *args, **options):
        deleted = actions.mobile_codes_purge()
        self.stdout.write(f"Deleted {deleted} expired text-message codes.")
