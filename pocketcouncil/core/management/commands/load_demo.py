"""Load the demonstration councils: ``manage.py load_demo``. Safe to run again."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pocketcouncil.core.demo_support import DemoReport


class Command(BaseCommand):
    help = (
        "Load the demo councils (Oxfordshire, Oxford, Manchester) on real ward boundaries and "
        "postcodes, with staff and resident accounts. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even though POCKETCOUNCIL_ENV is production.",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.POCKETCOUNCIL_ENV == "production" and not allow_production:
            raise CommandError(
                "Refusing to load demo data (with known demo passwords) into a production "
                "site. Pass --allow-production if this really is a demonstration site."
            )
        report = DemoReport()
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("pocketcouncil."):
                    continue
                try:
                    module = import_module(f"{app.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app.name}.demo":
                        raise
                    continue
                module.load(report)
        for line in report.lines():
            self.stdout.write(line)
        if report.total_changes:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded ({report.total_changes} changes).")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))
