"""Notify's settings, with their defaults, read at call time (so tests can override them).

``settings.py`` sets them from the environment under ``# --- notify ---``; the defaults here
keep the app working with a settings file that predates them.
"""

from django.conf import settings


def _env_default_sms_backend() -> str:
    env = getattr(settings, "POCKETCOUNCIL_ENV", "production")
    return {"test": "locmem", "development": "console"}.get(env, "govuk_notify")


def sms_backend() -> str:
    return getattr(settings, "NOTIFY_SMS_BACKEND", None) or _env_default_sms_backend()


def email_backend() -> str:
    return getattr(settings, "NOTIFY_EMAIL_BACKEND", "django") or "django"


def get(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return get("NOTIFY_MAX_ATTEMPTS", 8)


def retry_base_seconds() -> int:
    return get("NOTIFY_RETRY_BASE_SECONDS", 30)


def batch_size() -> int:
    return get("NOTIFY_DELIVERY_BATCH_SIZE", 50)


def lease_seconds() -> int:
    return get("NOTIFY_DELIVERY_LEASE_SECONDS", 900)


def site_url() -> str:
    return get("POCKETCOUNCIL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Browsers' push services. A subscription naming any other host is refused, so the push
# endpoint cannot be used to make the server send requests into its own network.
DEFAULT_PUSH_HOSTS = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    ".push.services.mozilla.com",
    "web.push.apple.com",
    ".push.apple.com",
    ".notify.windows.com",
]


def push_hosts() -> list[str]:
    return get("NOTIFY_PUSH_HOSTS", None) or DEFAULT_PUSH_HOSTS


def push_host_allowed(host: str) -> bool:
    host = host.lower()
    for allowed in push_hosts():
        if allowed.startswith(".") and host.endswith(allowed):
            return True
        if host == allowed:
            return True
    return False
