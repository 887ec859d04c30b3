"""Fangkong settings.

Every setting comes from a ``FANGKONG_*`` environment variable read through the small typed
helpers below, which fail loudly on a bad value. Everything has a working default except the
production secrets: with ``FANGKONG_ENV=production`` the secret key, the encryption keys and the
blind-index key must be given; in development they are generated once into ``var/``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fangkong.core.datafiles import private_sqlite, write_private

Number = TypeVar("Number", int, float)

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean, got {raw!r}")


def _envparsed(name: str, default: Number, parse: Callable[[str], Number], what: str) -> Number:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected {what}, got {raw!r}") from None


def envint(name: str, default: int) -> int:
    return _envparsed(name, default, int, "an integer")


def envfloat(name: str, default: float) -> float:
    return _envparsed(name, default, float, "a number")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envrate(name: str, default: str) -> str:
    """A rate limit as "requests/seconds", such as "10/600"."""
    value = env(name, default).strip() or default
    count, slash, seconds = value.partition("/")
    if not (slash and count.isdigit() and seconds.isdigit() and int(seconds) > 0):
        raise ImproperlyConfigured(
            f"{name}: expected requests/seconds such as 10/600, got {value!r}"
        )
    return value


def envnetworks(name: str, default: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR)."""
    items = envlist(name, default)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or network") from None
    return items


FANGKONG_ENV = env("FANGKONG_ENV", "development")
if FANGKONG_ENV not in ("development", "production"):
    raise ImproperlyConfigured("FANGKONG_ENV must be 'development' or 'production'")
PRODUCTION = FANGKONG_ENV == "production"


def envpath(name: str, default: Path) -> Path:
    """An absolute path: a relative one would depend on the directory a process starts in,
    so that the server, a timer and an operator's shell would each use a different one."""
    raw = env(name)
    if not raw:
        return default
    if not Path(raw).is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path, got {raw!r}")
    return Path(raw)


