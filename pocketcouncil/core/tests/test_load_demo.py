"""The demo loader: idempotent, complete, and refused in production."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind
from pocketcouncil.councils.models import Area, AreaKind, Council, Postcode

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every Pocket Council model, as plain values."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {
            "councils",
            "accounts",
            "account",
            "mfa",
            "services",
            "open311",
            "transparency",
            "news",
            "engage",
        }:
            rows[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return rows


def test_running_again_changes_nothing():
    # The session fixture has already loaded the demo once.
    before = snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert snapshot() == before


def test_repairs_an_edited_row():
    Council.objects.filter(slug="oxford").update(phone="000")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "councils: 0 created, 1 changed" in out.getvalue()
    assert Council.objects.get(slug="oxford").phone == "01632 960 002"


def test_demo_content():
    councils = {c.slug: c for c in Council.objects.filter(is_demo=True)}
    assert set(councils) == {"oxfordshire", "oxford", "manchester"}
    assert councils["oxford"].upper_tier == councils["oxfordshire"]
    assert Area.objects.filter(council=councils["oxford"], kind=AreaKind.WARD).count() == 24
    assert Area.objects.filter(council=councils["manchester"], kind=AreaKind.WARD).count() == 32
    assert Area.objects.get(gss_code="E05006545").name == "Barton and Sandhills"
    assert Postcode.objects.count() == 3885
    for council in councils.values():
        held = set(StaffRole.objects.filter(council=council).values_list("role", flat=True))
        assert held == set(StaffRoleKind.values)


def test_refused_in_production(settings):
    settings.POCKETCOUNCIL_ENV = "production"
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("load_demo")
