"""Django settings for Pocket Council.

Everything a deployment changes comes from environment variables; ``docs/operating.md`` lists
them. The parsing rules live in ``pocketcouncil/config.py`` so they can be tested.
"""

import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from pocketcouncil import config
from pocketcouncil.accounts import config as accounts_config
from pocketcouncil.ops import config as ops_config

env = os.environ
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get("POCKETCOUNCIL_VAR_DIR", BASE_DIR / "var"))
SHARED_DATA_DIR = Path(env.get("POCKETCOUNCIL_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))

POCKETCOUNCIL_ENV = config.environment(env)
PRODUCTION = POCKETCOUNCIL_ENV == "production"
DEBUG = config.env_bool(env, "DEBUG", False)
SECRET_KEY = config.secret_key(env, VAR_DIR, POCKETCOUNCIL_ENV)
# Old keys still accepted while sessions signed with them run out (docs/operating.md).
SECRET_KEY_FALLBACKS = config.env_list(env, "SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = config.allowed_hosts(env, POCKETCOUNCIL_ENV)
CSRF_TRUSTED_ORIGINS = config.env_list(env, "CSRF_TRUSTED_ORIGINS")
# The public address of the site, used in links inside emails and feeds.
POCKETCOUNCIL_SITE_URL = env.get("POCKETCOUNCIL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, so translated fields show there (it patches ModelAdmin).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "govuk_frontend_django",
    "crispy_forms",
    "crispy_forms_gds",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # django-ninja: the /api/v1/ JSON API; listed so its docs use local static files
    "pocketcouncil.core",
    "pocketcouncil.councils",
    "pocketcouncil.accounts",
    "pocketcouncil.services",
    "pocketcouncil.notify",
    "pocketcouncil.cases",
    "pocketcouncil.open311",
    "pocketcouncil.news",
    "pocketcouncil.engage",
    "pocketcouncil.transparency",
    # Council onboarding: settings, services, invitations, go-live (issue 16)
    "pocketcouncil.onboarding",
    "pocketcouncil.ask",  # issue 17: the "Ask us" page
    # Community directory (Open Referral UK 3.0), docs/directory.md.
    "pocketcouncil.directory",
    "pocketcouncil.payments",
    "pocketcouncil.channels",  # issue 21: email, text messages and social media in
    # Thank-you rewards: points, partner offers, badges (issue 24), docs/rewards.md.
    "pocketcouncil.rewards",
    "pocketcouncil.privacy",
    "pocketcouncil.languages",
    "pocketcouncil.insight",  # issue 22: demand and failure demand
    # Running as many processes: task backends, scheduler, metrics, readiness (issue 25).
    "pocketcouncil.ops",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "pocketcouncil.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "pocketcouncil.accounts.middleware.AssistedDigitalMiddleware",
    "pocketcouncil.insight.middleware.ContactContextMiddleware",
    "pocketcouncil.languages.middleware.LanguageChoiceMiddleware",
    "pocketcouncil.accounts.middleware.AdminRequiresMfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "pocketcouncil.urls"
WSGI_APPLICATION = "pocketcouncil.wsgi.application"
ASGI_APPLICATION = "pocketcouncil.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pocketcouncil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "pocketcouncil.core.context_processors.site",
                "pocketcouncil.notify.context_processors.inbox",
                "pocketcouncil.languages.context_processors.languages",
            ],
        },
    },
]

