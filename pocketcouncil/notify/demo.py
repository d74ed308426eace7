"""Demo notification settings, so the pages show something real after ``load_demo``: a resident
following her ward and the council's consultations, one with quiet hours, and one council
wording of its own. Residents already follow their own demo cases (the cases app does that)."""

from __future__ import annotations

from datetime import time

from pocketcouncil.accounts.models import User
from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import AreaKind, Council
from pocketcouncil.notify import actions
from pocketcouncil.notify.models import (
    Channel,
    Event,
    Frequency,
    MessageTemplate,
    SubjectKind,
    Subscription,
    Topic,
)

DOMAIN = "demo.pocketcouncil.example"


def _follow(report: DemoReport, user, council, kind, key, label, channels, **extra) -> None:
    found = Subscription.objects.filter(
        user=user, council=council, subject_kind=kind, subject_key=key
    ).exists()
    actions.subscription_create(
        actor=None,
        user=user,
        council=council,
        subject_kind=kind,
        subject_key=key,
        label=label,
        channels=None if found else channels,
        **extra,
    )
    (report.unchanged if found else report.created)[Subscription._meta.verbose_name_plural] += 1


def load(report: DemoReport) -> None:
    oxford = Council.objects.filter(slug="oxford").first()
    amira = User.objects.filter(email=f"amira.khan@{DOMAIN}").first()
    grace = User.objects.filter(email=f"grace.okafor@{DOMAIN}").first()
    if oxford is None or amira is None or grace is None:
        return
    try:
        home = councils_queries.postcode_get("OX4 3BD")
    except Exception:  # noqa: BLE001 - the postcode table is not loaded: no ward to follow
        home = None
    if home is not None:
        ward = next(
            iter(
                councils_queries.areas_containing(
                    lon=home.longitude, lat=home.latitude, kinds=[AreaKind.WARD]
                )
            ),
            None,
        )
        if ward is not None:
            _follow(
                report,
                amira,
                oxford,
                SubjectKind.AREA,
                f"ward:{ward.pk}",
                f"New reports in {ward.name}",
                {Channel.INBOX: Frequency.INSTANT, Channel.EMAIL: Frequency.DIGEST},
                categories=["587", "557"],
            )
    _follow(
        report,
        amira,
        oxford,
        SubjectKind.TOPIC,
        Topic.CONSULTATIONS,
        "Consultations",
        {Channel.INBOX: Frequency.INSTANT, Channel.EMAIL: Frequency.INSTANT},
    )
    # Grace gets texts, but not at night.
    actions.preferences_update(actor=None, user=grace, quiet_hours=(time(21), time(7)))
    upsert(
        MessageTemplate,
        lookup={"council": oxford, "event": Event.STATUS_CHANGED, "channel": Channel.EMAIL},
        values={
            "subject": "Oxford City Council: {{ reference }} is now {{ status }}",
            "body": (
                "Hello{% if recipient_name %} {{ recipient_name }}{% endif %},\n\n"
                "Your request {{ reference }} ({{ title }}) is now {{ status }}."
                "{% if note %}\n\n{{ note }}{% endif %}\n\n"
                "See the details and reply at {{ url }}\n\n"
                "Oxford City Council, Customer Services, 01865 249811"
            ),
        },
        report=report,
    )
