"""Add a council to the platform from the command line.

manage.py councils_add cherwell --name "Cherwell District Council" --gss E07000177 \
    --tier district --parent oxfordshire
manage.py councils_add cardiff --name "Cardiff Council" --name-cy "Cyngor Caerdydd" \
    --gss W06000015 --tier unitary
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pocketcouncil.councils import actions
from pocketcouncil.councils.models import CouncilTier


class Command(BaseCommand):
    help = "Add a council. Its short name (SLUG) is its Open311 jurisdiction_id."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name: lower-case letters, digits and hyphens.")
        parser.add_argument("--name", required=True, help="The council's name in English.")
        parser.add_argument("--name-cy", default="", help="The council's name in Welsh.")
        parser.add_argument("--gss", required=True, help="The council's GSS code, e.g. E07000178.")
        parser.add_argument("--tier", required=True, choices=CouncilTier.values)
        parser.add_argument("--parent", help="For a district: the short name of its county.")

    def handle(self, *args, **options):
        try:
            council = actions.council_add(
                slug=options["slug"],
                name=options["name"],
                name_cy=options["name_cy"],
                gss=options["gss"],
                tier=options["tier"],
                parent=options["parent"],
                actor=None,
            )
        except actions.CouncilAddError as error:
            raise CommandError(str(error)) from None
        above = f", under {council.upper_tier.name}" if council.upper_tier else ""
        self.stdout.write(
            f"Added {council.name} ({council.get_tier_display().lower()}{above}): short name "
            f"{council.slug}, GSS {council.gss_code}, case references "
            f"{council.case_reference_prefix}-..."
        )
        self.stdout.write(
            f"Next: manage.py councils_import_boundaries {council.slug} WARDS.geojson"
        )
