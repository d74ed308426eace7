"""Read Pocket Council's configuration from the environment (twelve-factor).

Every function here is pure: it takes the environment as a mapping and returns a value, so the
rules can be tested without reloading Django settings. ``settings.py`` is the only caller.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("development", "test", "production")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """Read a yes/no setting. Anything other than the usual spellings is a mistake, not "no"."""
    if name not in env:
        return default
    value = env[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {env[name]!r}).")


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    if name not in env or env[name].strip() == "":
        return default
    try:
        return int(env[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {env[name]!r}).") from None


def env_list(env: Mapping[str, str], name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list, with blanks and surrounding spaces dropped."""
    if name not in env:
        return list(default or [])
    return [item.strip() for item in env[name].split(",") if item.strip()]


def environment(env: Mapping[str, str]) -> str:
    """Which kind of deployment this is. Production unless told otherwise: safe by default."""
    value = env.get("POCKETCOUNCIL_ENV", "production").strip().lower()
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"POCKETCOUNCIL_ENV must be one of {', '.join(ENVIRONMENTS)} (got {value!r})."
        )
    return value


def database(env: Mapping[str, str], var_dir: Path) -> dict:
    """``DATABASE_URL`` or, by default, an SQLite file under ``var/``."""
    url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{var_dir / 'pocketcouncil.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int(env, "DATABASE_CONN_MAX_AGE", 0))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web process read while a worker writes; IMMEDIATE transactions take the
        # write lock up front, so two writers wait for each other instead of failing mid-way.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    return config


def secret_key(env: Mapping[str, str], var_dir: Path, deployment: str) -> str:
    """The secret key: required in production, generated once and kept in ``var/`` otherwise."""
    key = env.get("SECRET_KEY", "").strip()
    if key:
        if deployment == "production" and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if deployment == "production":
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production. For a development copy, set "
            "POCKETCOUNCIL_ENV=development (make run does this for you)."
        )
    path = var_dir / "secret_key.txt"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def allowed_hosts(env: Mapping[str, str], deployment: str) -> list[str]:
    default = [] if deployment == "production" else ["127.0.0.1", "localhost", "testserver"]
    hosts = env_list(env, "ALLOWED_HOSTS", default)
    if deployment == "production" and not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names in production, e.g. "
            "ALLOWED_HOSTS=pocketcouncil.example.gov.uk"
        )
    return hosts


def email(env: Mapping[str, str], deployment: str, var_dir: Path) -> dict:
    """Email settings. Development writes messages to the console; production needs a backend."""
    default_backend = (
        "django.core.mail.backends.smtp.EmailBackend"
        if deployment == "production"
        else "django.core.mail.backends.console.EmailBackend"
    )
    if deployment == "test":
        default_backend = "django.core.mail.backends.locmem.EmailBackend"
    return {
        "EMAIL_BACKEND": env.get("EMAIL_BACKEND", default_backend),
        "EMAIL_HOST": env.get("EMAIL_HOST", "localhost"),
        "EMAIL_PORT": env_int(env, "EMAIL_PORT", 25),
        "EMAIL_HOST_USER": env.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": env.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": env_bool(env, "EMAIL_USE_TLS", False),
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
        "DEFAULT_FROM_EMAIL": env.get("DEFAULT_FROM_EMAIL", "Pocket Council <noreply@localhost>"),
        "SERVER_EMAIL": env.get("SERVER_EMAIL", "Pocket Council <noreply@localhost>"),
    }


def notify(env: Mapping[str, str]) -> dict:
    """GOV.UK Notify: an API key and template ids. Empty means Notify is not used."""
    return {
        "NOTIFY_API_KEY": env.get("NOTIFY_API_KEY", ""),
        "NOTIFY_BASE_URL": env.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        "NOTIFY_EMAIL_TEMPLATE_ID": env.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
        "NOTIFY_SMS_TEMPLATE_ID": env.get("NOTIFY_SMS_TEMPLATE_ID", ""),
    }


def cache(env: Mapping[str, str], deployment: str) -> dict:
    """A cache shared by every process (rate limits live here).

    ``CACHE_URL`` picks Redis (``redis://...``); otherwise the database cache table, which every
    web process and worker shares with no extra server. Tests use process memory.
    """
    url = env.get("CACHE_URL", "").strip()
    if url.startswith(("redis://", "rediss://")):
        return {
            "default": {"BACKEND": "pocketcouncil.ops.cache.ResilientRedisCache", "LOCATION": url}
        }
    if url:
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address (got {url!r}).")
    if deployment == "test":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pocketcouncil_cache",
        }
    }
