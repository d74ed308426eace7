"""Importing the LGSL: idempotent, reports what it did, copes with bad rows and files."""

import io

import pytest
from django.core.management import CommandError, call_command

from pocketcouncil.services import content, lgsl
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_whole_lgsl():
    assert Service.objects.count() == 1519
    bins = Service.objects.get(lgsl=524)
    assert bins.lgsl_label == "Household waste collection"
    assert bins.curated and bins.name == "Bin collections and missed bins"


def test_running_again_changes_nothing():
    out = io.StringIO()
    call_command("services_import_lgsl", stdout=out)
    text = out.getvalue()
    assert "LGSL services: 0 added, 0 changed, 1519 unchanged, 0 skipped." in text
    assert "Hand-written FAQs: 0 added, 0 changed" in text
    assert "Hand-written services: 0 added, 0 changed" in text


def test_refreshes_a_changed_label_but_keeps_the_plain_name():
    Service.objects.filter(lgsl=524).update(lgsl_label="Old label")
    out = io.StringIO()
    call_command("services_import_lgsl", "--no-content", stdout=out)
    assert "0 added, 1 changed, 1518 unchanged" in out.getvalue()
    service = Service.objects.get(lgsl=524)
    assert service.lgsl_label == "Household waste collection"
    assert service.name == "Bin collections and missed bins"


def test_adds_new_rows_and_skips_bad_ones(tmp_path):
    path = tmp_path / "lgsl.csv"
    path.write_text(
        "Identifier,Label,Description,Created,Modified,History notes,Type,\n"
        '99991,"Brand new service","Line one\nline two",,,,Service,\n'
        "abc,Not a number,,,,,Service,\n"
        "99992,,No label,,,,Service,\n"
        "99991,Twice,,,,,Service,\n",
        encoding="utf-8",
    )
    report = lgsl.lgsl_import(rows=lgsl.read_rows(path))
    assert report.added == [99991]
    assert [why for _line, why in report.skipped] == [
        "identifier 'abc' is not a number",
        "no label",
        "LGSL 99991 appears twice",
    ]
    service = Service.objects.get(lgsl=99991)
    assert service.lgsl_description == "Line one line two"
    assert service.name == "Brand new service"


def test_a_missing_file_or_column_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("services_import_lgsl", "--file", str(tmp_path / "nope.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("Id,Name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column Description, Identifier, Label"):
        call_command("services_import_lgsl", "--file", str(bad))


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Road gritting", ("streets", "county")),
        ("Primary school places", ("education", "county")),
        ("Commercial waste collection", ("bins", "district")),
        ("Housing evictions", ("housing", "district")),
        ("Household waste disposal sites", ("bins", "county")),
        ("Something else entirely", ("other", "district")),
    ],
)
def test_classify_guesses_topic_and_tier(label, expected):
    assert lgsl.classify(label) == expected


def test_hand_written_content_covers_the_most_used_services():
    codes = [entry["lgsl"] for entry in content.SERVICES]
    assert len(codes) == len(set(codes)) >= 60
    for entry in content.SERVICES:
        assert entry["summary"] and entry["synonyms"], entry["lgsl"]
        assert entry["team_name"], entry["lgsl"]
    assert Service.objects.filter(curated=True).count() == len(codes)
