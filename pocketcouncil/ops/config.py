"""Read the deployment's distributed pieces from the environment (pure; ``settings.py`` calls it).

Three switches, each off by default so one machine with no extra servers still runs everything:

* ``TASKS_BACKEND=rq`` (needs ``REDIS_URL``): background tasks go to Redis through RQ
  (``django-tasks-rq``) instead of the database queue.
* ``MEDIA_STORAGE=s3`` (needs ``AWS_STORAGE_BUCKET_NAME``): uploads go to S3-compatible object
  storage through ``django-storages``; private files are handed out as short-lived signed URLs.
* ``LOG_FORMAT=json``: one JSON object per log line, each carrying the request id.

docs/operating.md lists every variable.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from pocketcouncil.config import env_bool, env_int

TASK_BACKENDS = ("database", "rq")
DB_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "pocketcouncil.ops.tasks_rq.RQBackend"
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
# Every task in the code base is on this queue; RQ needs each queue named up front.
QUEUES = ("default",)


def redis_url(env: Mapping[str, str]) -> str:
    url = env.get("REDIS_URL", "").strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// address (got {url!r}).")
    return url


def task_backend_name(env: Mapping[str, str]) -> str:
    """``database`` unless ``TASKS_BACKEND`` says ``rq``; ``rq`` needs ``REDIS_URL``."""
    name = env.get("TASKS_BACKEND", "").strip().lower() or "database"
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)} (got {name!r})."
        )
    if name == "rq" and not redis_url(env):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL, e.g. redis://redis:6379/0.")
    return name


def tasks(env: Mapping[str, str]) -> dict:
    """The ``TASKS`` setting, ``RQ_QUEUES`` (for django-rq) and the extra apps RQ needs."""
    if env_bool(env, "TASKS_RUN_IMMEDIATELY", False):
        return {"TASKS": {"default": {"BACKEND": IMMEDIATE_BACKEND}}, "RQ_QUEUES": {}, "apps": []}
    if task_backend_name(env) == "rq":
        url = redis_url(env)
        timeout = env_int(env, "RQ_JOB_TIMEOUT_SECONDS", 600)
        return {
            "TASKS": {"default": {"BACKEND": RQ_BACKEND, "QUEUES": list(QUEUES)}},
            "RQ_QUEUES": {name: {"URL": url, "DEFAULT_TIMEOUT": timeout} for name in QUEUES},
            "apps": ["django_rq"],
        }
    return {"TASKS": {"default": {"BACKEND": DB_BACKEND}}, "RQ_QUEUES": {}, "apps": []}


def storages(env: Mapping[str, str], static_backend: str) -> dict:
    """The ``STORAGES`` setting: local files, or S3-compatible object storage for uploads."""
    kind = env.get("MEDIA_STORAGE", "").strip().lower() or "local"
    static = {"BACKEND": static_backend}
    if kind == "local":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": static,
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3 (got {kind!r}).")
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    expire = env_int(env, "MEDIA_SIGNED_URL_SECONDS", 300)
    if not 1 <= expire <= 3600:
        raise ImproperlyConfigured("MEDIA_SIGNED_URL_SECONDS must be between 1 and 3600.")
    options = {
        "bucket_name": bucket,
        # Nothing is public: every object is private and every URL is signed and short-lived.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": expire,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, max-age=0"},
        "signature_version": "s3v4",
    }
    for name, key in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
        ("location", "AWS_LOCATION"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
    ):
        if env.get(key, "").strip():
            options[name] = env[key].strip()
    if env.get("AWS_S3_ADDRESSING_STYLE", "").strip():
        options["addressing_style"] = env["AWS_S3_ADDRESSING_STYLE"].strip()
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": static,
    }


def logging(env: Mapping[str, str], production: bool) -> dict:
    """The ``LOGGING`` setting: plain lines for people, JSON lines for log collectors."""
    log_format = env.get("LOG_FORMAT", "").strip().lower() or ("json" if production else "plain")
    if log_format not in ("plain", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json (got {log_format!r}).")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pocketcouncil.ops.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "pocketcouncil.ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
