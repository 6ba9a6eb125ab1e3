import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def journalist(db):
    user = UserFactory(username="journalist")
    user.groups.add(Group.objects.get(name="Journalists"))
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def count_queries():
    """Run a callable and return (its result, the number of SQL queries it ran)."""

    def run(func, *args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result = func(*args, **kwargs)
        return result, len(queries.captured_queries)

    return run
