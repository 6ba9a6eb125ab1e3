"""Test settings: PostgreSQL as in production, speed over security elsewhere."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom")
# The test client speaks plain HTTP; tests of the redirect turn it on.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The demo content and the benchmark commands are tested too.
os.environ.setdefault("INSTALL_DEMO", "1")
# Links in mail: the public site and the admin on hosts of their own, so a
# test can tell which base a link was built on.
os.environ.setdefault("SITE_URL", "https://news.newsroom.test")
os.environ.setdefault("ADMIN_BASE_URL", "https://admin.newsroom.test")

# The package (newsroom/settings/__init__.py) was read from the environment
# before this module ran: read it again with the defaults above.
import importlib

import newsroom.settings

importlib.reload(newsroom.settings)

from newsroom.settings import *  # noqa: E402, F403
from newsroom.settings import DATABASES, LOGGING  # noqa: E402

if DATABASES["default"]["ENGINE"] != "newsroom.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL: set DATABASE_URL to one.")

DATABASES["default"]["CONN_MAX_AGE"] = 0
# A "replica" that is the test database itself, through a second connection,
# for tests/articles/test_replicas.py. No router reads from it unless a test
# turns one on, so the rest of the suite uses one database whatever
# DATABASE_REPLICA_URL says.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Production saves a staff session on every request (idle expiry): three
# queries more on each admin page. The pinned query budgets count the page's
# own work; tests/test_accounts.py turns this back on to test the expiry.
SESSION_SAVE_EVERY_REQUEST = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The JSON request log stays quiet; tests of it turn it on.
LOGGING["loggers"]["newsroom.requests"]["level"] = "WARNING"
# Static files are served from the finders; there is no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
