"""Learn each council's phrases from its staff corrections: ``manage.py services_learn``.

Run it daily (cron, see docs/services.md). Idempotent: running it again with no new training
pairs changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils.models import Council
from pocketcouncil.services import actions


class Command(BaseCommand):
    help = (
        "For each council (or --council SLUG), learn the phrases that staff corrections show "
        "belong to a service (at least 3 training pairs), which the front door then uses for "
        "that council. --dry-run says what would change without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", metavar="SLUG", help="Only this council.")
        parser.add_argument("--dry-run", action="store_true", help="Report; write nothing.")

    def handle(self, *args, council=None, dry_run=False, **options):
        councils = Council.objects.order_by("slug")
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"No council with the slug {council!r}.")
        for one in councils:
            result = actions.learned_phrases_learn(council=one, dry_run=dry_run)
            if not (result.pairs or result.dropped):
                continue
            self.stdout.write(
                f"{one.slug}: {result.pairs} training pairs; "
                f"{len(result.added)} phrases learned, {len(result.updated)} updated, "
                f"{len(result.dropped)} dropped"
                + (f" (new: {', '.join(sorted(result.added))})" if result.added else "")
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