def data_subdir(path: Path) -> Path:
    """``path`` as a directory the server can write, created 0700 when missing; a clear
    message at start, rather than a 500 at the first upload, when it cannot be."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"cannot create {path} ({exc.strerror}); create it for the service user: "
            f"install -d -o fangkong -g fangkong -m 0700 {path}"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"{path} is not writable by this user (uid {os.getuid()}); "
            f"chown it to the service user, mode 0700"
        )
    return path


# Everything the server writes lives under this one directory (unset: var/ in the checkout).
DATA_DIR = data_subdir(envpath("FANGKONG_DATA_DIR", BASE_DIR / "var"))


def _dev_secrets() -> dict[str, str]:
    """Secrets for development, generated once into var/ so restarts keep data readable."""
    path = DATA_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    write_private(path, json.dumps(values))
    return values


def _secret(name: str, dev_key: str) -> str:
    value = env(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when FANGKONG_ENV=production")
    return _dev_secrets()[dev_key]


SECRET_KEY = _secret("FANGKONG_SECRET_KEY", "secret_key")
# Identity fields: AES-GCM keys as "id:base64key,id:base64key"; the first one encrypts.
ENCRYPTION_KEYS = _secret("FANGKONG_ENCRYPTION_KEYS", "encryption_keys")
BLIND_INDEX_KEY = _secret("FANGKONG_BLIND_INDEX_KEY", "blind_index_key")

DEBUG = envbool("FANGKONG_DEBUG", False)
ALLOWED_HOSTS = envlist("FANGKONG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("FANGKONG_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "fangkong.core",
    "fangkong.org",
    "fangkong.sites",
    "fangkong.registration",
    "fangkong.screening",
    "fangkong.passes",
    "fangkong.roster",
    "fangkong.command",
    "fangkong.supplies",
    "fangkong.duty",
    "fangkong.intel",
    "fangkong.grid",
    "fangkong.keypersons",
    "fangkong.demo",
    "fangkong.jobs",
]

# Background jobs (fangkong/jobs): django-tasks with django-tasks-db's database backend, so
# that no server besides the database is needed; `manage.py jobs_worker` runs them.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# First the login throttle (django-axes: refuses an account or address past its failures),
# then Django's model backend with the user's staff record and unit (org/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fangkong.org.backends.StaffModelBackend",
]

MIDDLEWARE = [
    "fangkong.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fangkong.core.middleware.ApiMethodNotAllowedMiddleware",
    "fangkong.core.middleware.DatabaseBusyMiddleware",
    "fangkong.core.middleware.TextHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.org.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fangkong.core.context_processors.fangkong",
                "fangkong.screening.context_processors.screening",
                "fangkong.intel.context_processors.intel",
            ],
        },
    },
]

# SQLite's synchronous mode for the write-ahead log. NORMAL (the default) syncs at each
# checkpoint: a commit survives the server process dying, but the last commits before a power
# cut or a kernel crash can be lost. FULL syncs the log at every commit: nothing acknowledged
# is lost, for a measured cost in registrations per second (docs/deploy.md).
SQLITE_SYNCHRONOUS = env("FANGKONG_SQLITE_SYNCHRONOUS", "NORMAL").upper()
if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL"):
    raise ImproperlyConfigured("FANGKONG_SQLITE_SYNCHRONOUS must be NORMAL or FULL")

DATABASE_URL = env("FANGKONG_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
else:
    # The database and its log files 0600 (the data directory is 0700 already).
    private_sqlite(DATA_DIR / "fangkong.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "fangkong.sqlite3",
            # Persistent connections keep the WAL pragmas and page cache across requests.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers wait on busy_timeout
                # instead of failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    f"PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-20000;"
                    "PRAGMA temp_store=MEMORY;"
                    # The write-ahead log's file is cut back to 64 MB when it starts again.
                    "PRAGMA journal_size_limit=67108864;"
                ),
            },
        }
    }

# In the server, a request waits at most this long for a lock (SQLite's busy timeout,
# PostgreSQL's lock_timeout) and runs a statement at most this long (PostgreSQL), then it is
# answered 503 with Retry-After (fangkong/core/busy.py). Commands keep the long timeout above.
DB_BUSY_TIMEOUT_S = envfloat("FANGKONG_DB_BUSY_TIMEOUT_S", 2)
DB_STATEMENT_TIMEOUT_S = envfloat("FANGKONG_DB_STATEMENT_TIMEOUT_S", 30)

# The server copies SQLite's write-ahead log back into the database this often, in a thread
# of each process, instead of in the commit that fills it (fangkong/core/checkpointer.py);
# 0 leaves it to the commits.
SQLITE_CHECKPOINT_S = envfloat("FANGKONG_SQLITE_CHECKPOINT_S", 0.5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's default hashers, PBKDF2 (a million iterations, about half a second a password)
# first. The test suite creates thousands of users: FANGKONG_FAST_PASSWORD_HASHING=1, which
# tests/conftest.py sets for itself and for every server and command it starts, puts the fast
# (and weak) MD5 hasher first. Production ignores it: whatever its environment, a production
# server never stores a password weakly.
PASSWORD_HASHERS = list(global_settings.PASSWORD_HASHERS)
FAST_PASSWORD_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"  # noqa: S105 - a class
if envbool("FANGKONG_FAST_PASSWORD_HASHING", False) and not PRODUCTION:
    PASSWORD_HASHERS = [FAST_PASSWORD_HASHER, *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fangkong" / "locale"]
TIME_ZONE = env("FANGKONG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Written by collectstatic and served by whitenoise from each app server, so nginx needs no
# access to the data directory.
STATIC_ROOT = data_subdir(DATA_DIR / "static")
# The vendored front-end libraries and the map outline live outside any app.
STATICFILES_DIRS = [BASE_DIR / "fangkong" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
REPORTS_ROOT = DATA_DIR / "reports"
EXPORTS_ROOT = DATA_DIR / "exports"

# Where site photos ("default"), generated reports and exports are kept: "filesystem" (under
# the data directory: one app server, or a mount all of them share), "s3" (an S3-compatible
# object store through django-storages, an optional dependency: docs/deploy.md) or
# "database" (a table of the database every app server already shares).
STORAGE = env("FANGKONG_STORAGE", "filesystem")
S3_OPTIONS = {
    "bucket_name": env("FANGKONG_S3_BUCKET"),
    "endpoint_url": env("FANGKONG_S3_ENDPOINT_URL") or None,
    "region_name": env("FANGKONG_S3_REGION") or None,
    "access_key": env("FANGKONG_S3_ACCESS_KEY"),
    "secret_key": env("FANGKONG_S3_SECRET_KEY"),
}


def file_storage(kind: str, location: str, root: Path) -> dict[str, object]:
    """The STORAGES entry of one kind of file; ``location`` names its part of the store."""
    if kind == "filesystem":
        data_subdir(root)
        # Photos stay at MEDIA_ROOT (where tests point it); reports and exports, not served
        # from any URL, are kept for the service user alone.
        options: dict[str, object] = {}
        if location != "media":
            options = {"location": root, "file_permissions_mode": 0o600}
            options |= {"directory_permissions_mode": 0o700}
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options}
    if kind == "s3":
        if not S3_OPTIONS["bucket_name"]:
            raise ImproperlyConfigured("FANGKONG_STORAGE=s3 needs FANGKONG_S3_BUCKET")
        # Private objects, never overwritten; path-style addresses suit MinIO and Ceph.
        options = S3_OPTIONS | {"location": location, "default_acl": "private"}
        options |= {"file_overwrite": False, "addressing_style": "path"}
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    if kind == "database":
        options = {"location": location}
        if location == "media":
            options["base_url"] = MEDIA_URL
        return {"BACKEND": "fangkong.core.storage.DatabaseStorage", "OPTIONS": options}
    raise ImproperlyConfigured("FANGKONG_STORAGE must be filesystem, s3 or database")


STORAGES = {
    "default": file_storage(STORAGE, "media", MEDIA_ROOT),
    "reports": file_storage(STORAGE, "reports", REPORTS_ROOT),
    "exports": file_storage(STORAGE, "exports", EXPORTS_ROOT),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_AGE = envint("FANGKONG_SESSION_HOURS", 12) * 3600
SECURE_HTTPS = envbool("FANGKONG_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
# Monitoring asks an app server directly (http://127.0.0.1:8000/healthz), not through nginx.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
# Preloading commits the whole domain to HTTPS in browsers for months, and taking it back is
# slow: the bureau decides that, not a default.
SECURE_HSTS_PRELOAD = SECURE_HTTPS and envbool("FANGKONG_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The Django admin: on in development, off in production unless turned on (then /admin/ answers
# 404, so the public host that serves the citizens' form does not offer it either).
ADMIN_ENABLED = envbool("FANGKONG_ADMIN_ENABLED", not PRODUCTION)

# Site photos: larger uploads are refused with a message; stored photos are resized.
PHOTO_MAX_BYTES = envint("FANGKONG_PHOTO_MAX_MB", 10) * 1024 * 1024
# Photos with more pixels than this are refused before they are decoded, and Pillow's own
# decompression-bomb guard is set to it (sites/apps.py): a small file can hold a huge, flat
# image. Phones save 12 MP by default (pixel-binned 48/50 MP sensors); 40 MP leaves room for
# a camera's full size, while a PNG decoded at 40 MP already takes some 160 MB. Stored photos
# are 1600 px wide at most, so nothing is lost.
PHOTO_MAX_PIXELS = envint("FANGKONG_PHOTO_MAX_MEGAPIXELS", 40) * 1_000_000
PHOTO_MAX_SIDE = 1600
# Empty: site photos are read through the storage API and sent by Django, after the check of
# the user's jurisdiction. With nginx in front, an internal location such as
# "/protected-media/" (docs/deploy.md): Django checks, then nginx sends the file.
MEDIA_ACCEL_PREFIX = env("FANGKONG_MEDIA_ACCEL_PREFIX")
# A body without its files (photos and imports come as files, which this does not count):
# the largest JSON or form anyone sends is a few tens of kilobytes; past 1 MB the answer is a
# 400. (The public registration form has a lower limit of its own.)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Map: tile provider "none" (bundled outline only), "tianditu", "amap" or "xyz".
MAP_TILES = env("FANGKONG_MAP_TILES", "none")
if MAP_TILES not in ("none", "tianditu", "amap", "xyz"):
    raise ImproperlyConfigured("FANGKONG_MAP_TILES must be none, tianditu, amap or xyz")
MAP_TILE_URL = env("FANGKONG_MAP_TILE_URL")
MAP_TILE_KEY = env("FANGKONG_MAP_TILE_KEY")
MAP_TILE_ATTRIBUTION = env("FANGKONG_MAP_TILE_ATTRIBUTION")
MAP_OUTLINE = env("FANGKONG_MAP_OUTLINE", "geo/zhangye.geojson")


def tile_origins(tiles: str, url: str) -> list[str]:
    """Where map tiles come from, for the CSP: the origin of the tile URL (or of the provider's
    default, as in sites/static/sites/map.js) with its {s} subdomain label as a wildcard."""
    defaults = {
        "tianditu": "https://t{s}.tianditu.gov.cn/",
        "amap": "https://webrd0{s}.is.autonavi.com/",
    }
    url = url or defaults.get(tiles, "")
    if tiles == "none" or not url:
        return []
    parts = urlsplit(url)
    labels = ["*" if "{" in label else label for label in parts.netloc.split(".")]
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# Content-Security-Policy (django-csp): scripts and styles from our own static files only. No
# inline script, handler or javascript: URL runs, and no inline <style> or style attribute
# applies (ECharts, Leaflet and our scripts set styles through the style object, which a CSP
# does not restrict). The QR scanner runs its decoder in a worker made from a blob: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_origins(MAP_TILES, MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Registrations and checks older than this are purged unless linked to a key person or case.
RETENTION_DAYS = envint("FANGKONG_RETENTION_DAYS", 21)
# Vehicle passes are purged this many days after their last day, or after being revoked or
# rejected; their drivers go with them once no other record refers to them.
PASS_RETENTION_DAYS = envint("FANGKONG_PASS_RETENTION_DAYS", 21)

# Second-degree tracing (次密接) is bounded: at a busy checkpoint a case has about a thousand
# first-degree contacts and they have millions, which no investigator can work through. Only
# the TRACE_FOLLOW first-degree contacts closest in time to the case are followed, and at most
# TRACE_SECOND_DEGREE_MAX second-degree contacts are kept per trace; a trace cut by either
# says so on its page, in its export and in the API.
TRACE_FOLLOW = envint("FANGKONG_TRACE_FOLLOW", 100)
TRACE_SECOND_DEGREE_MAX = envint("FANGKONG_TRACE_SECOND_DEGREE_MAX", 5000)
if TRACE_FOLLOW < 1 or TRACE_SECOND_DEGREE_MAX < 1:
    raise ImproperlyConfigured(
        "FANGKONG_TRACE_FOLLOW and FANGKONG_TRACE_SECOND_DEGREE_MAX must be at least 1"
    )

DEMO_PASSWORD = env("FANGKONG_DEMO_PASSWORD", "fangkong-demo")

# Logins (django-axes). Failed logins are counted in the database, so every server process
# sees one count whatever the cache (local memory or Redis), on SQLite and PostgreSQL alike.
# An account is refused after LOGIN_FAILURES_PER_ACCOUNT failures and an address after
# LOGIN_FAILURES_PER_ADDRESS (higher: a police station's officers share one address), for
# LOGIN_LOCKOUT_MINUTES after the last counted failure (fangkong/org/logins.py).
LOGIN_FAILURES_PER_ACCOUNT = envint("FANGKONG_LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = envint("FANGKONG_LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_LOCKOUT_MINUTES = envint("FANGKONG_LOGIN_LOCKOUT_MINUTES", 15)
if min(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES) < 1:
    raise ImproperlyConfigured("FANGKONG_LOGIN_* settings must be at least 1")
AXES_HANDLER = "fangkong.org.logins.LoginAttemptHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Tries made while refused are not counted, so they neither lengthen the lockout nor fill
# the table; a success does not wipe the address's count (one valid login would otherwise
# clear every other account's failures from that address).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# Logins are recorded in our audit log (fangkong/org/logins.py), not in a second table.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "fangkong.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "fangkong.org.logins.lockout_response"

# Registration: a citizen's pass is valid this many hours; the public address printed on QR
# posters (empty: the address the poster was requested on); registrations allowed per client
# as "requests/seconds".
PASS_VALID_HOURS = envint("FANGKONG_PASS_VALID_HOURS", 24)
PUBLIC_BASE_URL = env("FANGKONG_PUBLIC_BASE_URL")
REGISTRATION_RATE = envrate("FANGKONG_REGISTRATION_RATE", "10/600")
# A ceiling on public registrations from one network address (an IPv6 /64), whatever the
# browser or phone: well above a busy checkpoint's queue behind one carrier NAT address
# (fangkong/registration/ratelimit.py says why 300), far below a script.
REGISTRATION_ADDRESS_RATE = envrate("FANGKONG_REGISTRATION_ADDRESS_RATE", "300/600")
# Vehicle-pass applications (form and API) from one network address.
PASS_APPLY_RATE = envrate("FANGKONG_PASS_APPLY_RATE", "60/600")
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed for the client's
# address; empty: the address the connection comes from. Only the proxies in front of us.
TRUSTED_PROXIES = envnetworks("FANGKONG_TRUSTED_PROXIES", "")

# The cache: unset, each server process keeps its own in memory (the registration rate limit
# then counts per process); "redis://:password@host:6379/1" shares one among all processes.
# While Redis does not answer, each process falls back to its own memory (core/cache.py).
CACHE_URL = env("FANGKONG_CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "fangkong.core.cache.FallbackRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "fangkong",
            # A Redis that does not answer costs a request half a second, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
# Sessions live in the database alone, whatever the cache: staff can log in while Redis is
# down, and a logout ends the session on every app server at once (a primary-key read per
# staff request is the price).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Supplies: a post or store whose stock of an item lasts fewer days than this (at the last
# seven days' rate) is shown as running low; the reorder list orders enough for this many days.
SUPPLIES_LOW_DAYS = envfloat("FANGKONG_SUPPLIES_LOW_DAYS", 3)
SUPPLIES_REORDER_DAYS = envint("FANGKONG_SUPPLIES_REORDER_DAYS", 14)

# Duty: a sign-in up to this many minutes after the shift starts is on time (the handover at
# the post); past it, nobody signed in is absent and a later sign-in is late.
DUTY_GRACE_MINUTES = envint("FANGKONG_DUTY_GRACE_MINUTES", 10)

# A TrueType/TTC font with CJK glyphs for PDFs; empty: the Debian WenQuanYi/Noto fonts.
CJK_FONT_PATH = env("FANGKONG_CJK_FONT_PATH")

# Logs go to stderr (the journal, under systemd) in one time zone, TIME_ZONE, the one gunicorn
# is given too (deploy/fangkong.service: TZ=Asia/Shanghai); "json" (the production default)
# writes one object a line with the request's id, "plain" a line for people.
LOG_FORMAT = env("FANGKONG_LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("FANGKONG_LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "fangkong.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "fangkong.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("FANGKONG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes: its start-up and success notes are noise; failures stay (warnings).
        "axes": {"level": "WARNING"},
    },
}

# The API's description (/api/v1/docs, /api/v1/openapi.json) lists every endpoint and field:
# in production only staff who have logged in may read it.
API_DOCS_LOGIN = envbool("FANGKONG_API_DOCS_LOGIN", PRODUCTION)

# What /healthz checks, each a dotted path to a function returning a core.health.Check; a
# required one that fails makes the answer 503. The job worker's check is added here.
HEALTH_CHECKS = [
    "fangkong.core.health.database",
    "fangkong.core.health.cache",
    "fangkong.core.health.storage",
    "fangkong.core.health.worker",
]
