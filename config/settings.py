"""Cầu Nối settings: one module, read from the environment, safe defaults.

DEBUG is off unless CAUNOI_DEBUG=1. SQLite is used unless DATABASE_URL is set.
Secrets (Django's SECRET_KEY, the master key that wraps client data keys and the blind
index key) come from the environment or from key files (under .local/ by default). They
are never generated silently: `manage.py keys_init` creates them, on purpose, and refuses
to when the database already holds encrypted data. With CAUNOI_PRODUCTION=1 the secret
key and the key locations must be given explicitly. None is stored in the database or
committed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("CAUNOI_LOCAL_DIR", BASE_DIR / ".local"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_from_file(path: Path) -> str:
    """Read a secret from its file; "" when there is none yet (never created here: see
    `manage.py keys_init`; Django then refuses to sign anything and core.checks says why)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


DEBUG = env_bool("CAUNOI_DEBUG")
PRODUCTION = env_bool("CAUNOI_PRODUCTION")
TESTING = env_bool("CAUNOI_TESTING")

SECRET_KEY_FILE = Path(os.environ.get("CAUNOI_SECRET_KEY_FILE", LOCAL_DIR / "secret_key"))
SECRET_KEY = os.environ.get("CAUNOI_SECRET_KEY") or _secret_from_file(SECRET_KEY_FILE)
if PRODUCTION and not (
    os.environ.get("CAUNOI_SECRET_KEY") or os.environ.get("CAUNOI_SECRET_KEY_FILE")
):
    raise ImproperlyConfigured(
        "CAUNOI_PRODUCTION=1 needs an explicit secret key: set CAUNOI_SECRET_KEY, or "
        "CAUNOI_SECRET_KEY_FILE naming a file that holds it"
    )
# Django raises on reading an empty SECRET_KEY; core.checks says why (and refuses to start
# in production) without reading it. `manage.py keys_init` creates a missing file.
SECRET_KEY_PRESENT = bool(SECRET_KEY)
# The master key ring wraps every data key of an encrypted record (core/crypto.py); the
# blind index key makes searchable keyed hashes. Both live outside the database: in the
# environment (CAUNOI_MASTER_KEY, CAUNOI_BLIND_INDEX_KEY) or in key files.
MASTER_KEY_FILE = Path(os.environ.get("CAUNOI_MASTER_KEY_FILE", LOCAL_DIR / "master.key"))
BLIND_INDEX_KEY_FILE = Path(
    os.environ.get("CAUNOI_BLIND_INDEX_KEY_FILE", LOCAL_DIR / "blind_index.key")
)
# Production refuses to start unless both keys' locations were named (core.checks).
KEY_LOCATIONS_EXPLICIT = all(
    os.environ.get(var) or os.environ.get(f"{var}_FILE")
    for var in ("CAUNOI_MASTER_KEY", "CAUNOI_BLIND_INDEX_KEY")
)
# Master key rotation (manage.py keys_rotate, scheduled daily): seconds to wait after the
# new version is in the key file before the last re-wrap pass, so that requests in flight
# that wrapped under the old version are re-wrapped too.
KEY_ROTATION_GRACE_SECONDS = env_int("CAUNOI_KEY_ROTATION_GRACE_SECONDS", 30)

ALLOWED_HOSTS = env_list("CAUNOI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CAUNOI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "csp",
    "django_q",
    "ninja",  # serves the API docs page's scripts from our own static files, not a CDN
    "core",
    "geo",
    "accounts",
    "audit",
    "programs",
    "clients",
    "outreach",
    "directory",
    "referrals",
    "activities",
    "hotline",
    "safety",
    "reports",
    "notifications",
    "submissions",
    "api",
    "portal",  # last: the home page and menu, above every other app
]

