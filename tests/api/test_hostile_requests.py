"""Every API address with hostile parameters, slugs, methods, headers and
bodies: a 4xx or a normal answer, never a 5xx."""

import pytest
from django.test import Client

from tests.factories import ArticleFactory, AuthorFactory, CompanyFactory
from tests.test_hostile_urls import (
    ANY_PARAMETERS,
    BAD_SLUGS,
    HUGE,
    INVALID_UTF8,
    LONG,
    TOO_BIG,
)

pytestmark = pytest.mark.django_db

LIST_PARAMETERS = [
    *ANY_PARAMETERS,
    *(
        f"{name}={value}"
        for name in ("section", "tag", "author", "entity", "updated_since", "since")
        for value in ("%00", INVALID_UTF8, LONG[:3000], "..%2F..", "2025-13-45", "")
    ),
    "updated_since=9999-12-31T23:59:59%2B14:00",
    "updated_since=0001-01-01T00:00:00-14:00",
    f"updated_since={HUGE}",
    "since=2025-06-10T09:30:00",
    "cursor=%00",
    "cursor=garbage",
    f"cursor={INVALID_UTF8}",
    "cursor=cD0yMDI1LTA2LTEwKzA5JTNBMzAlM0EwMCUyQjAwJTNBMDA%3D",
    f"cursor=cj0xJnA9{HUGE}",
    "page_size=-1",
    "page_size=0",
    f"page_size={HUGE}",
    "page_size=1e9",
    "format=xml",
]
AUTHORIZATION = [
    "Bearer",
    "Bearer ",
    "Bearer nrk_",
    "Bearer nrk__",
    "Bearer " + "x" * 5000,
    "Bearer nrk_%00_x",
    "Basic dXNlcjpwYXNz",
    "\x7f",
]


def test_hostile_api_requests_never_get_a_server_error(report_figure):
    story = ArticleFactory(published=True, tags=["electric cars"])
    author = AuthorFactory()
    story.bylines.create(author=author, order=0)
    company = CompanyFactory()
    lists = [
        "/api/v1/stories/",
        "/api/v1/changes/",
        "/api/v1/companies/",
        "/api/v1/people/",
        "/api/v1/brands/",
        "/api/v1/tags/",
        "/api/v1/authors/",
        "/api/v1/sections/",
    ]
    details = [
        f"/api/v1/stories/{story.slug}/",
        f"/api/v1/companies/{company.slug}/",
        f"/api/v1/authors/{author.slug}/",
    ]
    patterns = [
        "/api/v1/stories/{}/",
        "/api/v1/companies/{}/",
        "/api/v1/people/{}/",
        "/api/v1/brands/{}/",
        "/api/v1/authors/{}/",
    ]
    client = Client(raise_request_exception=False)
    answers = []

    def ask(method, url, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        answers.append((response.status_code, method.upper(), url[:120]))

    for url in lists:
        for query in LIST_PARAMETERS:
            ask("get", f"{url}?{query}")
    for pattern in patterns:
        for slug in BAD_SLUGS:
            ask("get", pattern.format(slug))
    for url in [*lists, *details, "/api/", "/api/v1/", "/api/v1/schema/"]:
        for method in ("post", "put", "patch", "delete", "options", "head", "trace"):
            ask(method, url)
        ask("post", url, data="x=" + "a" * TOO_BIG, content_type="text/plain")
        for header in AUTHORIZATION:
            ask("get", url, headers={"Authorization": header})
        ask("get", url, headers={"If-None-Match": '"' + "x" * 5000})
        ask("get", url, headers={"X-Forwarded-For": "not-an-address"})
        ask("get", url, headers={"Accept": "application/xml"})

    server_errors = [answer for answer in answers if answer[0] >= 500]
    report_figure(
        f"Hostile API sweep: {len(answers)} requests, {len(server_errors)} 5xx"
    )
    assert server_errors == [], server_errors
