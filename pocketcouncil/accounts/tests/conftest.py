import pytest
from django.core.cache import cache

from pocketcouncil.notify.testing import sms_outbox


@pytest.fixture(autouse=True)
def _clean_slate():
    """Rate limits live in the cache and texts in a list: start every test empty."""
    cache.clear()
    sms_outbox.clear()
    yield
    cache.clear()
    sms_outbox.clear()
