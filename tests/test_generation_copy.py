"""The page generation's copy in the shared cache (newsroom.caching): a
cached page is answered without a query, the copy only ever moves forward
whatever order two editors' changes commit in, and a copy the cache failed
to update lasts no longer than PAGE_GENERATION_COPY_SECONDS."""

import datetime
import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newsroom import caching
from newsroom.caches import FailSoftRedisCache, SharedDiskCache
from newsroom.caching import GENERATION_KEY
from newsroom.models import PageGeneration
from tests.factories import ArticleFactory


@pytest.fixture(params=["disk", "redis"])
def shared_cache(request, tmp_path):
    """The two caches production shares between workers."""
    if request.param == "disk":
        yield SharedDiskCache(str(tmp_path / "cache"), {})
        return
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = FailSoftRedisCache(
        "redis://127.0.0.1:6379/0", {"KEY_PREFIX": f"test-{uuid.uuid4()}"}
    )
    yield backend
    backend.delete_many([GENERATION_KEY, f"{GENERATION_KEY}:fence"])


def copy_in(backend) -> tuple[int, int] | None:
    return backend.get_many([GENERATION_KEY]).get(GENERATION_KEY)


def test_the_copy_only_moves_forward(shared_cache):
    """Two changes commit, and their copies reach the cache in the other
    order: the cache keeps the later number."""
    publish = shared_cache.publish_generation
    publish(GENERATION_KEY, (2**52 + 7, 0), 60)
    publish(GENERATION_KEY, (2**52 + 6, 1_900_000_000), 60)
    assert copy_in(shared_cache) == (2**52 + 7, 0)
    publish(GENERATION_KEY, (2**52 + 8, 1_900_000_000), 60)
    assert copy_in(shared_cache) == (2**52 + 8, 1_900_000_000)


def test_a_copy_whose_scheduled_time_has_come_is_not_trusted():
    past = int(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC).timestamp())
    assert caching._copy_from({GENERATION_KEY: (5, past)}) is None
    assert caching._copy_from({GENERATION_KEY: (5, 0)}) == 5
    assert caching._copy_from({}) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrations_rows_put_back")
def test_a_cached_page_is_answered_without_a_query(client):
    ArticleFactory(published=True, headline="Served from the cache")
    assert client.get("/")["X-Cache"] == "MISS"
    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/")
    assert hit["X-Cache"] == "HIT"
    assert "Served from the cache" in hit.content.decode()
    assert [q["sql"] for q in queries] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrations_rows_put_back")
def test_a_change_is_copied_once_it_commits_and_not_before(client):
    story = ArticleFactory(published=True, headline="Before")
    client.get("/")
    (before, _) = cache.get(GENERATION_KEY)
    assert before == PageGeneration.objects.get().number

    with transaction.atomic():
        story.headline = "After"
        story.save()
        # Raised in the transaction: the copy is gone, no worker trusts it,
        # and the uncommitted number is not copied.
        assert cache.get(GENERATION_KEY) is None
        assert caching._generation() == before + 1
        assert cache.get(GENERATION_KEY) is None
    assert cache.get(GENERATION_KEY)[0] == before + 1
    assert "After" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrations_rows_put_back")
def test_a_change_rolled_back_leaves_no_number_behind(client):
    story = ArticleFactory(published=True, headline="Kept")
    client.get("/")
    (before, _) = cache.get(GENERATION_KEY)
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Never saved"
        story.save()
        raise RuntimeError("the save fails")
    assert PageGeneration.objects.get().number == before
    page = client.get("/").content.decode()
    assert "Kept" in page and "Never saved" not in page
    assert cache.get(GENERATION_KEY)[0] == before


def copies_registered(callbacks) -> int:
    return sum(
        isinstance(getattr(callback, "__self__", None), caching._CopyOnCommit)
        for callback in callbacks
    )


@pytest.mark.django_db
def test_a_transaction_registers_one_copy_however_often_it_raises_the_number(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        caching.bump_generation()
        caching.bump_generation()
    assert copies_registered(callbacks) == 1


@pytest.mark.django_db
def test_a_savepoint_rolled_back_takes_its_copy_with_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            caching.bump_generation()
            raise RuntimeError("the save fails")
        assert not caching._copy_pending(connection.alias)
        with transaction.atomic():
            caching.bump_generation()
    assert copies_registered(callbacks) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrations_rows_put_back")
def test_after_a_rollback_the_next_transaction_still_copies_its_number():
    with pytest.raises(RuntimeError), transaction.atomic():
        caching.bump_generation()
        raise RuntimeError("the save fails")
    with transaction.atomic():
        caching.bump_generation()
        caching.bump_generation()
        assert cache.get(GENERATION_KEY) is None
    assert cache.get(GENERATION_KEY)[0] == PageGeneration.objects.get().number
