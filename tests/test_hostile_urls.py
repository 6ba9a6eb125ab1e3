"""Every public address with hostile parameters, paths, methods, headers and
bodies: a 4xx or a normal page, never a 5xx."""

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    PersonFactory,
    PreviewLinkFactory,
)

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
LONG = "electric " * 1200  # about 10,000 characters
INVALID_UTF8 = "%ff%fe%c0%af%ed%a0%80"

# Query strings, already percent-encoded as a client would send them.
PAGE_PARAMETERS = [
    "page=-1",
    "page=0",
    f"page={HUGE}",
    "page=abc",
    "page=1.5",
    "page=1e3",
    "page=",
    "page=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
    "page=%D9%A3",  # "٣", an Arabic-Indic three
    "page=%00",
    f"page={INVALID_UTF8}",
    "page=2&page=abc",
    "before=garbage",
    "before=~",
    "before=2025-06-10T09:30:00~1",  # no time zone
    "before=2025-06-10T09:30:00%2B00:00~-1",
    f"before=2025-06-10T09:30:00%2B00:00~{HUGE}",
    "before=0001-01-01T00:00:00%2B14:00~1",
    "before=9999-12-31T23:59:59-14:00~1",
    "before=%00",
    f"before={INVALID_UTF8}",
    f"page=2&before=garbage&q={LONG[:100]}",
]
SEARCH_PARAMETERS = [
    f"q={LONG}",
    "q=%00",
    "q=a%00b",
    f"q={INVALID_UTF8}",
    'q="unclosed',
    "q=!!!%26%26|||:*()",
    "q=%27%3B DROP TABLE articles_article;--",
    "q=BMW&section=../../etc/passwd",
    "q=BMW&section=%00",
    "q=BMW&date_from=2025-13-45",
    "q=BMW&date_to=99999-01-01",
    "q=BMW&date_from=0001-01-01&date_to=9999-12-31",
    "q=BMW&date_from=2025-06-10&date_to=2025-01-01",
    "q=BMW&page=-1",
    f"q=BMW&page={HUGE}",
    "q=BMW&page=abc",
    "q=BMW&page=%C2%B2",
    "&".join(f"f{n}=x" for n in range(1200)),  # more fields than Django reads
]
SITEMAP_PARAMETERS = ["p=-1", "p=0", f"p={HUGE}", "p=abc", "p=%00", "p=%C2%B2"]
ANY_PARAMETERS = [f"q={LONG}", "x=%00", f"y={INVALID_UTF8}", "page=abc"]
# Slugs that name nothing, or cannot be slugs at all.
BAD_SLUGS = [
    "no-such-thing",
    "%00",
    "a%00b",
    INVALID_UTF8,
    "%C3%A9t%C3%A9",
    "x" * 5000,
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3E",
]
METHODS = ["post", "put", "delete"]
OTHER_METHODS = ["patch", "options", "head", "trace"]
TOO_BIG = 3 * 1024 * 1024  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


@pytest.fixture
def addresses():
    """Every public URL pattern, with something real behind it."""
    story = ArticleFactory(published=True, tags=["electric cars"])
    author = AuthorFactory()
    story.bylines.create(author=author, order=0)
    company, person, brand = CompanyFactory(), PersonFactory(), BrandFactory()
    preview = PreviewLinkFactory(article=ArticleFactory())
    section, tag = story.section.slug, "electric-cars"
    lists = [
        "/",
        f"/sections/{section}/",
        f"/tags/{tag}/",
        f"/authors/{author.slug}/",
        f"/companies/{company.slug}/",
        f"/people/{person.slug}/",
        f"/brands/{brand.slug}/",
        f"/companies/{company.slug}/with/people/{person.slug}/",
    ]
    feeds = [
        "/feeds/latest/",
        "/feeds/latest/atom/",
        f"/feeds/sections/{section}/",
        f"/feeds/tags/{tag}/atom/",
        f"/feeds/authors/{author.slug}/",
        f"/feeds/companies/{company.slug}/",
        f"/feeds/people/{person.slug}/atom/",
        f"/feeds/brands/{brand.slug}/",
    ]
    sitemaps = ["/sitemap.xml", "/sitemap-stories.xml", "/sitemap-entities.xml"]
    others = [
        story.get_absolute_url(),
        preview.get_absolute_url(),
        "/news-sitemap.xml",
        "/robots.txt",
        "/healthz",
    ]
    # Each pattern with {} where its slug goes.
    patterns = [
        "/stories/{}/",
        "/sections/{}/",
        "/tags/{}/",
        "/authors/{}/",
        "/companies/{}/",
        "/people/{}/",
        "/brands/{}/",
        "/companies/{}/with/brands/{}/",
        "/feeds/sections/{}/",
        "/feeds/tags/{}/atom/",
        "/feeds/authors/{}/",
        "/feeds/companies/{}/",
        "/feeds/people/{}/atom/",
        "/feeds/brands/{}/",
        "/preview/{}/",
        "/sitemap-{}.xml",
    ]
    return {
        "lists": lists,
        "search": "/search/",
        "feeds": feeds,
        "sitemaps": sitemaps,
        "others": others,
        "patterns": patterns,
    }


