"""The command-line import."""

import io

import pytest
from django.core.management import CommandError, call_command

from pocketcouncil.transparency.models import Payment, SpendingImport
from pocketcouncil.transparency.tests.factories import write_csv

pytestmark = pytest.mark.django_db

CSV = "Date,Supplier Name,Amount,Value\n2024-05-02,Acme Ltd,720,600\nsoon,Acme Ltd,1,1\n"


def test_dry_run_shows_the_columns_and_imports_nothing(council, tmp_path):
    path = write_csv(tmp_path, CSV)
    out = io.StringIO()
    call_command("transparency_import_spending", council.slug, str(path), "--dry-run", stdout=out)
    assert "Amount: column 3 (Amount)" in out.getvalue()
    assert not SpendingImport.objects.filter(council=council).exists()


def test_import_with_a_corrected_column(council, tmp_path):
    path = write_csv(tmp_path, CSV)
    out = io.StringIO()
    call_command(
        "transparency_import_spending", council.slug, str(path), "--map", "amount=4", stdout=out
    )
    assert "2 lines read, 1 payments imported, 1 skipped" in out.getvalue()
    assert "line 3 (rejected): 'soon' is not a date we recognise" in out.getvalue()
    assert Payment.objects.get(council=council).amount_pence == 60000


def test_errors_are_plain(council, tmp_path):
    with pytest.raises(CommandError, match="No council with the short name"):
        call_command("transparency_import_spending", "nowhere", "x.csv")
    with pytest.raises(CommandError, match="expected FIELD=COLUMN"):
        call_command(
            "transparency_import_spending",
            council.slug,
            str(write_csv(tmp_path, CSV)),
            "--map",
            "x",
        )
    path = write_csv(tmp_path, CSV, name="again.csv")
    call_command("transparency_import_spending", council.slug, str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already imported"):
        call_command("transparency_import_spending", council.slug, str(path), stdout=io.StringIO())