MIDDLEWARE = [
    "core.request_log.RequestLogMiddleware",  # outermost: sees the final status and time
    "django.middleware.security.SecurityMiddleware",
    # Outermost after SecurityMiddleware, so that every response gets the headers, those
    # made by the middleware below included (CSRF refusal, NUL refusal, lockout).
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /healthz is answered here, before anything reads the session from the database.
    "core.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.LanguageMiddleware",
    "core.middleware.RejectNullCharactersMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]
# Django's form renderer, with the templates of inputs, drop-downs, labels and error lists
# written in Python (the same HTML, faster).
FORM_RENDERER = "core.form_renderer.PythonFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{os.environ.get('CAUNOI_SQLITE_PATH', BASE_DIR / 'db.sqlite3')}",
        # Persistent connections in production (gunicorn workers reuse them), checked
        # before reuse so that a database restart costs one failed request at most.
        conn_max_age=env_int("CAUNOI_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
        # Behind pgbouncer in transaction pooling mode (docs/deploy.md, national scale).
        disable_server_side_cursors=env_bool("CAUNOI_DB_DISABLE_SERVER_SIDE_CURSORS"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A read replica for the live report (core/replica.py): a PostgreSQL standby kept by
# streaming replication. Unset: no replica, every read and write on default.
REPLICA_DATABASE_URL = os.environ.get("CAUNOI_REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
        disable_server_side_cursors=env_bool("CAUNOI_DB_DISABLE_SERVER_SIDE_CURSORS"),
    )
elif TESTING:
    # Tests turn report reads to this alias (settings.CAUNOI["REPORT_READ_ALIAS"]) to see
    # which queries went where; a mirror of default, never used unless asked.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.replica.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 by design costs time; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Passwords common in Vietnam (matkhau123, anhyeuem…), which Django's English list lacks.
    {"NAME": "accounts.password_validation.VietnameseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The client's address: REMOTE_ADDR unless the request comes from one of these proxies,
# which then name the client in CAUNOI_CLIENT_IP_HEADER (accounts/client_ip.py). Used by
# the lockout and the audit log. Leave both empty unless a reverse proxy sets the header.
CAUNOI_TRUSTED_PROXIES = env_list("CAUNOI_TRUSTED_PROXIES", "")
CAUNOI_CLIENT_IP_HEADER = os.environ.get("CAUNOI_CLIENT_IP_HEADER", "").strip()
if CAUNOI_CLIENT_IP_HEADER and not CAUNOI_TRUSTED_PROXIES:
    raise ValueError("CAUNOI_CLIENT_IP_HEADER needs CAUNOI_TRUSTED_PROXIES (your proxies)")

# Lockout after repeated failures (django-axes): 5 per account and address, and
# CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT per address over every account it tried (password
# spraying; accounts/lockout.py), both within the cool-off.
AXES_FAILURE_LIMIT = env_int("CAUNOI_LOGIN_FAILURE_LIMIT", 5)
CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("CAUNOI_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.AddressAwareAxesHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("CAUNOI_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Cau Noi"

# Sessions end after inactivity, in any case CAUNOI_SESSION_MAX_HOURS after login (both
# checked in accounts.middleware), and on browser close.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("CAUNOI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_AGE_SECONDS = env_int("CAUNOI_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE_SECONDS
# A new two-factor device needs a one-time enrolment code from an administrator.
CAUNOI_ENROLMENT_CODE_HOURS = env_int("CAUNOI_ENROLMENT_CODE_HOURS", 72)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

# Content-Security-Policy (django-csp): every script and stylesheet is our own file; no
# inline script, event handler, <style> or style="" anywhere (static/js/app.js handles
# data-print and data-autosubmit; app.css has the utility classes). JavaScript may still
# set styles through the DOM (Chart.js, htmx), which the policy does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page uses, switched off for this origin and anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("CAUNOI_SSL_REDIRECT", True)
    # Monitoring calls the web server directly on loopback, without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("CAUNOI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CAUNOI_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names (cached for a year by browsers) with gzip and, since Brotli is
        # installed, brotli copies written by collectstatic; whitenoise serves them.
        "BACKEND": "core.storage.StaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG or not PRODUCTION

# Background tasks: django-q2 with the ORM broker, so the queue lives in the same
# database by default; several `qcluster` processes on several machines may share it.
Q_CLUSTER = {
    "name": "caunoi",
    "orm": "default",
    "workers": env_int("CAUNOI_WORKERS", 1),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    "poll": 1,
    "sync": TESTING and not env_bool("CAUNOI_Q_ASYNC"),
    "log_level": "WARNING",
}

# Domain settings, all overridable per deployment.
CAUNOI = {
    # Client UIC recipe: parts joined in order (see clients/uic.py).
    "UIC_RECIPE": env_list("CAUNOI_UIC_RECIPE", "given2,mother2,yy,sex"),
    "NOT_CONTACTED_DAYS": env_int("CAUNOI_NOT_CONTACTED_DAYS", 30),
    "UNMASK_MINUTES": env_int("CAUNOI_UNMASK_MINUTES", 15),
    # Registrations checked for duplicates per user and hour (clients.duplicates).
    "DUPLICATE_CHECKS_PER_HOUR": env_int("CAUNOI_DUPLICATE_CHECKS_PER_HOUR", 30),
    # Alert submissions refused by the name and phone screening, per user and hour.
    "REFUSED_ALERTS_PER_HOUR": env_int("CAUNOI_REFUSED_ALERTS_PER_HOUR", 10),
    "REFERRAL_REMIND_DAYS": env_int("CAUNOI_REFERRAL_REMIND_DAYS", 3),
    "REFERRAL_EXPIRE_DAYS": env_int("CAUNOI_REFERRAL_EXPIRE_DAYS", 30),
    # One-time keys of create forms are forgotten after this many days (core.tasks).
    "ONCE_KEY_DAYS": env_int("CAUNOI_ONCE_KEY_DAYS", 30),
    # A create POST that carries no one-time key (a script, an old cached page): the same
    # user sending the same content to the same form within this many minutes gets the
    # first record back (core.idempotency.derived_key).
    "ONCE_KEYLESS_MINUTES": env_int("CAUNOI_ONCE_KEYLESS_MINUTES", 10),
    # Where the live report reads (core/replica.py): "replica" when one is configured.
    "REPORT_READ_ALIAS": "replica" if REPLICA_DATABASE_URL else "",
    # work_mem (MB) of a report's PostgreSQL session at least (reports.report).
    "REPORT_WORK_MEM_MB": env_int("CAUNOI_REPORT_WORK_MEM_MB", 64),
    "SUPPRESSION_THRESHOLD": env_int("CAUNOI_SUPPRESSION_THRESHOLD", 5),
    # Seeds the record keys of the cell key method (reports/perturbation.py); empty:
    # derived from SECRET_KEY. Changing it changes every perturbed figure once.
    "CELL_KEY_SECRET": os.environ.get("CAUNOI_CELL_KEY_SECRET", ""),
    "NOTIFICATION_CHANNELS": env_list("CAUNOI_NOTIFICATION_CHANNELS", "inapp"),
    "DHIS2_MAPPING_FILE": os.environ.get("CAUNOI_DHIS2_MAPPING_FILE", ""),
    # /healthz reports the queue down when a task or the heartbeat waits longer than this.
    "HEALTH_QUEUE_STALE_SECONDS": env_int("CAUNOI_HEALTH_QUEUE_STALE_SECONDS", 300),
    # 0: calendar periods. 15: the data cut-off of Decree 09/2019/NĐ-CP (a year runs
    # 15/12 of the year before to 14/12), see reports/periods.py.
    "PERIOD_CUTOFF_DAY": env_int("CAUNOI_PERIOD_CUTOFF_DAY", 0),
    # The DHIS2 server approved reports are sent to (submissions/dhis2_push.py); empty:
    # no sending. A token, or a username and password; never stored in the database.
    # Files built in the background (submissions.jobs) are kept this long for their user.
    "EXPORT_KEEP_HOURS": env_int("CAUNOI_EXPORT_KEEP_HOURS", 24),
    "DHIS2_URL": os.environ.get("CAUNOI_DHIS2_URL", ""),
    "DHIS2_TOKEN": os.environ.get("CAUNOI_DHIS2_TOKEN", ""),
    "DHIS2_USERNAME": os.environ.get("CAUNOI_DHIS2_USERNAME", ""),
    "DHIS2_PASSWORD": os.environ.get("CAUNOI_DHIS2_PASSWORD", ""),
}

# Logs go to stderr (journald under systemd). Request lines are JSON with the route name,
# never the path or query string (core/request_log.py); Django's own request records are
# rewritten the same way. Nothing here may name a client.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_path": {"()": "core.request_log.RedactPathFilter"},
        "redact_codes": {"()": "core.log_filters.RedactReferralCodes"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_path", "redact_codes"],
        },
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CAUNOI_LOG_LEVEL", "INFO")},
    "loggers": {
        # Never log request bodies or query strings that could hold client data.
        "django.db.backends": {"level": "WARNING"},
        "caunoi.request": {
            "handlers": ["json"],
            "level": "INFO" if env_bool("CAUNOI_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
        "django.request": {"filters": ["redact_path"]},
        "django.security.csrf": {"filters": ["redact_path"]},
        # runserver's request lines: through the same redacting handler.
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_path"],
        },
    },
}
