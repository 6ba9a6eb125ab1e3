"""Two workers, no Redis: after an editor withdraws, publishes or a scheduled
story's time comes, every worker's very next answer tells the new truth.

Two gunicorn servers started from gunicorn.conf.py with the production
settings and no REDIS_URL stand for two workers of one machine: each has
a process of its own, so a request to each is a request to each worker, and
they share what workers of one machine share (the default cache folder and
PostgreSQL). Pages are cached for five minutes, so only the generation kept
in PostgreSQL can make them fresh.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from articles.models import Article
from demo.servers import (
    Browser,
    Gunicorn,
    app_server_environment,
    shut_down,
)
from newsroom.caches import SharedDiskCache
from newsroom.caching import GENERATION_KEY
from newsroom.models import PageGeneration
from tests.factories import (
    CompanyFactory,
    SectionFactory,
    publish_at_fields,
)

pytestmark = [
    pytest.mark.scale_out,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


@pytest.fixture
def workers(tmp_path):
    env = app_server_environment(tmp_path, PAGE_CACHE_SECONDS="300")
    pair = [Gunicorn(env, workers=1), Gunicorn(env, workers=1)]
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(Gunicorn.start, pair))
        yield pair
    finally:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(shut_down, pair))


def public_pages(story: Article, company) -> list[str]:
    return [
        "/",
        story.section.get_absolute_url(),
        company.get_absolute_url(),
        "/tags/great-wall/",
        "/feeds/latest/",
        story.section.get_absolute_url().replace("/sections/", "/feeds/sections/"),
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
    ]


def pages_of(server: Gunicorn, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        status, _, body = server.get(path)
        assert status == 200, (server.port, path, status)
        found[path] = body.decode()
    return found


def warm(workers, paths):
    """Every page cached by both workers (the second answer is a hit)."""
    for server in workers:
        for path in paths:
            server.get(path)
        _, headers, _ = server.get(paths[0])
        assert headers.get("X-Cache") == "HIT", (server.port, headers)


def names(page: str, story: Article) -> bool:
    """Whether a page, feed or sitemap shows ``story``: by its headline, or
    by its address (a sitemap lists only addresses)."""
    return story.headline in page or story.get_absolute_url() in page


def test_every_worker_answers_the_new_truth_at_its_next_request(
    workers, server_editor, story, tmp_path
):
    section = SectionFactory(name="Automotive", slug="automotive")
    company = CompanyFactory(name="Great Wall Motor")
    common = {"section": section, "entities": [company], "tags": ["Great Wall"]}
    doomed = story("published", headline="A story the lawyers will not allow", **common)
    coming = story("in_review", headline="BMW confirms electric MINIs", **common)
    scheduled = story("in_review", headline="An embargoed Great Wall result", **common)
    paths = public_pages(doomed, company)
    warm(workers, [*paths, doomed.get_absolute_url()])
    for server in workers:
        assert all(names(page, doomed) for page in pages_of(server, paths).values())

    # Withdrawn through one worker: gone from every page of both, at once.
    Browser.signed_in(workers[0], server_editor.username).press(doomed, "withdraw")
    for server in workers:
        status, _, _ = server.get(doomed.get_absolute_url())
        assert status == 410, server.port
        for path, page in pages_of(server, paths).items():
            assert not names(page, doomed), (server.port, path)

    # Published through the other: on every page of both, at once.
    Browser.signed_in(workers[1], server_editor.username).press(coming, "publish")
    for server in workers:
        for path, page in pages_of(server, paths).items():
            assert names(page, coming), (server.port, path)

    # Scheduled an hour ahead: nowhere until its time.
    in_an_hour = timezone.now() + datetime.timedelta(hours=1)
    Browser.signed_in(workers[0], server_editor.username).press(
        scheduled, "schedule", **publish_at_fields(in_an_hour)
    )
    scheduled.refresh_from_db()
    assert scheduled.status == Article.Status.PUBLISHED
    assert PageGeneration.objects.get().next_publish_at == scheduled.published_at
    for server in workers:
        for path, page in pages_of(server, paths).items():
            assert not names(page, scheduled), (server.port, path)

    # The hour passes: nothing is written (no editor, no job), only the
    # clock has moved past the publish time the database holds.
    an_hour_ago = timezone.now() - datetime.timedelta(seconds=1)
    Article.objects.filter(pk=scheduled.pk).update(published_at=an_hour_ago)
    PageGeneration.objects.update(next_publish_at=an_hour_ago)
    # The cache the workers share keeps a copy of that time (newsroom.caching):
    # it moves with the database's, as it would have had the hour passed.
    shared = SharedDiskCache(str(tmp_path / "cache"), {})
    if copy := shared.get(GENERATION_KEY):
        shared.set(GENERATION_KEY, (copy[0], int(an_hour_ago.timestamp())), 60)
    for server in workers:
        status, _, _ = server.get(scheduled.get_absolute_url())
        assert status == 200, server.port
        for path, page in pages_of(server, paths).items():
            assert names(page, scheduled), (server.port, path)
