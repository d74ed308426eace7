"""Limits of the Open311 server (documented in docs/integrations.md)."""

from django.conf import settings

# GET requests and GET servicerequestupdates: the widest date range asked for at once.
MAX_DATE_RANGE_DAYS = getattr(settings, "OPEN311_MAX_DATE_RANGE_DAYS", 90)
# GET requests: results per page, by default and at most; pages reach this many results.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_RESULTS = 10_000
# GET requests: ids in one service_request_id list.
MAX_IDS = 100
# GET servicerequestupdates: updates in one answer (ask again from the last one's time).
MAX_UPDATES = 1000
# POST requests.
MAX_DESCRIPTION = 5000
MAX_MEDIA_URLS = 5
# GET services: how long the list is kept in the shared cache.
SERVICES_CACHE_SECONDS = 60
