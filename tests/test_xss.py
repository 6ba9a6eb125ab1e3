"""Bad input never reaches a reader: an XSS corpus through every field a
reader can see, then every public page, feed, sitemap and JSON-LD block read
back and searched for code that is not ours."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    EditorialComment,
    Image,
    Section,
    TaggedArticle,
    Transition,
)
from articles.richtext import ALLOWED_TAGS
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    EntityEvent,
    Person,
    Quote,
    Role,
)
from tests.factories import PreviewLinkFactory, UserFactory, jpeg_bytes
from tests.hostile_input import xss_payloads

PAYLOADS = xss_payloads()
# PostgreSQL text cannot hold NUL, and Django's form fields refuse it before it
# gets there; such payloads go in as search queries, where readers type.
STORABLE = [payload for payload in PAYLOADS if "\x00" not in payload]
SECTIONS = 4
MARKER = re.compile(r"alert\((\d{4})\)")
FEED_KINDS = {"company": "companies", "person": "people", "brand": "brands"}

# Elements our templates write; anything else on a page came from input.
TEMPLATE_TAGS = (
    {
        tag.lower()
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", path.read_text())
    }
    | ALLOWED_TAGS
    | {"html", "head", "body", "tbody"}
    | {"mark"}  # search results mark the words that matched (articles/search.py)
)
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "poster", "data", "cite",
    "background", "ping", "codebase", "longdesc", "manifest", "lowsrc", "dynsrc",
    "xlink:href",
}  # fmt: skip
DANGEROUS_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def url_as_browsers_read_it(value: str) -> str:
    """As the WHATWG URL parser does: tabs and newlines removed anywhere, C0
    controls and spaces trimmed from both ends."""
    return re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))


def pack(payloads: list[str], limit: int) -> list[str]:
    """Payloads joined into groups of at most ``limit`` characters, so that
    each field of a few dozen objects carries every payload once. A payload
    longer than the field is cut to it, as the field would refuse the rest."""
    groups, current = [], ""
    for payload in payloads:
        payload = payload[:limit]
        candidate = f"{current} {payload}" if current else payload
        if len(candidate) > limit:
            groups.append(current)
            candidate = payload
        current = candidate
    return [*groups, current]


def findings_in_html(html: str) -> list[str]:
    """Whatever in an HTML document would run, or was not written by us."""
    found = []
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag not in TEMPLATE_TAGS:
            found.append(f"unexpected <{tag}> {ET.tostring(element)[:120]!r}")
        if tag == "script":
            if element.get("type") == "application/ld+json":
                try:
                    json.loads(element.text or "")
                except ValueError:
                    found.append(f"JSON-LD that is not JSON: {element.text[:200]!r}")
                if "<" in (element.text or ""):
                    found.append(f"raw < in JSON-LD: {element.text[:200]!r}")
            elif not (element.get("src") or "").startswith(settings.STATIC_URL):
                found.append(f"script not ours: {ET.tostring(element)[:200]!r}")
        if tag == "meta" and element.get("http-equiv"):
            found.append(f"meta http-equiv: {element.attrib}")
        if tag in {"style", "base", "iframe", "object", "embed", "frame"}:
            found.append(f"<{tag}>: {ET.tostring(element)[:200]!r}")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                found.append(f"<{tag} style={value!r}>")
            elif name in URL_ATTRIBUTES:
                urls = value.split(",") if name == "srcset" else [value]
                for url in urls:
                    if DANGEROUS_SCHEMES.match(url_as_browsers_read_it(url)):
                        found.append(f"<{tag} {name}={value!r}>")
    return found


def findings_in_xml(text: str) -> list[str]:
    """A feed or sitemap: well-formed, and its HTML parts (RSS descriptions,
    Atom summaries and content) as safe as a page."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    # An item's description (RSS) and an html summary or content (Atom) are
    # HTML to a feed reader; titles and the channel's description are text.
    html_parts = [*root.iterfind("channel/item/description")]
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in {"summary", "content"} and element.get("type") == "html":
            html_parts.append(element)
    found = []
    for element in html_parts:
        found += [
            f"in <{element.tag}>: {finding}"
            for finding in findings_in_html(element.text or "")
        ]
    return found


