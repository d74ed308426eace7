"""Settings for the Open311 benchmark's gunicorn: the ordinary project, with the URLs of
``open311_bench_urls`` (one extra bare view). Used only by bench/bench_open311.py."""

from pocketcouncil.settings import *  # noqa: F403

ROOT_URLCONF = "open311_bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
