import pytest

from pocketcouncil.notify import testing


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    testing.sms_outbox.clear()
    yield
    testing.sms_outbox.clear()
