"""Stories in IPTC's ninjs 2.1 (News in JSON), the format news agencies and
partners' systems read.

ninjs allows no fields of its own at the top level, so what is particular
to the newsroom goes where ninjs has a place for it: the section, tags and
brands are ``subjects``, companies are ``organisations``, people named in
the story and the bylines are ``people`` (``rel`` tells them apart), each
with its API address as ``uri`` and ``kind:slug`` as ``literal``; the
story's id and slug are ``altids``; corrections and a withdrawal notice are
``descriptions``; the reader's page is a ``rendition``. The schema shipped
in api/schemas/ validates every answer in the tests.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from articles.models import Article, Image

SCHEMA_URL = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
STANDARD = {"name": "ninjs", "version": "2.1", "schema": SCHEMA_URL}
# BCP 47 as ninjs asks: en-GB.
LANGUAGE = "-".join(
    part.upper() if i else part
    for i, part in enumerate(settings.LANGUAGE_CODE.split("-"))
)
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute(url: str) -> str:
    """A link partners can follow: media on the site get the site's address;
    media on object storage or a CDN have theirs already."""
    if url.startswith("/") and not url.startswith("//"):
        return f"{site_url()}{url}"
    return url


@functools.cache
def _host(site: str) -> str:
    return urlsplit(site).hostname


def story_uri(pk: int) -> str:
    """The story's identifier for ever: not its address, which changes with
    its slug."""
    return f"urn:newsroom:{_host(site_url())}:story:{pk}"


def image_uri(pk: int) -> str:
    return f"urn:newsroom:{_host(site_url())}:image:{pk}"


def iso(when) -> str | None:
    return when.isoformat() if when else None


def pubstatus(article: Article) -> str:
    return "usable" if article.is_published else "canceled"


def entity_ref(entity, rel: str) -> dict:
    return {
        "name": entity.name,
        "rel": rel,
        "uri": absolute(api_url_of(entity)),
        "literal": f"{entity.kind}:{entity.slug}",
    }


SLUG_MARK = "0-slug-0"


@functools.cache
def _pattern(url_name: str) -> str:
    return reverse(url_name, kwargs={"slug": SLUG_MARK})


def url_of(url_name: str, slug: str) -> str:
    """``reverse(url_name, kwargs={"slug": slug})``, at the cost of a string
    replace: a list of twenty stories names some two hundred addresses, and
    reverse() would be a third of its time."""
    return _pattern(url_name).replace(SLUG_MARK, slug)


def api_url_of(entity) -> str:
    return url_of(f"api:{entity.kind}", entity.slug)


def picture(image: Image) -> dict:
    """The lead image as an association: its renditions, largest first, and
    the original."""
    renditions = [
        {
            "name": f"{r.spec}-{r.width}-{r.format}",
            "href": absolute(r.file.url),
            "contenttype": CONTENT_TYPES.get(r.format, f"image/{r.format}"),
            "width": r.width,
            "height": r.height,
        }
        for r in sorted(
            image.renditions.all(), key=lambda r: (r.spec, -r.width, r.format)
        )
    ]
    renditions.append(
        {
            "name": "original",
            "href": absolute(image.file.url),
            "width": image.width,
            "height": image.height,
            **({"sizeinbytes": image.file_size} if image.file_size else {}),
        }
    )
    association = {
        "name": "featureimage",
        "uri": image_uri(image.pk),
        "type": "picture",
        "representationtype": "full",
        "descriptions": [{"role": "alt", "value": image.alt_text}],
        "renditions": renditions,
    }
    if image.caption:
        association["descriptions"].append({"role": "caption", "value": image.caption})
    if image.credit:
        association["by"] = image.credit
        association["copyrightholder"] = image.credit
    return association


def story(article: Article, *, full: bool) -> dict:
    """``article`` in ninjs; ``full`` adds the body and the corrections (a
    list shows stories partially). Expects the prefetches of
    ``api.views.story_queryset``."""
    authors = article.byline_authors
    item = {
        "uri": story_uri(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full" if full else "partial",
        "profile": "newsroom-story",
        "version": str(article.version),
        "firstcreated": iso(article.first_published_at or article.published_at),
        "versioncreated": iso(article.modified_at),
        "pubstatus": pubstatus(article),
        "language": LANGUAGE,
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": article.headline}],
        "altids": [
            {"role": "id", "value": str(article.pk)},
            {"role": "slug", "value": article.slug},
        ],
        "renditions": [
            {
                "name": "web",
                "href": absolute(url_of("articles:article", article.slug)),
                "contenttype": "text/html",
            }
        ],
    }
    if article.published_at:
        item["contentcreated"] = iso(article.published_at)
    descriptions = []
    if article.dek:
        descriptions.append(
            {"role": "summary", "contenttype": "text/plain", "value": article.dek}
        )
    if authors:
        item["by"] = " and ".join(
            filter(None, [", ".join(a.name for a in authors[:-1]), authors[-1].name])
        )
    people = [
        {
            "name": author.name,
            "rel": "author",
            "uri": absolute(url_of("api:author", author.slug)),
            "literal": f"author:{author.slug}",
        }
        for author in authors
    ]
    entities = [link.entity for link in article.entity_links.all()]
    people += [entity_ref(e, "subject") for e in entities if e.kind == "person"]
    organisations = [entity_ref(e, "subject") for e in entities if e.kind == "company"]
    subjects = [
        {
            "name": article.section.name,
            "rel": "section",
            "uri": absolute(url_of("articles:section", article.section.slug)),
            "literal": f"section:{article.section.slug}",
        }
    ]
    subjects += [
        {
            "name": tag.name,
            "rel": "tag",
            "uri": absolute(url_of("articles:tag", tag.slug)),
            "literal": f"tag:{tag.slug}",
        }
        for tag in sorted(article.tags.all(), key=lambda tag: tag.name.lower())
    ]
    subjects += [entity_ref(e, "brand") for e in entities if e.kind == "brand"]
    item["subjects"] = subjects
    if people:
        item["people"] = people
    if organisations:
        item["organisations"] = organisations
    if article.lead_image_id and article.lead_image:
        item["associations"] = [picture(article.lead_image)]
    if full:
        text = strip_tags(article.body)
        item["bodies"] = [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": article.body,
                "charcount": len(text),
                "wordcount": len(text.split()),
            }
        ]
        descriptions += [
            {
                "role": "correction",
                "contenttype": "text/plain",
                "value": f"{correction.published_at:%d %B %Y}: {correction.text}",
            }
            for correction in article.corrections.all()
        ]
    if item["pubstatus"] == "canceled" and article.withdrawal_notice:
        descriptions.append(
            {
                "role": "withdrawal",
                "contenttype": "text/plain",
                "value": article.withdrawal_notice,
            }
        )
    if descriptions:
        item["descriptions"] = descriptions
    return item


def canceled(article: Article) -> dict:
    """What partners need to take a withdrawn story down, and no more: its
    identity and status, never its text."""
    item = {
        "uri": story_uri(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "partial",
        "version": str(article.version),
        "versioncreated": iso(article.modified_at),
        "pubstatus": "canceled",
        "slugline": article.slug,
        "altids": [
            {"role": "id", "value": str(article.pk)},
            {"role": "slug", "value": article.slug},
        ],
    }
    if article.first_published_at:
        item["firstcreated"] = iso(article.first_published_at)
    if article.withdrawal_notice:
        item["descriptions"] = [
            {
                "role": "withdrawal",
                "contenttype": "text/plain",
                "value": article.withdrawal_notice,
            }
        ]
    return item
