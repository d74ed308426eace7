"""Demo catalogue: the full Local Government Service List with hand-written content for the
services residents use most. The catalogue is national, so every demo council has all of it
(for the tiers it provides); one demo rewording shows a council's own wording."""

from __future__ import annotations

from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Council
from pocketcouncil.services import actions, content, lgsl
from pocketcouncil.services.models import CouncilService, Service


def load(report: DemoReport) -> None:
    imported = lgsl.lgsl_import(rows=lgsl.read_rows())
    label = str(Service._meta.verbose_name_plural)
    report.created[label] += len(imported.added)
    report.changed[label] += len(imported.changed)
    report.unchanged[label] += imported.unchanged
    applied = actions.catalogue_content_apply(entries=content.SERVICES)
    for name in {*applied.created, *applied.changed, *applied.unchanged, *applied.deleted}:
        # The services counted here were already counted once by the import.
        if name == "services":
            report.changed[label] += applied.changed[name]
            continue
        report.created[name] += applied.created[name]
        report.changed[name] += applied.changed[name] + applied.deleted[name]
        report.unchanged[name] += applied.unchanged[name]

    manchester = Council.objects.get(slug="manchester")
    upsert(
        CouncilService,
        lookup={"council": manchester, "service": Service.objects.get(lgsl=530)},
        values={
            "hidden": False,
            "name": "Garden waste collection (brown bin)",
            "summary": "Manchester collects garden waste in your brown bin every two weeks from "
            "March to November. (Demo wording: an example of a council's own text.)",
            "eligibility": None,
            "how_to": None,
            "team": None,
        },
        report=report,
    )
