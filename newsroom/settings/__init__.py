"""Newsroom settings, driven by the environment (see the README's table).

Development is explicit (DEBUG=1); anything else is treated as production and
refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import datetime
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import csp.constants
import dj_database_url
import dj_email_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


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

# Without DEBUG the secrets come from the environment. Settings do not
# refuse to load without them, whatever started Django (manage.py, python -m
# django, gunicorn): what serves refuses to start (newsroom.checks,
# called by wsgi.py and asgi.py), and anything that would sign with an empty
# key is refused by Django itself, while migrations, checks and collectstatic
# need neither.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
# Rotating the key: the new one goes in SECRET_KEY and the old ones here,
# comma-separated, so that sessions, preview links and password-reset links
# signed with them stay valid until they expire (README, "Operations").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (
    ["localhost", "127.0.0.1"] if DEBUG else []
)

INSTALLED_APPS = [
    # Django's admin, whose home is the desk's (articles/admin_site.py).
    "articles.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # django-taggit, shown to the desk as "Tags" (articles/apps.py).
    "articles.apps.TagsConfig",
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    # The background worker's queue (Django 6's tasks, backported), kept in
    # PostgreSQL: mail leaves the editor's request (newsroom/mail.py).
    "django_tasks",
    "django_tasks_db",
    "newsroom",
    "articles",
    "entities",
    "budget",
    "api",
]
# The demo newsroom and the benchmark tools (load_demo, generate_corpus,
# bench_pages): with DEBUG, or INSTALL_DEMO=1 (the benchmarks, the browser
# tests' server); production need not install them.
INSTALL_DEMO = env_bool("INSTALL_DEMO", DEBUG)
if INSTALL_DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First: its time and status are what the reader got (newsroom/middleware.py).
    "newsroom.middleware.RequestLogMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A reader's cached page is answered here, before sessions, CSRF,
    # authentication and messages are read for nothing. It is stored with
    # the headers added inside (Permissions-Policy, CSP, frame options), so
    # a hit carries them without their being built again; the security
    # middleware above still sees every request (HTTPS redirect, HSTS,
    # nosniff, referrer). Signed-in staff (a session cookie) pass.
    "newsroom.caching.PublicPageCacheMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database; only with a replica configured.
    "newsroom.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
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
                "newsroom.context_processors.site",
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
    # Django's backend, with a health check that costs no round trip when
    # the connection is as it was left (newsroom/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "newsroom.postgresql"
    # A database host that has gone away answers nothing: give up on a new
    # connection after this many seconds and answer 503, not hang the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Readers' pages may read from a replica of the primary; the admin, previews,
# writes and anything just written never do (newsroom/replicas.py).
DATABASE_ROUTERS = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "newsroom.postgresql"
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]
# How long reads stay on the primary after a write, for the browser that
# wrote and, after a change readers see, for everyone: longer than the
# replica's usual lag.
REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "5"))

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis down is a cache miss and
            # a logged warning, not an error (newsroom/caches.py).
            "BACKEND": "newsroom.caches.FailSoftRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Fail fast: with Redis down, pages are served uncached, not slowly.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Without Redis: one cache on this machine's disk, shared by every
    # gunicorn worker on it, never a cache per process. diskcache (kept open
    # between requests: newsroom/caches.py) rather than
    # Django's FileBasedCache, which lists its whole folder at every write
    # (3.5 ms a write at 3,000 pages, 0.3 ms here). Whether a cached page is
    # still true is not the cache's to say: the page generation lives in
    # PostgreSQL (newsroom.models.PageGeneration), so with or without Redis
    # no worker serves a page from before a change.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.caches.SharedDiskCache",
            "LOCATION": os.environ.get(
                "CACHE_DIR",
                str(Path(tempfile.gettempdir()) / f"newsroom-cache-{os.getuid()}"),
            ),
            "OPTIONS": {"size_limit": 1024**3},  # least recently stored go first
        }
    }

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

# Argon2 first: new and changed passwords use it, and older hashes are
# upgraded to it at their next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Admin sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is locked out for
# AXES_COOLOFF_MINUTES. Attempts are kept in PostgreSQL, so every app server
# sees the same count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind a proxy every request comes from the proxy's address: read the
# client's from X-Forwarded-For instead, trusting that many proxies.
if os.environ.get("AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Idle staff are signed out: every request pushes the expiry forward, so
# SESSION_COOKIE_AGE is the time a session may stay unused.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True

# HTTPS and browser protections. Each is on unless DEBUG; the environment may
# turn one off (for example SECURE_SSL_REDIRECT=0 when the proxy redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# The admin's scripts read the CSRF token from the form, never the cookie.
CSRF_COOKIE_HTTPONLY = True
# Behind a proxy that ends TLS: the header it sets to say the request came
# over HTTPS, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO. Set it only
# when the proxy always sets (or strips) that header.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get(
    "SECURE_REFERRER_POLICY", "strict-origin-when-cross-origin"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Features no page of the newsroom uses (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}


def media_origins() -> list[str]:
    """Where uploaded images are served from when not from the site itself:
    MEDIA_URL's host, the object storage's CDN domain or endpoint (see the
    S3 settings below), and any origins in CSP_MEDIA_ORIGINS."""
    origins = env_list("CSP_MEDIA_ORIGINS")
    for url in (os.environ.get("MEDIA_URL", ""), os.environ.get("AWS_S3_ENDPOINT_URL")):
        parts = urlsplit(url or "")
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    if os.environ.get("AWS_S3_CUSTOM_DOMAIN"):
        protocol = os.environ.get("AWS_S3_URL_PROTOCOL", "https:")
        origins.append(f"{protocol}//{os.environ['AWS_S3_CUSTOM_DOMAIN']}")
    elif os.environ.get("AWS_STORAGE_BUCKET_NAME") and not os.environ.get(
        "AWS_S3_ENDPOINT_URL"
    ):
        # Amazon S3 itself: the bucket's global and regional host names.
        bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
        origins.append(f"https://{bucket}.s3.amazonaws.com")
        if os.environ.get("AWS_S3_REGION_NAME"):
            region = os.environ["AWS_S3_REGION_NAME"]
            origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return list(dict.fromkeys(origins))


# Content-Security-Policy (django-csp). Public pages run no inline script at
# all: the only inline <script> they carry is JSON-LD, a data block that
# browsers never execute. The admin's one inline script, the import map of
# the rich-text editor, carries the per-request nonce (articles/admin.py);
# the nonce appears in the header only on pages that used it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, *media_origins()],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
        **(
            {"report-uri": os.environ["CSP_REPORT_URI"]}
            if os.environ.get("CSP_REPORT_URI")
            else {}
        ),
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
# One way of writing dates and times, on the newsroom's clock (newsroom/formats/).
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# With nginx in front (deploy/nginx/newsroom.conf): the internal location
# from which nginx sends a picture once the app has said a reader may see
# it. Unset, gunicorn sends the file itself (articles/media.py).
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

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

# The cache in front of gunicorn (newsroom/frontcache.py, README "The cache
# in front"): the Varnish servers (or CDN endpoint) to purge when readers'
# pages change, the class that purges them, and the response header that
# carries each page's keys (xkey for Varnish; Surrogate-Key for Fastly,
# Cache-Tag for Cloudflare).
FRONT_CACHE_URLS = env_list("FRONT_CACHE_URLS")
FRONT_CACHE_BACKEND = os.environ.get(
    "FRONT_CACHE_BACKEND", "newsroom.frontcache.VarnishPurger"
)
FRONT_CACHE_KEY_HEADER = os.environ.get("FRONT_CACHE_KEY_HEADER", "xkey")

# The newsroom's identity, used by templates, feeds and structured data.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "The Newsroom")
NEWSROOM_TAGLINE = "Business and automotive news"
STORIES_PER_PAGE = 12
# How long an anonymous page may be served from the cache (and by a CDN): a
# scheduled story appears within this many seconds of its time.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# The cache's copy of the page generation (newsroom/caching.py).
PAGE_GENERATION_COPY_SECONDS = float(
    os.environ.get("PAGE_GENERATION_COPY_SECONDS", "1")
)

# The read API (api/, Django REST framework): JSON only, read-only, no
# sessions; partners' keys and rate limits are api/auth.py's.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # The client's address behind this many proxies (X-Forwarded-For), for
    # the per-address rate limit.
    "NUM_PROXIES": int(os.environ["API_PROXY_COUNT"])
    if os.environ.get("API_PROXY_COUNT")
    else None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom read API",
    "DESCRIPTION": "Public stories in IPTC ninjs 2.1, and the companies, "
    "people, brands, sections, tags and authors they link to.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# Requests a minute one address may make without a key (a partner's key
# has its own rate, set in the admin).
API_ANONYMOUS_PER_MINUTE = int(os.environ.get("API_ANONYMOUS_PER_MINUTE", "60"))
# Webhooks (api/webhooks.py): seconds a partner's endpoint has to answer.
WEBHOOK_TIMEOUT = int(os.environ.get("WEBHOOK_TIMEOUT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "newsroom.logs.JsonLineFormatter",
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
        # One line per request (newsroom.middleware.RequestLogMiddleware);
        # REQUEST_LOG_LEVEL=WARNING turns it off.
        "newsroom.requests": {
            "handlers": ["requests"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

# Mail: one EMAIL_URL (smtp://user:pass@host:587?tls=1, submission://…,
# smtp://host:465?ssl=1, file:///var/tmp/newsroom-mail for a trial,
# console://), read by dj-email-url, or the separate EMAIL_* variables. What
# the URL leaves out, the variables may still say (the timeout, the sender).
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
# Whether the operator said where mail goes: without it, production's mail
# would go to an SMTP server on localhost:25 (check --deploy warns).
EMAIL_CONFIGURED = bool(
    os.environ.get("EMAIL_URL")
    or os.environ.get("EMAIL_HOST")
    or os.environ.get("EMAIL_BACKEND")
)
if os.environ.get("EMAIL_URL"):
    globals().update(
        {
            name: value
            for name, value in dj_email_url.parse(os.environ["EMAIL_URL"]).items()
            if value is not None and name != "EMAIL_TIMEOUT"
        }
    )
    if os.environ["EMAIL_URL"].startswith("file:"):
        # file:///var/tmp/mail is that absolute folder (dj-email-url would
        # read it relative to the working directory).
        EMAIL_FILE_PATH = urlsplit(os.environ["EMAIL_URL"]).path
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# Mail is sent by the background worker, never in an editor's request: a
# mail server that does not answer holds one worker's attempt this long,
# then the attempt is retried later (MAIL_RETRY_DELAYS).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Seconds before each new attempt at a mail that failed: after the last, the
# mail is given up and logged as an error.
MAIL_RETRY_DELAYS = [
    int(seconds) for seconds in env_list("MAIL_RETRY_DELAYS") or ["60", "300", "1800"]
]

# Absolute links (mail, the API's ninjs, webhooks' payloads): the public
# site's base as readers reach it, and the admin's, which may be another host
# behind the newsroom's VPN. Production defaults to HTTPS on the
# first ALLOWED_HOSTS name.
SITE_URL = os.environ.get(
    "SITE_URL",
    "http://127.0.0.1:8000"
    if DEBUG or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0]}",
).rstrip("/")
ADMIN_BASE_URL = os.environ.get("ADMIN_BASE_URL", SITE_URL).rstrip("/")

# The background worker (`manage.py db_worker`): tasks are rows in
# PostgreSQL, so every app server can queue and any machine can work them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail"],
    }
}

TAGGIT_CASE_INSENSITIVE = True
# Tag addresses in plain letters, as every other address: /tags/skoda/.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

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