@pytest.fixture
def hostile_newsroom(db):
    """A newsroom whose every reader-visible field holds the corpus, and the
    addresses of every public page that shows it."""
    now = timezone.now()
    long_groups = pack(STORABLE, 190)
    short_groups = pack(STORABLE, 100)  # tag names
    count = len(long_groups)
    everything = "\n".join(STORABLE)
    desk = UserFactory(username="desk")

    sections = [
        Section.objects.create(
            name=short_groups[i], slug=f"desk-{i}", description=long_groups[i]
        )
        for i in range(SECTIONS)
    ]
    picture = default_storage.save("images/hostile.jpg", ContentFile(jpeg_bytes()))
    images = Image.objects.bulk_create(
        Image(
            file=picture,
            alt_text=group,
            caption=group,
            credit=group,
            width=64,
            height=36,
            file_size=1000,
        )
        for group in long_groups
    )
    authors = Author.objects.bulk_create(
        Author(name=group, slug=f"reporter-{i}", job_title=group, bio=group)
        for i, group in enumerate(long_groups)
    )
    stories = []
    for i, group in enumerate(long_groups):
        story = Article(
            headline=group,
            slug=f"story-{i}",
            dek=group,
            # Through save(), as every story body is: the sanitiser runs.
            body="".join(f"<p>{payload}</p>" for payload in group.split(" ")) + group,
            section=sections[i % SECTIONS],
            lead_image=images[i],
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=i + 1),
        )
        story.save()
        stories.append(story)
    Byline.objects.bulk_create(
        Byline(article=story, author=author, order=0)
        for story, author in zip(stories, authors, strict=True)
    )
    Correction.objects.bulk_create(
        Correction(article=story, text=group)
        for story, group in zip(stories, long_groups, strict=True)
    )
    EditorialComment.objects.bulk_create(
        EditorialComment(article=story, author=desk, text=everything)
        for story in stories
    )
    Transition.objects.bulk_create(
        Transition(
            article=story,
            user=desk,
            action="publish",
            from_status="in_review",
            to_status="published",
            comment=everything,
        )
        for story in stories
    )
    tags = [Tag.objects.create(name=group) for group in short_groups]
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=stories[i % count], tag=tag)
        for i, tag in enumerate(tags)
    )

    kinds = [Company, Person, Brand]
    entities = []
    for i, group in enumerate(long_groups):
        kind = kinds[i % 3]
        extra = {"headquarters": group} if kind is Company else {}
        entities.append(
            kind.objects.create(
                name=group,
                slug=f"entity-{i}",
                description=group,
                country=short_groups[i % len(short_groups)],
                website=STORABLE[i % len(STORABLE)],
                image=images[i],
                **extra,
            )
        )
    Alias.objects.bulk_create(
        Alias(entity=entity, name=group)
        for entity, group in zip(entities, long_groups, strict=True)
    )
    ArticleEntity.objects.bulk_create(
        ArticleEntity(article=story, entity=entities[(i + step) % count])
        for i, story in enumerate(stories)
        for step in (0, 1)
    )
    companies = [e for e in entities if isinstance(e, Company)]
    people = [e for e in entities if isinstance(e, Person)]
    for brand in (e for e in entities if isinstance(e, Brand)):
        brand.owner = companies[0]
        brand.save()
    Role.objects.bulk_create(
        Role(
            person=person,
            company=companies[i % len(companies)],
            title=long_groups[i],
            press_titles=long_groups[-1 - i],
        )
        for i, person in enumerate(people)
    )
    CompanyRelationship.objects.bulk_create(
        CompanyRelationship(
            from_company=company,
            to_company=companies[(i + 1) % len(companies)],
            kind=CompanyRelationship.Kind.choices[0][0],
            note=long_groups[i],
        )
        for i, company in enumerate(companies)
    )
    events = EntityEvent.objects.bulk_create(
        EntityEvent(entity=entity, date=now.date(), title=group, description=group)
        for entity, group in zip(entities, long_groups, strict=True)
    )
    EntityEvent.stories.through.objects.bulk_create(
        EntityEvent.stories.through(entityevent=event, article=story)
        for event, story in zip(events, stories, strict=True)
    )
    Quote.objects.bulk_create(
        Quote(person=person, article=stories[i], text=long_groups[i], confirmed=True)
        for i, person in enumerate(people)
    )

    withdrawn = Article.objects.create(
        headline=long_groups[0],
        slug="withdrawn-story",
        dek=long_groups[1],
        body="<p>Gone.</p>",
        section=sections[0],
        status=Article.Status.WITHDRAWN,
        published_at=now - datetime.timedelta(days=1),
        withdrawal_notice=everything,
    )
    draft = Article.objects.create(
        headline=long_groups[2],
        slug="draft-story",
        dek=long_groups[3],
        body=everything,
        section=sections[1],
        lead_image=images[0],
    )
    preview = PreviewLinkFactory(article=draft, recipient=long_groups[4])
    assert withdrawn.pk and preview.pk

    pages = ["/", "/robots.txt", "/no-such-page/", withdrawn.get_absolute_url()]
    pages += [f"/?page={n}" for n in range(2, count // settings.STORIES_PER_PAGE + 2)]
    pages += [preview.get_absolute_url()]
    pages += [story.get_absolute_url() for story in stories]
    pages += [section.get_absolute_url() for section in sections]
    pages += [f"/tags/{tag.slug}/" for tag in tags]
    pages += [f"/authors/{author.slug}/" for author in authors]
    pages += [entity.get_absolute_url() for entity in entities]
    pages += [
        f"{entity.get_absolute_url()}with/{other.get_absolute_url().lstrip('/')}"
        # Pairs (0, 1), (2, 3)…: every name is on one such page.
        for entity, other in zip(
            entities[::2], entities[1::2] + entities[:1], strict=False
        )
    ]
    feeds = ["/feeds/latest/", "/feeds/latest/atom/"]
    feeds += [f"/feeds/sections/{s.slug}/" for s in sections]
    feeds += [f"/feeds/sections/{s.slug}/atom/" for s in sections]
    feeds += [f"/feeds/authors/{a.slug}/" for a in authors]
    feeds += [
        reverse(f"articles:feed_{FEED_KINDS[e.kind]}", kwargs={"slug": e.slug})
        for e in entities
    ]
    feeds += ["/sitemap.xml", "/news-sitemap.xml"]
    feeds += [f"/sitemap-{name}.xml" for name in ("stories", "sections", "tags")]
    feeds += [f"/sitemap-{name}.xml" for name in ("authors", "entities")]
    searches = pack(PAYLOADS, 190)
    return {"pages": pages, "feeds": feeds, "searches": searches}


def test_no_payload_reaches_a_reader_as_code(client, hostile_newsroom, report_figure):
    findings: list[tuple[str, str]] = []
    requests = 0
    for url in hostile_newsroom["pages"]:
        response = client.get(url)
        requests += 1
        assert response.status_code in (200, 404, 410), (url, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            findings += [(url, f) for f in findings_in_html(response.content.decode())]
    for url in hostile_newsroom["feeds"]:
        response = client.get(url)
        requests += 1
        assert response.status_code == 200, (url, response.status_code)
        findings += [(url, f) for f in findings_in_xml(response.content.decode())]
    for query in hostile_newsroom["searches"]:
        response = client.get("/search/", {"q": query})
        requests += 1
        assert response.status_code == 200, (query, response.status_code)
        findings += [
            (f"/search/?q={query[:40]}", f)
            for f in findings_in_html(response.content.decode())
        ]

    through = {number for _, f in findings for number in MARKER.findall(f)}
    unattributed = [item for item in findings if not MARKER.search(item[1])]
    got_through = len(through) + (1 if unattributed else 0)
    report_figure(f"XSS: {len(PAYLOADS)} payloads tried, {got_through} got through")
    report_figure(
        f"XSS: {requests} requests (pages, feeds, sitemaps, JSON-LD, searches), "
        f"{len(findings)} findings"
    )
    assert findings == [], "\n".join(f"{url}: {f}" for url, f in findings[:40])


@pytest.mark.parametrize(
    "page",
    [
        "<p><script>alert(1234)</script></p>",
        "<img src=x onerror=alert(1234)>",
        '<a href=" java\tscript:alert(1234)">x</a>',
        '<a href="data:text/html,alert(1234)">x</a>',
        '<img srcset="/a.jpg 1x, javascript:alert(1234) 2x">',
        '<p style="x:expression(alert(1234))">x</p>',
        "<marquee>alert(1234)</marquee>",
        '<script type="application/ld+json">{"a": "</script><b>alert(1234)</b>',
    ],
)
def test_the_checks_find_code_when_there_is_some(page):
    findings = findings_in_html(f"<!DOCTYPE html><html><body>{page}</body></html>")
    assert findings
    if "ld+json" not in page:  # a broken JSON-LD block counts, unattributed
        assert any(MARKER.search(finding) for finding in findings), findings


def test_the_checks_read_html_inside_feeds():
    feed = (
        "<rss><channel><title>&lt;b&gt;text&lt;/b&gt;</title><item>"
        "<description>&lt;img src=x onerror=alert(1234)&gt;</description>"
        "</item></channel></rss>"
    )
    assert findings_in_xml(feed)
    assert findings_in_xml("<rss><channel>\x02</channel></rss>")
