"""Reads from a replica (DATABASE_REPLICA_URL): readers' pages read from it;
the admin, previews, signed-in staff, writes and anything just written read
from the primary.

The replica here is the test settings' mirror (newsroom.settings.test): the
test database under a second
alias, so the queries each alias ran can be counted apart."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Section
from newsroom import replicas
from newsroom.replicas import (
    PIN_COOKIE,
    REPLICA,
    ROUTER,
    ReplicaReadsMiddleware,
    ReplicaRouter,
)
from tests.articles.test_object_storage import settings_under
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    PreviewLinkFactory,
    workflow_form_data,
)

pytestmark = pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture(autouse=True)
def _replica_shares_the_test_transaction():
    """The test's rows are in the primary's open transaction, which the
    replica alias's own connection could not see: for the test, the alias
    reads through the primary's database session instead, under its own
    name. Its own connection is closed afterwards, or the test database could
    not be dropped at the end of the run."""
    primary, mirror = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    primary.ensure_connection()
    own = mirror.connection
    mirror.connection = primary.connection
    yield
    mirror.connection = own
    mirror.close()


@pytest.fixture
def replica(settings):
    """Reads routed as with DATABASE_REPLICA_URL set."""
    settings.DATABASE_ROUTERS = [ROUTER]


# A reader's page reads one row on the primary whatever else it reads from
# the replica: the page generation (newsroom/caching.py).
GENERATION_READ = 1


@dataclass
class Reads:
    primary: int = 0
    replica: int = 0


@contextmanager
def queries_by_alias():
    """How many queries each alias ran inside the block."""
    reads = Reads()
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as mirror,
    ):
        yield reads
    reads.primary, reads.replica = len(primary), len(mirror)


def get(client, url, status=200):
    with queries_by_alias() as reads:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return reads, response


@pytest.fixture
def newsroom(story, frozen_now):
    """A published story about a company, as readers find it."""
    company = CompanyFactory(name="Great Wall Motor")
    article = story(
        "published", headline="Electric MINIs from China", entities=[company]
    )
    return article, company


def replica_catches_up(time_machine):
    """A change readers see keeps their pages on the primary for
    REPLICA_PIN_SECONDS (long enough for the replica to catch up)."""
    time_machine.shift(datetime.timedelta(seconds=replicas.pin_seconds() + 1))


def test_readers_pages_read_from_the_replica(replica, newsroom, time_machine):
    article, company = newsroom
    replica_catches_up(time_machine)
    pages = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        company.get_absolute_url(),
        "/search/?q=electric",
        "/feeds/latest/",
        "/sitemap.xml",
    ]

    reads = {url: get(Client(), url)[0] for url in pages}

    # One read on the primary: the page generation, the truth about which
    # cached pages still hold, which no replica may answer late.
    assert {url: r.primary for url, r in reads.items()} == dict.fromkeys(
        pages, GENERATION_READ
    )
    assert all(r.replica > 0 for r in reads.values()), reads
    # What the replica answered is the real page.
    home = Client().get("/")
    assert "Electric MINIs from China" in home.content.decode()


def test_the_admin_previews_and_staff_read_from_the_primary(
    replica, newsroom, client_as, time_machine
):
    article, _ = newsroom
    draft = ArticleFactory(headline="An embargoed draft")
    link = PreviewLinkFactory(article=draft)
    replica_catches_up(time_machine)
    editor = client_as("editor")

    requests = {
        "changelist": get(editor, reverse("admin:articles_article_changelist")),
        "change form": get(
            editor, reverse("admin:articles_article_change", args=[article.pk])
        ),
        "staff preview": get(
            editor, reverse("admin:articles_article_preview", args=[draft.pk])
        ),
        "preview link": get(Client(), link.get_absolute_url()),
        # Signed-in staff check their work on the public pages, fresh.
        "story, signed in": get(editor, article.get_absolute_url()),
    }

    assert {name: r.replica for name, (r, _) in requests.items()} == dict.fromkeys(
        requests, 0
    )
    assert all(r.primary > 0 for r, _ in requests.values())


def test_what_is_not_a_get_reads_from_the_primary(replica, newsroom, time_machine):
    article, _ = newsroom
    replica_catches_up(time_machine)
    client = Client()

    with queries_by_alias() as reads:
        client.post(article.get_absolute_url())

    assert reads.replica == 0


def test_an_editor_who_publishes_reads_it_back_from_the_primary(
    replica, story, client_as, frozen_now, time_machine, settings
):
    article = story("in_review")
    replica_catches_up(time_machine)
    editor = client_as("editor")
    url = reverse("admin:articles_article_change", args=[article.pk])

    with queries_by_alias() as reads:
        response = editor.post(url, workflow_form_data(article, "publish"))

    assert response.status_code == 302
    assert reads.replica == 0
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    # The browser is pinned to the primary for a few seconds, even signed out.
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == replicas.pin_seconds()
    assert pin["httponly"]
    del editor.cookies[settings.SESSION_COOKIE_NAME]  # signed out
    reads, page = get(editor, article.get_absolute_url())
    assert reads.replica == 0
    assert article.headline in page.content.decode()


def test_after_a_change_readers_read_from_the_primary_until_the_replica_catches_up(
    replica, newsroom, time_machine
):
    """A page cached from a replica that has not caught up would stay stale
    for PAGE_CACHE_SECONDS after the purge."""
    article, _ = newsroom
    replica_catches_up(time_machine)
    assert get(Client(), "/")[0].primary == GENERATION_READ

    ArticleFactory(published=True, headline="Breaking: a second story")

    reads, home = get(Client(), "/")
    assert (reads.primary > 0, reads.replica) == (True, 0)
    assert "Breaking: a second story" in home.content.decode()
    replica_catches_up(time_machine)
    reads, home = get(Client(), article.get_absolute_url())
    assert (reads.primary, reads.replica > 0) == (GENERATION_READ, True)


def test_a_pinned_browser_reads_from_the_primary_until_the_pin_expires(
    replica, newsroom, time_machine
):
    article, _ = newsroom
    replica_catches_up(time_machine)
    client = Client()
    client.cookies[PIN_COOKIE] = "1"

    assert get(client, article.get_absolute_url())[0].replica == 0

    del client.cookies[PIN_COOKIE]  # as the browser does after its max-age
    assert get(client, article.get_absolute_url())[0].primary == GENERATION_READ


def run_request(view, method="get"):
    """``view`` behind ReplicaReadsMiddleware, as a reader's request."""
    request = getattr(RequestFactory(), method)("/stories/a-story/")
    return ReplicaReadsMiddleware(view)(request)


