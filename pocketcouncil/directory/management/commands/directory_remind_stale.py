"""Remind organisations whose listings nobody has checked for six months (run daily, e.g. from
cron or a scheduler; each stale listing is reminded once until it is checked again).

manage.py directory_remind_stale
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pocketcouncil.directory import actions


class Command(BaseCommand):
    help = "Email the people keeping listings that have not been checked for six months."

    def handle(self, *args, **options):
        sent = actions.listing_reminders_send(
            now=timezone.now(), actor=None, site_url=settings.POCKETCOUNCIL_SITE_URL
        )
        self.stdout.write(f"{sent} reminders queued.")