def test_hostile_requests_never_get_a_server_error(addresses, report_figure):
    client = Client(raise_request_exception=False)
    strict = Client(raise_request_exception=False, enforce_csrf_checks=True)
    answers = []

    def ask(method, url, client=client, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        answers.append((response.status_code, method.upper(), url[:120]))

    every = (
        addresses["lists"]
        + [addresses["search"]]
        + addresses["feeds"]
        + addresses["sitemaps"]
        + addresses["others"]
    )
    for url in addresses["lists"]:
        for query in PAGE_PARAMETERS:
            ask("get", f"{url}?{query}")
    for query in SEARCH_PARAMETERS + PAGE_PARAMETERS:
        ask("get", f"{addresses['search']}?{query}")
    for url in addresses["sitemaps"]:
        for query in SITEMAP_PARAMETERS:
            ask("get", f"{url}?{query}")
    for url in addresses["feeds"] + addresses["others"]:
        for query in ANY_PARAMETERS:
            ask("get", f"{url}?{query}")
    for pattern in addresses["patterns"]:
        for slug in BAD_SLUGS:
            ask("get", pattern.format(slug, slug))
    for url in every:
        for method in METHODS:
            ask(method, url)
    for url in [addresses["search"], addresses["lists"][1], addresses["others"][0]]:
        for method in OTHER_METHODS:
            ask(method, url)
    for url in every:
        # Bodies too big to read: refused by CSRF before they are read, and
        # refused by size when they come with a valid token.
        big = {"data": "x=" + "a" * TOO_BIG, "content_type": "text/plain"}
        ask("post", url, client=strict, **big)
        ask("put", url, **big)
    secret = _get_new_csrf_string()
    strict.cookies["csrftoken"] = secret
    token = _mask_cipher_secret(secret)
    for url in [addresses["search"], addresses["lists"][0], addresses["others"][0]]:
        ask(
            "post",
            url,
            client=strict,
            data=f"csrfmiddlewaretoken={token}&x={'a' * TOO_BIG}",
            content_type="application/x-www-form-urlencoded",
        )
        ask(
            "post",
            url,
            client=strict,
            data={"csrfmiddlewaretoken": token, "f": [str(n) for n in range(2000)]},
        )
    for headers in [
        {"Host": "evil.example"},
        {"Host": "testserver:99999999"},
        {"If-Modified-Since": "garbage"},
        {"If-None-Match": '"' + "x" * 5000},
        {"Range": "bytes=999999999-0"},
        {"Accept-Language": "x" * 5000},
        {"Cookie": "sessionid=garbage; csrftoken=\x7f"},
        {"X-Forwarded-For": "not-an-address"},
    ]:
        for url in ["/", addresses["others"][0], "/search/?q=BMW", "/healthz"]:
            ask("get", url, headers=headers)

    server_errors = [answer for answer in answers if answer[0] >= 500]
    statuses = sorted({status for status, _, _ in answers})
    report_figure(
        f"Hostile URL sweep: {len(answers)} requests, {len(server_errors)} 5xx"
    )
    report_figure(f"Hostile URL sweep: statuses seen {', '.join(map(str, statuses))}")
    assert server_errors == [], server_errors