def test_once_a_request_writes_it_reads_from_the_primary(replica):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Section))
        Section.objects.create(name="Motorsport", slug="motorsport")
        seen.append(Section.objects.get(slug="motorsport")._state.db)
        return HttpResponse()

    response = run_request(view)

    assert seen == [REPLICA, DEFAULT_DB_ALIAS]
    assert response.cookies[PIN_COOKIE].value == "1"


def test_reads_in_a_transaction_the_request_opened_stay_on_the_primary(replica):
    seen = []

    def view(request):
        with transaction.atomic():
            seen.append(router.db_for_read(Section))
        seen.append(router.db_for_read(Section))
        return HttpResponse()

    response = run_request(view)

    assert seen == [DEFAULT_DB_ALIAS, REPLICA]
    assert PIN_COOKIE not in response.cookies  # it read, and wrote nothing


def test_writes_and_migrations_go_to_the_primary_only(replica):
    assert router.db_for_write(Section) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "articles")
    assert not router.allow_migrate(REPLICA, "articles")
    # Outside a request (commands, the shell): the primary.
    assert router.db_for_read(Section) == DEFAULT_DB_ALIAS
    assert ReplicaRouter().allow_relation(Section(), Article())


def test_without_a_replica_nothing_changes(newsroom):
    article, _ = newsroom

    reads, _ = get(Client(), article.get_absolute_url())

    assert (reads.primary > 0, reads.replica) == (True, 0)
    assert PIN_COOKIE not in Client().post(article.get_absolute_url()).cookies


def test_the_replica_is_configured_by_its_url(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_REPLICA_URL", "postgres://reader@replica.internal:5432/newsroom"
    )
    configured = settings_under(monkeypatch, DATABASE_REPLICA_PIN_SECONDS="3")

    replica_settings = configured["DATABASES"][REPLICA]
    assert (replica_settings["HOST"], replica_settings["USER"]) == (
        "replica.internal",
        "reader",
    )
    assert replica_settings["CONN_HEALTH_CHECKS"]
    assert configured["DATABASE_ROUTERS"] == [ROUTER]
    assert configured["REPLICA_PIN_SECONDS"] == 3
    assert "newsroom.replicas.ReplicaReadsMiddleware" in configured["MIDDLEWARE"]

    monkeypatch.delenv("DATABASE_REPLICA_URL")
    configured = settings_under(monkeypatch)
    assert REPLICA not in configured["DATABASES"]
    assert configured["DATABASE_ROUTERS"] == []
