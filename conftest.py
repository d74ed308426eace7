"""Fixtures shared by every app's tests.

The demo councils (real Oxford and Manchester wards and Oxford postcodes) are loaded once per
test session into the test database; each test runs in a transaction that is rolled back, so
tests can change demo rows freely.
"""

import os

import pytest
from django.core.management import call_command
from hypothesis import settings

from pocketcouncil.councils.tests.factories import CouncilFactory

# Hostile-input tests are property-based. ``make test`` (and so CI) runs them derandomised, so a
# run fails the same way twice and never on one unlucky draw; ``make hostile`` explores with fresh
# random input and many times the examples (pocketcouncil.core.testing.examples), to find new
# bugs before CI could.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def council(db):
    """A unitary council with one square area, unrelated to the demo councils."""
    return CouncilFactory()


@pytest.fixture
def demo(db):
    """The demo councils by slug."""
    from pocketcouncil.councils.models import Council

    return {c.slug: c for c in Council.objects.filter(is_demo=True)}


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """``redis://127.0.0.1:PORT`` of a Redis server of this test worker's own (add ``/N`` for a
    database): pocketcouncil.core.testing_redis."""
    from pocketcouncil.core.testing_redis import redis_server_fixture

    yield from redis_server_fixture(tmp_path_factory)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so rate-limit counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- Welsh pages (issue 23) ----------------------------------------------------------------
@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to a /cy/ page leaves Welsh active in the test thread (LocaleMiddleware
    activates it): start every test in English, as a new request would."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
