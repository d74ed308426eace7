"""The test database is made from the models, not by running the migrations (``--nomigrations``
in pyproject.toml: migrating a new database takes half a minute per test process). So the
migrations must describe the models exactly; this test fails when someone changes a model and
forgets ``makemigrations``. The migrations themselves still run from nothing once per test run,
for the sites the browser tests start (pocketcouncil.core.testing_sites)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_migrations_describe_every_model():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations found changes with no migration ({exit_}):\n{out.getvalue()}")
