"""The production settings for app servers that tests start, but for static
files, which come from the finders: collectstatic would add a dozen seconds
to each run and prove nothing these tests are about."""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
