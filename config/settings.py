"""Settings for the child death review platform: one module, switched by the environment.

DJANGO_ENV chooses the profile (development, test or production). Everything a deployment
changes is read through config.env, which stops start-up with a clear message when a value
is missing or malformed.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from config.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# Under pytest (which sets PYTEST_VERSION) the default is the test profile, so that a bare
# `pytest` runs the suite as `make test` does.
DJANGO_ENV = env.choice(
    "DJANGO_ENV",
    ("development", "test", "production"),
    "test" if os.environ.get("PYTEST_VERSION") else "development",
)
PRODUCTION = DJANGO_ENV == "production"

SERVICE_NAME = env.str("SERVICE_NAME", "Child death review")

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        from config.env import ImproperlyConfiguredError

        raise ImproperlyConfiguredError(
            "DJANGO_SECRET_KEY must be at least 50 random characters in production."
        )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        from config.env import ImproperlyConfiguredError

        raise ImproperlyConfiguredError(
            "DJANGO_ALLOWED_HOSTS must list the host names the service answers to in production."
        )
else:
    # A fixed key is fine on a laptop: the data there is synthetic.
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", "dev-only-not-secret-2f8c1b7e9d4a6035e1c7b9d2a4f6e8c0b1d3f5a7c9e1b3d5"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# --- Field encryption (cdop.core.crypto, docs/security.md "Encryption at rest") -------------
# Names, NHS numbers, addresses and contact details are stored encrypted (AES-256-GCM) with keys
# (comma-separated, newest first: the first encrypts, every one decrypts), and matched through
# HMAC-SHA256 blind indexes keyed with BLIND_INDEX_KEY, a separate secret. Outside production
# fixed development keys are used, so the synthetic data of a laptop needs nothing set; they
# decode to "dev-only-not-secret-…" and production refuses them.
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktbm90LXNlY3JldC1maWVsZC1rZXktMDE="
DEV_BLIND_INDEX_KEY = "dev-only-not-secret-blind-index-key-0123456789"
if PRODUCTION:
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", [])
    BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", "")
else:
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", [DEV_FIELD_ENCRYPTION_KEY])
    BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", DEV_BLIND_INDEX_KEY)


def _check_field_keys() -> None:
    from config.env import ImproperlyConfiguredError, fernet_key_problem

    if not FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfiguredError(
            "FIELD_ENCRYPTION_KEYS must hold at least one key (newest first, separated by "
            'commas). Make one with: python -c "import base64, os; '
            'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )
    for position, key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
        problem = fernet_key_problem(key)
        if problem:
            raise ImproperlyConfiguredError(
                f"FIELD_ENCRYPTION_KEYS: key {position} {problem}. Each key is 32 random "
                "bytes in URL-safe base64."
            )
    if PRODUCTION and DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfiguredError(
            "FIELD_ENCRYPTION_KEYS holds the development key, which is public: set a new key."
        )
    minimum = 32 if PRODUCTION else 1
    if len(BLIND_INDEX_KEY) < minimum:
        raise ImproperlyConfiguredError(
            "BLIND_INDEX_KEY must be at least 32 random characters in production (a separate "
            "secret from the encryption keys: it keys the indexes that match NHS numbers)."
        )
    if PRODUCTION and BLIND_INDEX_KEY == DEV_BLIND_INDEX_KEY:
        raise ImproperlyConfiguredError(
            "BLIND_INDEX_KEY is the development key, which is public: set a new one."
        )


_check_field_keys()

# Debug pages show settings and URL patterns, so they are never on unless asked for.
DEBUG = env.bool("DJANGO_DEBUG", False) and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "govuk_frontend_django",
    "rest_framework",
    "drf_spectacular",
    # Our apps, one per step of the process.
    "cdop.core",
    "cdop.accounts",
    "cdop.areas",
    "cdop.audit",
    "cdop.notifications",
    "cdop.cases",
    "cdop.reporting",
    "cdop.transfers",
    "cdop.api",
    "cdop.clocks",
    "cdop.work",
    "cdop.documents",
    "cdop.family",
    "cdop.investigations",
    "cdop.safeguarding",
    "cdop.chronology",
    "cdop.agencies",
    "cdop.formdefs",
    "cdop.agencyforms",
    "cdop.securelinks",
    "cdop.familyvoice",
    "cdop.meetings",
    "cdop.papers",
    "cdop.analysis",
    "cdop.actions",
    "cdop.ncmd",
    "cdop.learning",
    "cdop.surveillance",
    "cdop.dataquality",
    "cdop.ops",
    "cdop.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # The database unreachable: a 503 "try again" page (JSON under /api/), never a 500.
    "cdop.ops.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cdop.accounts.middleware.IdleTimeoutMiddleware",
    "cdop.accounts.middleware.RolesCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cdop.accounts.middleware.RequireMFAMiddleware",
    "cdop.audit.middleware.AuditlogMiddleware",
    "cdop.core.middleware.NoStoreMiddleware",
    # Turns a blocked request from django-ratelimit into our 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Axes last: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cdop.core.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "cdop.core.forms.GovUKFormRenderer"

# --- Database ------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DJANGO_ENV == "test" else 60
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's costs for the surveillance counts' per-row checks
    # tipped it into compiling, about half a second a page, for queries that run in
    # milliseconds; the app's queries are short, and never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Prepared statements, for the few fixed statements that cost more to plan than to run
    # (cdop.core.db.fetch_rows with prepare=True; Django's own cursors bind in the client and
    # never prepare), planned once for any values (a generic plan: they are chosen for plans
    # that do not depend on the values, and PostgreSQL would otherwise plan some of them anew
    # on every run). Turn off behind a connection pooler that cannot keep them.
    if env.bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
        DATABASES["default"]["OPTIONS"]["options"] += " -c plan_cache_mode=force_generic_plan"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and locks must hold across processes, so the cache lives in the database.
# It also keeps each area's counted figures (cdop.core.kept: five kinds an area). Django's
# default of 300 entries would have every write culling, and the figures of a national
# installation's areas pushing each other out; every write counts the table, so not many
# more (decision 81).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cdop_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# --- Authentication ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "cdop.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SERVICE_NAME}] "
# allauth limits the sign-in view per address only. Its per-account limit on failed attempts
# sits above AXES_FAILURE_LIMIT so that the lockout page, which says for how long, comes first.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,20/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SERVICE_NAME
# Accept the code of the previous or next 30 seconds too (clock drift, slow typing).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

# Five wrong passwords lock the account for 30 minutes (configurable).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "cdop.accounts.lockout.username_from_request"
AXES_LOCKOUT_TEMPLATE = "account/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions end after this many minutes without a request, and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 60 * 60  # an absolute cap on one sign-in
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cdop.core.views.csrf_failure"

# --- Security headers ----------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Rate limits on public endpoints ---------------------------------------------------
RATELIMIT_VIEW = "cdop.core.views.rate_limited"
# Every page of the notification form counts (about six POSTs a notification).
NOTIFY_RATE_LIMIT = env.str("NOTIFY_RATE_LIMIT", "120/10m")
TRANSFER_DOWNLOAD_RATE_LIMIT = env.str("TRANSFER_DOWNLOAD_RATE_LIMIT", "20/h")
# Days a transfer pack link works; hours within which a death should be notified (domain.md §4).
TRANSFER_LINK_DAYS = env.int("TRANSFER_LINK_DAYS", 14)
# Secure links for agencies and families (cdop.securelinks)
SECURE_LINK_AGENCY_DAYS = env.int("SECURE_LINK_AGENCY_DAYS", 30)
SECURE_LINK_FAMILY_DAYS = env.int("SECURE_LINK_FAMILY_DAYS", 90)
SECURE_LINK_OTP_MINUTES = env.int("SECURE_LINK_OTP_MINUTES", 10)
SECURE_LINK_OTP_ATTEMPTS = env.int("SECURE_LINK_OTP_ATTEMPTS", 5)
SECURE_LINK_IDLE_MINUTES = env.int("SECURE_LINK_IDLE_MINUTES", 60)
SECURE_LINK_RATE_LIMIT = env.str("SECURE_LINK_RATE_LIMIT", "30/10m")
SECURE_LINK_CODE_RATE_LIMIT = env.str("SECURE_LINK_CODE_RATE_LIMIT", "20/10m")
NOTIFICATION_EXPECTED_HOURS = env.int("NOTIFICATION_EXPECTED_HOURS", 24)

# --- Email ---------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if DJANGO_ENV == "test"
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "no-reply@cdop.invalid")

# --- Background tasks: the database is the queue, so no broker is needed ----------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if DJANGO_ENV == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- Audit ---------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, whitenoise serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log every PDF they make at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The area the public site opens on when an installation hosts several.
DEFAULT_AREA = env.str("DEFAULT_AREA", "llr")
# The address staff use to reach the service, for links in emails.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000")
# Behind a reverse proxy that sets X-Forwarded-For, set this so the audit log records the
# client's address rather than the proxy's.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

# axes.W006 asks for lockout by IP address too. We lock the account only: a hospital's staff
# share one address, and one person's typing must not lock out the ward. allauth's rate
# limits already slow attempts from one address (ACCOUNT_RATE_LIMITS above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- The API for hospital and police systems (cdop.api, docs/api.md) -------------------
# Bearer tokens only: no sessions, so no CSRF; JSON in and out; no browsable API (it needs
# scripts the content security policy forbids).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cdop.api.authentication.ApiClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cdop.api.authentication.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["cdop.api.throttling.ApiClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env.str("API_RATE_LIMIT", "60/minute"),
        "api_auth_failure": env.str("API_AUTH_FAILURE_RATE_LIMIT", "10/minute"),
        "api_staff": env.str("API_STAFF_RATE_LIMIT", "120/minute"),
    },
    "DEFAULT_PARSER_CLASSES": ["cdop.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cdop.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles key on the client's address: trust X-Forwarded-For only behind our own proxy.
    "NUM_PROXIES": 1 if AUDIT_TRUST_X_FORWARDED_FOR else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": (
        "Lets a registered hospital or police system notify a child death review team of a "
        "child's death, with the fields of the national Notification Form. It also gives staff "
        "tools and analysts read-only access, with personal access tokens, to the cases, "
        "notifications, actions and statistics their pages show them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "ENUM_NAME_OVERRIDES": {
        "YesNoNotKnownEnum": "cdop.notifications.reference.YesNoNotKnown",
        "CaseStatusEnum": "cdop.cases.workflow.Status",
        "NotificationStatusEnum": "cdop.notifications.models.Notification.Status",
        "ActionStatusEnum": "cdop.actions.models.ActionStatus",
    },
}

# --- Case documents (cdop.documents) -----------------------------------------------------
# Uploaded files live here, outside anything the web server or whitenoise serves; they are
# read back only through the download view, which checks access and audits each download.
DOCUMENTS_ROOT = Path(env.str("DOCUMENTS_ROOT", str(BASE_DIR / "var" / "documents")))
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", 20 * 1024 * 1024)
# Virus scanning with ClamAV (clamd), off unless a socket or a host is given. When on, a file
# the scanner cannot be asked about is refused (fail closed).
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", "")
CLAMAV_HOST = env.str("CLAMAV_HOST", "")
CLAMAV_PORT = env.int("CLAMAV_PORT", 3310)
CLAMAV_TIMEOUT_SECONDS = env.int("CLAMAV_TIMEOUT_SECONDS", 30)
