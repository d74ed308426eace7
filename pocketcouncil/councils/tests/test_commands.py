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


def test_councils_add_a_council_not_on_the_platform(demo):
    out = io.StringIO()
    call_command(
        "councils_add",
        "listed-district",
        "--name",
        "Listed District Council",
        "--gss",
        "E07099901",
        "--tier",
        "district",
        "--parent",
        "oxfordshire",
        "--not-on-platform",
        "--website",
        "https://www.listed.example/",
        "--report-email",
        "reports@listed.example",
        stdout=out,
    )
    council = Council.objects.get(slug="listed-district")
    assert (council.on_platform, council.report_email, council.website) == (
        False,
        "reports@listed.example",
        "https://www.listed.example/",
    )
    assert "Not on Pocket Council: reports go to reports@listed.example" in out.getvalue()


def test_councils_add_not_on_the_platform_needs_somewhere_to_send_residents(demo):
    with pytest.raises(CommandError, match="needs its website"):
        call_command(
            "councils_add",
            "listed-district",
            "--name",
            "Listed District Council",
            "--gss",
            "E07099901",
            "--tier",
            "district",
            "--not-on-platform",
        )
    assert not Council.objects.filter(slug="listed-district").exists()
