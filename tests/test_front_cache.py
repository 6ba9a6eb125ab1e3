"""A real Varnish in front: what an editor changes is right through it at the
next request, and what the change does not touch stays cached.

varnishd runs the shipped deploy/varnish/newsroom.vcl (Debian's varnish and
the xkey module from varnish-modules, which ``make test`` installs) in front
of gunicorn started from gunicorn.conf.py with the production settings; the
app purges it through FRONT_CACHE_URLS. The editor works on gunicorn
directly, as the admin passes through Varnish anyway.
"""

import http.client

import pytest

from demo.servers import (
    Browser,
    Gunicorn,
    Varnish,
    app_server_environment,
    shut_down,
)
from tests.factories import (
    AuthorFactory,
    CompanyFactory,
    SectionFactory,
)

pytestmark = [
    pytest.mark.scale_out,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


@pytest.fixture
def front(tmp_path):
    """(gunicorn, Varnish in front of it)."""
    if reason := Varnish.unavailable():
        pytest.fail(reason)
    varnish = Varnish(backend_port=0)
    app = Gunicorn(
        app_server_environment(
            tmp_path, PAGE_CACHE_SECONDS="300", FRONT_CACHE_URLS=varnish.url
        ),
        workers=1,
    )
    varnish.backend_port = app.port
    try:
        app.start()
        varnish.start()
        yield app, varnish
    finally:
        varnish.stop()
        shut_down(app)


def through(varnish: Varnish, path: str) -> tuple[int, str, str]:
    """(status, HIT or MISS in Varnish, page) of one reader's request."""
    status, headers, body = varnish.get(path)
    return status, dict(headers).get("X-Front-Cache"), body.decode()


def cached(varnish: Varnish, path: str) -> str:
    through(varnish, path)
    status, state, page = through(varnish, path)
    assert (status, state) == (200, "HIT"), (path, status, state)
    return page


def test_a_withdrawal_and_a_publication_are_right_through_varnish_at_once(
    front, server_editor, story
):
    app, varnish = front
    automotive = SectionFactory(name="Automotive", slug="automotive")
    business = SectionFactory(name="Business", slug="business")
    great_wall = CompanyFactory(name="Great Wall Motor", slug="great-wall-motor")
    clara = AuthorFactory(name="Clara Ashdown", slug="clara-ashdown")
    linked = {
        "section": automotive,
        "entities": [great_wall],
        "tags": ["Great Wall"],
        "authors": [clara],
    }
    doomed = story("published", headline="A story the lawyers will not allow", **linked)
    coming = story("in_review", headline="BMW confirms electric MINIs", **linked)
    unrelated = story("published", headline="Bank results", section=business)
    its_pages = [
        "/",
        "/sections/automotive/",
        "/tags/great-wall/",
        "/authors/clara-ashdown/",
        "/companies/great-wall-motor/",
        "/feeds/latest/",
        "/feeds/sections/automotive/",
        "/feeds/companies/great-wall-motor/",
    ]
    for path in its_pages:
        assert doomed.headline in cached(varnish, path), path
    cached(varnish, doomed.get_absolute_url())
    cached(varnish, "/sections/business/")
    cached(varnish, unrelated.get_absolute_url())

    Browser.signed_in(app, server_editor.username).press(doomed, "withdraw")
    status, _, _ = through(varnish, doomed.get_absolute_url())
    assert status == 410, status
    for path in its_pages:
        status, state, page = through(varnish, path)
        assert (status, state) == (200, "MISS"), path
        assert doomed.headline not in page, path
    # What the withdrawal did not touch is still served from Varnish.
    for path in ["/sections/business/", unrelated.get_absolute_url()]:
        assert through(varnish, path)[:2] == (200, "HIT"), path

    Browser.signed_in(app, server_editor.username).press(coming, "publish")
    for path in its_pages:
        status, _, page = through(varnish, path)
        assert status == 200, path
        assert coming.headline in page, path
    assert through(varnish, coming.get_absolute_url())[0] == 200
    assert through(varnish, "/sections/business/")[:2] == (200, "HIT")


def purge_from(varnish: Varnish, address: str) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", varnish.port, timeout=10, source_address=(address, 0)
    )
    try:
        connection.request("PURGE", "/", headers={"xkey-purge": "site"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_the_app_servers_may_purge(front):
    """The VCL's purgers are the app's own address: a reader elsewhere (here
    127.0.0.2, another address of this machine) is refused."""
    _, varnish = front
    assert purge_from(varnish, "127.0.0.2") == 403
    assert purge_from(varnish, "127.0.0.1") == 200
