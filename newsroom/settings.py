"""Newsroom settings, driven by the environment (see the README's table).

Development is explicit (DEBUG=1); anything else is treated as production and
refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [
        item.strip() for item in os.environ.get(name, "").split(",") if item.strip()
    ]


DEBUG = env_bool("DEBUG")

# Commands that serve nothing and sign nothing (migrations, checks, static
# files) may run without the production secrets; anything else may not.
OFFLINE_COMMANDS = {
    "makemigrations",
    "migrate",
    "showmigrations",
    "sqlmigrate",
    "check",
    "collectstatic",
}
OFFLINE = (
    len(sys.argv) > 1
    and Path(sys.argv[0]).name == "manage.py"
    and sys.argv[1] in OFFLINE_COMMANDS
    and "--deploy" not in sys.argv
)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
    elif OFFLINE:
        SECRET_KEY = secrets.token_urlsafe(50)  # used for nothing, kept nowhere
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG and not OFFLINE:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "articles",
    "entities",
]

MIDDLEWARE = [
    # First: its time and status are what the reader got (articles/middleware.py).
    "articles.middleware.RequestLogMiddleware",
    "articles.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.caching.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that has gone away answers nothing: give up on a new
    # connection after this many seconds and answer 503, not hang the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis down is a cache miss and
            # a logged warning, not an error (articles/redis_cache.py).
            "BACKEND": "articles.redis_cache.FailSoftRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Fail fast: with Redis down, pages are served uncached, not slowly.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded media on S3-compatible object storage (django-storages) once a
# bucket is named, so that no app server keeps files of its own. Credentials
# are not settings: django-storages and boto3 read AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment, or use the server's role.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Readers fetch media from here (a CDN's host name) when it is set.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": os.environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "location": os.environ.get("AWS_LOCATION", ""),
            # Public pages are cached: their image URLs must not be signed
            # links that expire. Turn it on only for a private bucket.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH"),
            # As on a disk: a name that is taken gets a new one, never the
            # other file's place.
            "file_overwrite": False,
            # Every stored name is new (uploads and renditions get random
            # names), so browsers and CDNs may keep a file forever.
            "object_parameters": {
                "CacheControl": "public, max-age=31536000, immutable"
            },
        },
    }

# The newsroom's identity, used by templates, feeds and structured data.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "The Newsroom")
NEWSROOM_TAGLINE = "Business and automotive news"
STORIES_PER_PAGE = 12
# How long an anonymous page may be served from the cache (and by a CDN): a
# scheduled story appears within this many seconds of its time.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # One JSON object per line on stdout, for the log collector.
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # One line per request (articles.middleware.RequestLogMiddleware);
        # REQUEST_LOG_LEVEL=WARNING turns it off.
        "newsroom.requests": {
            "handlers": ["requests"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

TAGGIT_CASE_INSENSITIVE = True

# The story body's editor toolbar; the sanitiser in articles/richtext.py
# allows exactly this formatting and nothing else.
PROSE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "HardBreak": True,
    "HorizontalRule": True,
}
