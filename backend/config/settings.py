"""Settings for Intake.

Every value that changes between machines is read from the environment here and nowhere else.
With no environment at all the project runs on embedded defaults (SQLite and Celery's
filesystem broker under ``backend/var/``), so ``make run`` works on a fresh machine.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS
from rest_framework import fields, serializers

# Lets the type-annotated generics (ModelAdmin[Book], Serializer[Any]) run, not only type-check.
django_stubs_ext.monkeypatch(
    extra_classes=[serializers.Serializer, serializers.ModelSerializer, serializers.ListSerializer, fields.Field]
)

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent

env = environ.Env()
# A local .env (copied from .env_example) is honoured, but the real environment wins.
environ.Env.read_env(REPO_DIR / ".env", overwrite=False)


def _path(name: str, default: Path) -> Path:
    """A path setting; relative values are taken from the repository root, as .env_example shows."""
    value = env.str(name, default="")
    if not value:
        return default
    path = Path(value)
    return path if path.is_absolute() else REPO_DIR / path


VAR_DIR = _path("INTAKE_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use DJANGO_SECRET_KEY, or a random key kept under var/ so sessions survive restarts."""
    configured = env.str("DJANGO_SECRET_KEY", default="")
    if configured:
        if len(configured) < 32:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long.")
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# ---- HTTPS ------------------------------------------------------------------------------------
# Whether browsers reach the site over HTTPS, TLS often ending at a proxy or the Ingress. On by
# default when DEBUG is off: secure cookies, HSTS, and plain http redirected to https. `make run`,
# `make dev` and the test stacks serve plain http on 127.0.0.1 and set DJANGO_HTTPS=false.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)


