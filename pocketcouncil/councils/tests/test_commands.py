"""The onboarding commands."""

import io

import pytest
from django.core.management import CommandError, call_command

from pocketcouncil.councils.models import Council

pytestmark = pytest.mark.django_db


def test_councils_add(demo):
    out = io.StringIO()
    call_command(
        "councils_add",
        "cherwell",
        "--name",
        "Cherwell District Council",
        "--gss",
        "E07000177",
        "--tier",
        "district",
        "--parent",
        "oxfordshire",
        stdout=out,
    )
    council = Council.objects.get(slug="cherwell")
    assert council.upper_tier == demo["oxfordshire"]
    assert "Added Cherwell District Council (district" in out.getvalue()


def test_councils_add_refuses_a_clash_plainly(demo):
    with pytest.raises(CommandError, match="already used by"):
        call_command(
            "councils_add", "oxford", "--name", "X", "--gss", "E07000177", "--tier", "unitary"
        )
