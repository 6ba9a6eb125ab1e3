"""The API behind a real Varnish running the shipped VCL: anonymous answers
are kept in front and purged with their story; a partner's keyed requests
always reach the app, where their rate limit is (tests/test_front_cache.py
does the same for the pages)."""

import http.client

import pytest

from api.models import ApiKey
from demo.servers import Browser, Varnish
from tests.factories import CompanyFactory, SectionFactory
from tests.test_front_cache import cached, front, through  # noqa: F401

pytestmark = [
    pytest.mark.scale_out,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


def keyed(varnish: Varnish, path: str, key: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {key}"})
        answer = connection.getresponse()
        answer.read()
        return answer.status, dict(answer.getheaders())
    finally:
        connection.close()


def test_api_answers_are_kept_in_front_and_purged_with_their_story(
    front,  # noqa: F811
    server_editor,
    story,
):
    app, varnish = front
    bmw = CompanyFactory(name="BMW Group", slug="bmw-group")
    doomed = story("published", headline="A story the lawyers stop", entities=[bmw])
    unrelated = story("published", section=SectionFactory(slug="business"))
    detail = f"/api/v1/stories/{doomed.slug}/"
    by_entity = "/api/v1/stories/?entity=bmw-group"
    elsewhere = f"/api/v1/stories/{unrelated.slug}/"
    for path in (detail, by_entity, elsewhere):
        cached(varnish, path)

    Browser.signed_in(app, server_editor.username).press(doomed, "withdraw")

    status, _, body = through(varnish, detail)
    assert status == 410
    assert '"pubstatus":"canceled"' in body
    status, state, body = through(varnish, by_entity)
    assert (status, state) == (200, "MISS")
    assert doomed.slug not in body
    assert through(varnish, elsewhere)[:2] == (200, "HIT")

    api_key = ApiKey(name="Partner desk", requests_per_minute=2)
    key = api_key.issue()
    api_key.save()
    answers = [keyed(varnish, by_entity, key) for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 429]
    assert {headers["X-Front-Cache"] for _, headers in answers} == {"MISS"}
    assert answers[0][1]["Cache-Control"] == "private, max-age=300"