def _unless_empty(name: str, default: int | bool) -> int | bool:
    """An int or boolean setting that follows DJANGO_HTTPS while it is left empty."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if isinstance(default, bool):
        if value not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
            raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
        return value in {"true", "1", "yes", "on"}
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}.")
    return int(value)


SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(_unless_empty("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# False when the proxy in front already redirects http to https and nothing reaches gunicorn unencrypted.
SECURE_SSL_REDIRECT = bool(_unless_empty("DJANGO_SSL_REDIRECT", HTTPS))
# Behind a proxy that ends TLS, requests reach gunicorn over http and the proxy says what the
# browser used in X-Forwarded-Proto (the page's nginx and ingress-nginx both set it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# Health probes talk to the web process directly, over http.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "corsheaders",
    "accounts",
    "datasets",
    "imports",
    "catalog",
    "cards",
    "feeds",
    "notifications",
    "web",
]

MIDDLEWARE = [
    "config.logs.RequestLogMiddleware",
    # /metrics, before the host and https checks: Prometheus scrapes pods by address over http.
    "config.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request uses it: one the server dropped (a restart, a
# failover, an idle timeout) is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker share one SQLite file: wait for locks instead of failing,
    # and let readers run beside the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: the test worker thread must see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = _path("INTAKE_UPLOAD_DIR", VAR_DIR / "uploads")

# ---- Files ----------------------------------------------------------------------------------
# Every file of an import (the upload in quarantine, its sanitized copy, the outputs) goes through
# Django's storage API under one of two aliases: "quarantine" (uploads as received, never read
# by the pipeline) and "imports" (sanitized copies and outputs). IMPORT_STORAGE=filesystem keeps
# both under INTAKE_UPLOAD_DIR (the default, for `make run`); s3 puts them in an S3-compatible
# object store (AWS S3, MinIO, Ceph...), so web and worker machines share no disk.
IMPORT_STORAGE = env.str("IMPORT_STORAGE", default="filesystem")
if IMPORT_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("IMPORT_STORAGE must be filesystem or s3.")
S3_BUCKET = env.str("S3_BUCKET", default="")


def s3_transfer_config() -> object:
    """Uploads go up in 8 MiB parts, two at a time, at most three parts read ahead: a 2 GiB upload
    costs the web process about 30 MiB, where boto3's defaults (ten parts in flight, ten read
    ahead) cost over 100."""
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(multipart_chunksize=8 * 1024**2, max_concurrency=2)
    config.max_in_memory_upload_chunks = 3
    return config


def _s3_options(bucket: str) -> dict[str, object]:
    from botocore.config import Config

    endpoint = env.str("S3_ENDPOINT_URL", default="") or None
    # MinIO and most self-hosted servers answer on one host name, not one per bucket.
    addressing = env.str("S3_ADDRESSING_STYLE", default="") or ("path" if endpoint else "auto")
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.str("S3_REGION", default="") or None,
        # Empty: boto3's own chain (instance profile, IRSA, AWS_* variables) finds credentials.
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "location": env.str("S3_PREFIX", default="").strip("/"),
        "addressing_style": addressing,
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": True,
        "transfer_config": s3_transfer_config(),
        # A client_config replaces the one django-storages would build, addressing style included.
        "client_config": Config(s3={"addressing_style": addressing}, retries={"max_attempts": 5, "mode": "standard"}),
    }


if IMPORT_STORAGE == "s3":
    if not S3_BUCKET:
        raise ImproperlyConfigured("IMPORT_STORAGE=s3 needs S3_BUCKET.")
    _files_storage: dict[str, object] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options(S3_BUCKET)}
    # A bucket of its own lets an operator scan it, or give it other access rules and lifecycle.
    _quarantine_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options(env.str("S3_QUARANTINE_BUCKET", default="") or S3_BUCKET),
    }
else:
    # No location: FileSystemStorage follows MEDIA_ROOT (the tests point it at a temporary folder).
    _files_storage = _quarantine_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "imports": _files_storage,
    "quarantine": _quarantine_storage,
}

# The built single-page app (frontend/dist). Django serves it with a fallback to index.html.
FRONTEND_DIST_DIR = _path("FRONTEND_DIST_DIR", REPO_DIR / "frontend" / "dist")
WHITENOISE_ROOT = FRONTEND_DIST_DIR if FRONTEND_DIST_DIR.is_dir() else None
WHITENOISE_INDEX_FILE = True
# In development the page may be rebuilt while the server runs; pick up the new files.
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads are streamed to disk by Django's temporary-file handler, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["config.uploads.LargeChunkTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# ---- Imports -------------------------------------------------------------------------------
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=2 * 1024**3)
# Rows per transaction. With the binary COPY and the columnar reader, 10000 loads a million rows
# about 15 % faster than 2000 (each batch costs a few round trips and a commit; the reader is no
# longer the side that waits), measured in docs/benchmarks.md.
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=10000)
IMPORT_MAX_STORED_ERRORS = env.int("IMPORT_MAX_STORED_ERRORS", default=100_000)
IMPORT_MAX_FIELD_CHARS = env.int("IMPORT_MAX_FIELD_CHARS", default=131_072)
# Rejected rows one request may send again corrected: they load in the request, in one transaction.
IMPORT_RESUBMIT_MAX_ROWS = env.int("IMPORT_RESUBMIT_MAX_ROWS", default=10_000)
# PostgreSQL: read and validate in a child process while the worker loads (see pipeline/reader_process.py).
IMPORT_READER_PROCESS = env.bool("IMPORT_READER_PROCESS", default=True)
# On PostgreSQL, pass 2 reads regular blocks of the file with pyarrow and accepts rows with
# vectorized checks (imports/pipeline/columnar.py); off, every record goes through the csv module
# and the row validator. Either way the rows, errors and counters are the same.
IMPORT_FAST_PATH = env.bool("IMPORT_FAST_PATH", default=True)
# POST /api/imports/inspect/ reads at most this much: a CSV file's first part, or a whole workbook.
IMPORT_INSPECT_MAX_BYTES = env.int("IMPORT_INSPECT_MAX_BYTES", default=32 * 1024**2)
# Files of finished jobs (upload, sanitized copy, cleaned output) and their row errors are
# deleted this many days after the job ended (Celery beat looks every hour); 0 keeps them forever.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
if IMPORT_FILE_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("IMPORT_FILE_RETENTION_DAYS must be 0 (keep) or a number of days.")
if IMPORT_BATCH_SIZE < 1:
    raise ImproperlyConfigured("IMPORT_BATCH_SIZE must be a positive integer.")
# Crash recovery (see README, "What survives what"). A running job's worker writes a heartbeat
# with every batch and every IMPORT_HEARTBEAT_SECONDS in between; a job whose heartbeat is older
# than IMPORT_STALE_SECONDS has lost its worker and is re-queued by the watchdog (run by Celery
# beat every IMPORT_WATCHDOG_SECONDS) to resume from its checkpoint. After IMPORT_MAX_ATTEMPTS
# runs it fails with failure_reason=worker_lost. A pending job the broker no longer holds is
# queued again after IMPORT_PENDING_REQUEUE_SECONDS.
IMPORT_HEARTBEAT_SECONDS = env.float("IMPORT_HEARTBEAT_SECONDS", default=10.0)
IMPORT_STALE_SECONDS = env.float("IMPORT_STALE_SECONDS", default=120.0)
IMPORT_WATCHDOG_SECONDS = env.float("IMPORT_WATCHDOG_SECONDS", default=30.0)
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", default=5)
IMPORT_PENDING_REQUEUE_SECONDS = env.float("IMPORT_PENDING_REQUEUE_SECONDS", default=60.0)
# A task whose database goes away retries IMPORT_DB_RETRIES times, waiting 5, 10, 20... seconds
# (doubling from IMPORT_DB_RETRY_SECONDS, at most two minutes), then leaves the job to the watchdog.
IMPORT_DB_RETRIES = env.int("IMPORT_DB_RETRIES", default=5)
IMPORT_DB_RETRY_SECONDS = env.float("IMPORT_DB_RETRY_SECONDS", default=5.0)
if not 0 < IMPORT_HEARTBEAT_SECONDS * 3 <= IMPORT_STALE_SECONDS:
    raise ImproperlyConfigured("IMPORT_STALE_SECONDS must be at least three IMPORT_HEARTBEAT_SECONDS.")
if IMPORT_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("IMPORT_MAX_ATTEMPTS must be at least 1.")

# ---- Feeds ----------------------------------------------------------------------------------
# Feed sources are folders under this root, never elsewhere (the API refuses any other path).
FEEDS_ROOT = _path("FEEDS_ROOT", VAR_DIR / "feeds")
FEEDS_ROOT.mkdir(parents=True, exist_ok=True)
# Celery beat refreshes every enabled feed source this often; 0 turns polling off.
FEEDS_POLL_MINUTES = env.int("FEEDS_POLL_MINUTES", default=0)
if FEEDS_POLL_MINUTES < 0:
    raise ImproperlyConfigured("FEEDS_POLL_MINUTES must be 0 (off) or a number of minutes.")

# ---- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    # Without control_folder, kombu writes its broadcast exchanges into the current directory.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # With acks_late, Redis re-delivers a task not acknowledged within this time. The watchdog
    # finds a lost job within IMPORT_STALE_SECONDS; re-delivery is only the second line, so the
    # timeout stays well above a long batch: a re-delivered task whose job still has a live
    # heartbeat leaves it to its worker, so an early re-delivery costs nothing.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_DEFAULT_QUEUE = "imports"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "import-watchdog": {"task": "imports.watchdog", "schedule": IMPORT_WATCHDOG_SECONDS},
    "import-file-retention": {"task": "imports.retention", "schedule": 3600.0},
}
if FEEDS_POLL_MINUTES:
    CELERY_BEAT_SCHEDULE["poll-feeds"] = {"task": "feeds.poll", "schedule": FEEDS_POLL_MINUTES * 60.0}

# ---- HTTP API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.WorkspaceApiKeyAuthentication",
        "accounts.authentication.WorkspaceJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.HasWorkspace"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Reads are limited per user or API key everywhere; sign-up, sign-in, refresh and uploads
    # declare their own throttles (accounts/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.ReadThrottle"],
    # How many proxies in front of the web process append to X-Forwarded-For: 0 trusts no such
    # header (a client could write any address there); 1 behind the compose nginx or the
    # Kubernetes Ingress, which both proxy /api/ straight to the web process.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}


def _rate(name: str, default: str) -> str | None:
    """A request rate such as 10/minute (per second, minute, hour or day); empty means no limit."""
    value = env.str(name, default=default).strip()
    if not value:
        return None
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 10/minute, not {value!r}.")
    return value


# Scope -> rate, read at each request by accounts/throttling.py. Sign-up, sign-in and token
# refresh count per client IP; uploads and reads per signed-in user or per API key.
THROTTLE_RATES: dict[str, str | None] = {
    "register": _rate("THROTTLE_REGISTER_RATE", "20/hour"),
    "login": _rate("THROTTLE_LOGIN_RATE", "10/minute"),
    "refresh": _rate("THROTTLE_REFRESH_RATE", "60/minute"),
    "uploads": _rate("THROTTLE_UPLOAD_RATE", "30/minute"),
    "reads": _rate("THROTTLE_READ_RATE", "1200/minute"),
}

# The throttles' counters. With Redis (CACHE_URL=redis://...) every web process shares them;
# without it (the embedded defaults of `make run`) each process counts on its own.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SPECTACULAR_SETTINGS = {
    "TITLE": "Intake API",
    "DESCRIPTION": "Import CSV files into PostgreSQL tables, safely.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api",
    # Several models have a "status"; each choice set keeps one stable name in the page's types.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "imports.models.ImportJob.Status",
        "EventTypeEnum": "cards.models.EventType",
        "WebhookEventEnum": "notifications.models.WebhookEvent",
        "ImportFormatEnum": "imports.models.ImportJob.Format",
        "EncodingSourceEnum": "imports.inspection.ENCODING_SOURCES",
        "ColumnMatchedByEnum": "imports.inspection.MATCHED_BY",
        "FieldMatchedByEnum": "imports.inspection.FIELD_MATCHED_BY",
        "DelimiterSourceEnum": "imports.inspection.DELIMITER_SOURCES",
    },
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    # A refresh answers a new refresh token and the old one is refused from then on, as is a
    # refresh token signed out with POST /api/auth/logout/ (the token_blacklist app's tables).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

API_KEY_CUSTOM_HEADER = "HTTP_X_API_KEY"

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# The bearer token Prometheus sends to /metrics; empty: /metrics answers 404 (config/metrics.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Plain text for a person (make run); one JSON object per line for a log collector (compose and
# Kubernetes set json). Every record carries the request id, workspace and job id (config/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(context)s%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id", "workspace", "job_id"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django's error records carry the request object, whose text has the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "context", "request"],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # runserver's own request lines, and Django's warnings about 4xx answers, would repeat those
    # of intake.request; 5xx answers are still logged with their traceback.
    "loggers": {"django.server": {"level": "WARNING"}, "django.request": {"level": "ERROR"}},
}

# ---- Notifications (notifications/) ---------------------------------------------------------
# The page's address as people open it: e-mails and webhooks link to jobs under it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# smtp://user:password@host:25, smtp+tls://...:587 (STARTTLS), smtp+ssl://...:465; the default
# prints each mail on the worker's console.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
# A mail server that does not answer is retried later by the task, not waited for.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("EMAIL_FROM", default="Intake <intake@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Webhook endpoints may not point at private, loopback, link-local or other non-public addresses
# (a webhook must not reach inside the network) unless their network is listed here, as CIDRs:
# 10.0.0.0/8 for receivers on the company network, 127.0.0.0/8 for tests on one machine.
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
for _network in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOK_ALLOWED_NETWORKS: {_network!r} is not a network such as 10.0.0.0/8."
        ) from None

# ---- Live updates (notifications/live.py, notifications/stream.py) ---------------------------
# Workers publish each batch and status change to Redis; the web process streams them to pages
# (Server-Sent Events). Empty: the broker's Redis when the broker is Redis; "off", or no Redis
# (make run's embedded defaults), and pages poll instead.
_live = env.str("LIVE_REDIS_URL", default="").strip()
if _live.lower() == "off":
    LIVE_REDIS_URL = ""
elif _live:
    LIVE_REDIS_URL = _live
else:
    LIVE_REDIS_URL = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
if LIVE_REDIS_URL and not LIVE_REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("LIVE_REDIS_URL must be a redis:// or rediss:// URL, or off.")
