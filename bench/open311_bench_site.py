"""Settings for the Open311 benchmark's gunicorn: the ordinary project, with the URLs of
``open311_bench_urls`` (one extra bare view). Used only by bench/bench_open311.py."""

import os

from pocketcouncil import config
from pocketcouncil.settings import *  # noqa: F403

ROOT_URLCONF = "open311_bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
# The cache production has without Redis: the database cache table, shared by every gunicorn
# worker (the test settings' process-memory cache would let workers serve each other's stale
# Open311 answers, and flatter them).
# With BENCH_CACHE_URL=redis://..., Redis instead, as CACHE_URL sets it in production.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pocketcouncil_cache",
    }
}
if os.environ.get("BENCH_CACHE_URL"):
    CACHES = config.cache({"CACHE_URL": os.environ["BENCH_CACHE_URL"]}, "production")
