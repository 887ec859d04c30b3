"""Fangkong settings.

Every setting comes from a ``FANGKONG_*`` environment variable read through the small typed
helpers below, which fail loudly on a bad value. Everything has a working default except the
production secrets: with ``FANGKONG_ENV=production`` the secret key, the encryption keys and the
blind-index key must be given; in development they are generated once into ``var/``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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


FANGKONG_ENV = env("FANGKONG_ENV", "development")
if FANGKONG_ENV not in ("development", "production"):
    raise ImproperlyConfigured("FANGKONG_ENV must be 'development' or 'production'")
PRODUCTION = FANGKONG_ENV == "production"

DATA_DIR = Path(env("FANGKONG_DATA_DIR", str(BASE_DIR / "var"))).resolve()


def _dev_secrets() -> dict[str, str]:
    """Secrets for development, generated once into var/ so restarts keep data readable."""
    path = DATA_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
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
    "fangkong.core",
    "fangkong.org",
    "fangkong.sites",
    "fangkong.registration",
    "fangkong.screening",
    "fangkong.roster",
    "fangkong.command",
    "fangkong.supplies",
    "fangkong.demo",
]

# Django's model backend, but the user comes with their staff record and unit (org/backends.py).
AUTHENTICATION_BACKENDS = ["fangkong.org.backends.StaffModelBackend"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
            ],
        },
    },
]

DATABASE_URL = env("FANGKONG_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
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
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-20000;"
                    "PRAGMA temp_store=MEMORY;"
                    # The write-ahead log's file is cut back to 64 MB when it starts again.
                    "PRAGMA journal_size_limit=67108864;"
                ),
            },
        }
    }

# The server copies SQLite's write-ahead log back into the database this often, in a thread
# of each process, instead of in the commit that fills it (fangkong/core/checkpointer.py);
# 0 leaves it to the commits.
SQLITE_CHECKPOINT_S = envfloat("FANGKONG_SQLITE_CHECKPOINT_S", 0.5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The vendored front-end libraries and the map outline live outside any app.
STATICFILES_DIRS = [BASE_DIR / "fangkong" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("FANGKONG_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Site photos: larger uploads are refused with a message; stored photos are resized.
PHOTO_MAX_BYTES = envint("FANGKONG_PHOTO_MAX_MB", 10) * 1024 * 1024
PHOTO_MAX_SIDE = 1600
DATA_UPLOAD_MAX_MEMORY_SIZE = PHOTO_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Map: tile provider "none" (bundled outline only), "tianditu", "amap" or "xyz".
MAP_TILES = env("FANGKONG_MAP_TILES", "none")
if MAP_TILES not in ("none", "tianditu", "amap", "xyz"):
    raise ImproperlyConfigured("FANGKONG_MAP_TILES must be none, tianditu, amap or xyz")
MAP_TILE_URL = env("FANGKONG_MAP_TILE_URL")
MAP_TILE_KEY = env("FANGKONG_MAP_TILE_KEY")
MAP_TILE_ATTRIBUTION = env("FANGKONG_MAP_TILE_ATTRIBUTION")
MAP_OUTLINE = env("FANGKONG_MAP_OUTLINE", "geo/zhangye.geojson")

# Registrations and checks older than this are purged unless linked to a key person or case.
RETENTION_DAYS = envint("FANGKONG_RETENTION_DAYS", 21)

DEMO_PASSWORD = env("FANGKONG_DEMO_PASSWORD", "fangkong-demo")

# Registration: a citizen's pass is valid this many hours; the public address printed on QR
# posters (empty: the address the poster was requested on); registrations allowed per client
# as "requests/seconds".
PASS_VALID_HOURS = envint("FANGKONG_PASS_VALID_HOURS", 24)
PUBLIC_BASE_URL = env("FANGKONG_PUBLIC_BASE_URL")
REGISTRATION_RATE = env("FANGKONG_REGISTRATION_RATE", "10/600")

# The cache: unset, each server process keeps its own in memory (the registration rate limit
# then counts per process); "redis://host:6379/1" shares one among all processes.
CACHE_URL = env("FANGKONG_CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "fangkong",
        }
    }
    # Sessions are read from the shared cache and written through to the database: a query
    # less on every staff request. Not with the per-process default cache, where a logout
    # would leave the session alive in the other processes' copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Supplies: a post or store whose stock of an item lasts fewer days than this (at the last
# seven days' rate) is shown as running low; the reorder list orders enough for this many days.
SUPPLIES_LOW_DAYS = envfloat("FANGKONG_SUPPLIES_LOW_DAYS", 3)
SUPPLIES_REORDER_DAYS = envint("FANGKONG_SUPPLIES_REORDER_DAYS", 14)

# A TrueType/TTC font with CJK glyphs for PDFs; empty: the Debian WenQuanYi/Noto fonts.
CJK_FONT_PATH = env("FANGKONG_CJK_FONT_PATH")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("FANGKONG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