DATABASES = {"default": config.database(env, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = config.cache(env, POCKETCOUNCIL_ENV)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if POCKETCOUNCIL_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Language and time. Stored in UTC, shown in Europe/London. Every string goes through gettext so
# Welsh can be added by translating, not by editing templates.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "pocketcouncil" / "locale"]
# Welsh that packages lack (all of django-allauth, gaps in Django's): after ours, so ours wins.
LOCALE_PATHS += [BASE_DIR / "pocketcouncil" / "locale_vendor"]
# Council-written content (names, answers, news ...) has a column per language, registered in each
# app's translation.py (django-modeltranslation). Where the Welsh is empty the English shows.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)
TIME_ZONE = "Europe/London"
USE_I18N = True
# The language toggle remembers the choice for a year (docs/welsh.md); Welsh pages are under /cy/.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = config.env_bool(env, "SESSION_COOKIE_SECURE", PRODUCTION)
USE_TZ = True

# Static files: GOV.UK Frontend and our own assets are built by `make static` into build/static,
# collected into var/static and served, compressed and with far-future caching, by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads on local disk by default, or S3-compatible object storage with MEDIA_STORAGE=s3
# (pocketcouncil/ops/config.py; docs/operating.md, "Object storage").
STORAGES = ops_config.storages(
    env,
    static_backend=(
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if POCKETCOUNCIL_ENV == "test"
        else "pocketcouncil.core.storage.StaticStorage"
    ),
)

# Forms use the GOV.UK Design System through crispy-forms-gds.
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Background work: Django's Tasks API with the database backend, so a task is enqueued in the
# same transaction as the change that caused it; TASKS_BACKEND=rq (with REDIS_URL) sends tasks to
# Redis for workers on many machines (pocketcouncil/ops/config.py, docs/operating.md).
REDIS_URL = ops_config.redis_url(env)
_tasks = ops_config.tasks(env)
TASKS, RQ_QUEUES = _tasks["TASKS"], _tasks["RQ_QUEUES"]
INSTALLED_APPS += _tasks["apps"]
# /metrics answers scrapers with this bearer token, or (unset) private addresses only.
METRICS_TOKEN = env.get("METRICS_TOKEN", "")

globals().update(config.email(env, POCKETCOUNCIL_ENV, VAR_DIR))
globals().update(config.notify(env))

# Security. Production is safe by default; every switch can be turned off for a deployment
# behind a proxy that already does the job.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = config.env_int(env, "SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
SESSION_COOKIE_SECURE = config.env_bool(env, "SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = config.env_bool(env, "CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = config.env_bool(env, "SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = config.env_int(env, "SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool(env, "SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = config.env_bool(env, "SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is a commitment for the whole domain, which a council's
# IT team makes, not this software: it is off by default and its deployment warning is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if config.env_bool(env, "BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz, /readyz and /metrics are asked over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Content Security Policy: no inline script except the one-line js-enabled switch, which
# carries a per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# One line per event on standard error with the request id; JSON lines in production
# (LOG_FORMAT=plain|json).
LOGGING = ops_config.logging(env, PRODUCTION)

# Pocket Council's own settings.
# How many places a place-name search on the home page lists at most.
COUNCILS_PLACE_SEARCH_LIMIT = config.env_int(env, "COUNCILS_PLACE_SEARCH_LIMIT", 10)
CSRF_FAILURE_VIEW = "pocketcouncil.core.views.errors.csrf_failure"

# --- accounts ---
# One account for every council, on django-allauth: sign in and sign up with a code sent by
# email (no password needed), passwords optional, passkeys and authenticator apps through
# allauth.mfa, and an OpenID Connect identity provider (GOV.UK One Login) for identity checks.
# docs/accounts.md explains every choice.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_request_login_code"  # a sign-in code by email is the default way in
LOGIN_REDIRECT_URL = "accounts-profile"
ACCOUNT_LOGIN_METHODS = {"email"}
# A password is optional at sign-up (blank means sign in by code only) and can be set later.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one only once it is verified
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Pocket Council: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Rate limits live in the shared cache (CACHES), so they hold across web processes. "key" is
# the email address typed, "ip" the client address, "user" the signed-in account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key,10/h/key",
    "signup": "20/m/ip",
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
    # Pocket Council's own: SMS codes to verify a mobile number (sending costs councils money).
    "accounts_sms_send": "3/10m/user,6/d/user,30/h/ip",
    "accounts_sms_check": "10/10m/user,50/h/ip",
}
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Pocket Council"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": accounts_config.oidc_apps(env)}}
USERSESSIONS_TRACK_ACTIVITY = False
# Which ID token / userinfo claim says how well the identity provider checked who the person is,
# and which values count as "identity verified at medium confidence" (assurance level 3).
ACCOUNTS_OIDC_IDENTITY_CLAIM = env.get("ACCOUNTS_OIDC_IDENTITY_CLAIM", "vot")
# Where the keys that sign the identity JWT are published (a DID document), and its issuer:
# an identity JWT ("claim#inner" above) counts only once verified against them.
ACCOUNTS_OIDC_IDENTITY_DID_URL = env.get("OIDC_IDENTITY_DID_URL", "")
ACCOUNTS_OIDC_IDENTITY_ISSUER = env.get("OIDC_IDENTITY_ISSUER", "")
ACCOUNTS_OIDC_IDENTITY_VALUES = config.env_list(
    env, "ACCOUNTS_OIDC_IDENTITY_VALUES", ["P2", "Cl.Cm.P2"]
)
# How long an SMS code lasts and how many wrong tries it takes.
ACCOUNTS_SMS_CODE_TIMEOUT = config.env_int(env, "ACCOUNTS_SMS_CODE_TIMEOUT", 600)
ACCOUNTS_SMS_CODE_MAX_ATTEMPTS = 5

# --- notify ---
# Where text messages go: "govuk_notify" (needs NOTIFY_API_KEY), "console" (the log) or "locmem"
# (a list in memory, for tests). Email goes through EMAIL_BACKEND unless NOTIFY_EMAIL_BACKEND is
# "govuk_notify". docs/notifications.md explains every setting.
NOTIFY_SMS_BACKEND = env.get(
    "NOTIFY_SMS_BACKEND",
    {"test": "locmem", "development": "console"}.get(POCKETCOUNCIL_ENV, "govuk_notify"),
)
NOTIFY_EMAIL_BACKEND = env.get("NOTIFY_EMAIL_BACKEND", "django")
NOTIFY_CALLBACK_TOKEN = env.get("NOTIFY_CALLBACK_TOKEN", "")
NOTIFY_VAPID_PUBLIC_KEY = env.get("NOTIFY_VAPID_PUBLIC_KEY", "")
NOTIFY_VAPID_PRIVATE_KEY = env.get("NOTIFY_VAPID_PRIVATE_KEY", "")
NOTIFY_VAPID_SUBJECT = env.get("NOTIFY_VAPID_SUBJECT", "mailto:noreply@localhost")
NOTIFY_MAX_ATTEMPTS = config.env_int(env, "NOTIFY_MAX_ATTEMPTS", 8)
NOTIFY_RETRY_BASE_SECONDS = config.env_int(env, "NOTIFY_RETRY_BASE_SECONDS", 30)
NOTIFY_DELIVERY_BATCH_SIZE = config.env_int(env, "NOTIFY_DELIVERY_BATCH_SIZE", 50)
NOTIFY_DELIVERY_LEASE_SECONDS = config.env_int(env, "NOTIFY_DELIVERY_LEASE_SECONDS", 900)

# --- channels (issue 21: email, SMS and social media in; docs/channels.md) ---
# Reply addresses look like reply+<case>-<token>@CHANNELS_REPLY_DOMAIN; point that domain's MX
# at the SMTP receiver (manage.py channels_smtp).
CHANNELS_REPLY_DOMAIN = env.get("CHANNELS_REPLY_DOMAIN", "in.pocketcouncil.localhost")
CHANNELS_REPLY_LOCAL_PART = env.get("CHANNELS_REPLY_LOCAL_PART", "reply")
CHANNELS_SMTP_HOST = env.get("CHANNELS_SMTP_HOST", "127.0.0.1")
CHANNELS_SMTP_PORT = config.env_int(env, "CHANNELS_SMTP_PORT", 8025)
# Largest email accepted (bytes), attachments included.
CHANNELS_EMAIL_MAX_BYTES = config.env_int(env, "CHANNELS_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
# More messages than this from one sender in an hour are held for staff, unanswered.
CHANNELS_RATE_LIMIT_PER_HOUR = config.env_int(env, "CHANNELS_RATE_LIMIT_PER_HOUR", 10)
# How sure the front door must be (its top score) to make a case without a person looking.
CHANNELS_MIN_CONFIDENCE = float(env.get("CHANNELS_MIN_CONFIDENCE", "0.5"))
# How long staff have to answer a message in the inbox (hours).
CHANNELS_ANSWER_HOURS = config.env_int(env, "CHANNELS_ANSWER_HOURS", 48)
# How long raw messages are kept (days), then deleted by manage.py channels_purge.
CHANNELS_RAW_RETENTION_DAYS = config.env_int(env, "CHANNELS_RAW_RETENTION_DAYS", 365)
# Bearer token GOV.UK Notify sends with inbound text messages (set in Notify's API settings).
CHANNELS_NOTIFY_INBOUND_TOKEN = env.get("CHANNELS_NOTIFY_INBOUND_TOKEN", "")
# How long after we texted someone about a case their text still threads into it (days).
CHANNELS_SMS_THREAD_DAYS = config.env_int(env, "CHANNELS_SMS_THREAD_DAYS", 28)

# --- cases ---
# How long after sending a report its reporter may still edit it and add photos (minutes).
CASES_EDIT_MINUTES = config.env_int(env, "CASES_EDIT_MINUTES", 30)
# How long after a case is fixed or closed its reporter may say "it is not fixed" (days).
CASES_REOPEN_DAYS = config.env_int(env, "CASES_REOPEN_DAYS", 28)
# Largest photo accepted, before re-encoding (bytes).
CASES_PHOTO_MAX_BYTES = config.env_int(env, "CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Map tiles for the report map and the public map (Leaflet). Any XYZ tile server: OpenStreetMap's
# by default; councils with an Ordnance Survey licence point this at the OS Maps API. Set it to
# an empty string to turn maps off (the typed postcode and description path always works).
CASES_MAP_TILES_URL = env.get(
    "CASES_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
CASES_MAP_ATTRIBUTION = env.get("CASES_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
if CASES_MAP_TILES_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(CASES_MAP_TILES_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
# Where the report map starts when there is no better guess (latitude,longitude).
CASES_MAP_START = env.get("CASES_MAP_START", "51.752,-1.2577")

# --- transparency ---
# Performance figures from fewer cases than this are shown as "Too few"; recomputed this often.
TRANSPARENCY_SMALL_NUMBERS = config.env_int(env, "TRANSPARENCY_SMALL_NUMBERS", 5)
TRANSPARENCY_INDICATORS_INTERVAL_MINUTES = config.env_int(
    env, "TRANSPARENCY_INDICATORS_INTERVAL_MINUTES", 60
)

# --- engage ---
# Accounts younger than this many hours may post only a few ideas, comments and statements an hour.
ENGAGE_NEW_ACCOUNT_HOURS = config.env_int(env, "ENGAGE_NEW_ACCOUNT_HOURS", 24)
ENGAGE_NEW_ACCOUNT_POSTS_PER_HOUR = config.env_int(env, "ENGAGE_NEW_ACCOUNT_POSTS_PER_HOUR", 3)
# Opinion groups: votes a person needs before they count, and how long to gather votes first.
ENGAGE_OPINION_MIN_VOTES = config.env_int(env, "ENGAGE_OPINION_MIN_VOTES", 7)
ENGAGE_OPINION_DEBOUNCE_SECONDS = config.env_int(env, "ENGAGE_OPINION_DEBOUNCE_SECONDS", 30)
# How many reports one address, and one account, may send in an hour before being asked to wait.
CASES_REPORTS_PER_HOUR_PER_ADDRESS = config.env_int(env, "CASES_REPORTS_PER_HOUR_PER_ADDRESS", 30)
CASES_REPORTS_PER_HOUR_PER_ACCOUNT = config.env_int(env, "CASES_REPORTS_PER_HOUR_PER_ACCOUNT", 10)

# --- Payments (issue 20, docs/payments.md) ----------------------------------------------------
# Encrypts councils' GOV.UK Pay keys at rest (a Fernet key); derived from SECRET_KEY when unset.
PAYMENTS_ENCRYPTION_KEY = env.get("PAYMENTS_ENCRYPTION_KEY", "")
# "Pay" buttons are forms whose answer redirects to GOV.UK Pay's card pages; browsers apply the
# CSP form-action to that redirect, so the card pages' origin must be allowed. Outside
# production the fake GOV.UK Pay of scripts/run_dev.sh (port 8010) is allowed too.
PAYMENTS_CARD_ORIGINS = env.get(
    "PAYMENTS_CARD_ORIGINS",
    "https://card.payments.service.gov.uk" + ("" if PRODUCTION else " http://127.0.0.1:8010"),
).split()
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].extend(PAYMENTS_CARD_ORIGINS)
# Where load_demo points the demo councils' GOV.UK Pay accounts (the fake, never the real one).
PAYMENTS_DEMO_PAY_URL = env.get("PAYMENTS_DEMO_PAY_URL", "http://127.0.0.1:8010")

# Demand and failure demand (issue 22, docs/insight.md): a week's contact about a service or
# ward is a spike at INSIGHT_SPIKE_FACTOR times its weekly median over the INSIGHT_SPIKE_WEEKS
# before, and at least INSIGHT_SPIKE_MINIMUM contacts (so 1 -> 3 is not an alert).
INSIGHT_SPIKE_FACTOR = config.env_int(env, "INSIGHT_SPIKE_FACTOR", 3)
INSIGHT_SPIKE_WEEKS = config.env_int(env, "INSIGHT_SPIKE_WEEKS", 8)
INSIGHT_SPIKE_MINIMUM = config.env_int(env, "INSIGHT_SPIKE_MINIMUM", 10)
