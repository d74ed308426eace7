import pytest

from pocketcouncil.notify import testing


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    testing.sms_outbox.clear()
    yield
    testing.sms_outbox.clear()


@pytest.fixture(autouse=True)
def _empty_outbox(request):
    """Start each database test with an empty outbox.

    Other apps' demo data (loaded once per session) may queue notifications; these tests count
    and deliver exactly their own. The deletion is rolled back with the test.
    """
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    if marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("db")
    from pocketcouncil.notify.models import Notification

    Notification.objects.all().delete()
    yield
