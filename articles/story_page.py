"""A story's page, assembled: the story with everything it shows (bylines,
tags, corrections, entities and their roles as of its date, related
stories, the lead image's renditions), rendered for readers, for a preview
link and for the admin's preview alike."""

import datetime
import functools
import logging
import operator

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles import structured_data
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    TaggedArticle,
)
from entities.models import Entity, Role
from newsroom import frontcache
from newsroom.addresses import fixed_url
from newsroom.caching import cached_for_generation
from newsroom.prepared import PreparedQuery

logger = logging.getLogger(__name__)


def article_page_queryset():
    """A story with everything its page shows, in a fixed number of queries.

    On PostgreSQL its bylines, tags and corrections come in the story's own
    row, as JSON arrays (``byline_rows``, ``tag_rows``, ``correction_rows``):
    one query where prefetching them took three more. See story_parts()."""
    # Built once per process: resolving those subqueries took longer than
    # running them. Callers get a copy to filter.
    return _article_page_queryset(connection.vendor).all()


@functools.cache
def _article_page_queryset(vendor: str):
    stories = (
        Article.objects.defer("body_text", "search_vector")
        .select_related("section", "lead_image")
        .prefetch_related("lead_image__renditions")
    )
    if vendor != "postgresql":
        return stories.prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
            "corrections",
        )
    story = OuterRef("pk")
    return stories.annotate(
        byline_rows=_json_rows(
            Byline.objects.filter(article=story).order_by("order", "pk"),
            id="author_id",
            name="author__name",
            slug="author__slug",
            job_title="author__job_title",
        ),
        tag_rows=_json_rows(
            TaggedArticle.objects.filter(content_object=story).order_by("pk"),
            id="tag_id",
            name="tag__name",
            slug="tag__slug",
        ),
        correction_rows=_json_rows(
            Correction.objects.filter(article=story).order_by("published_at", "pk"),
            id="id",
            text="text",
            published_at="published_at",
            version_id="version_id",
        ),
    )


# A reader's story page is this one query (and the lead image's renditions),
# compiled once per process: compiling it cost more than running it.
_public_story = PreparedQuery(
    Article,
    lambda slug, now: article_page_queryset().published(now=now).filter(slug=slug),
    server_plan=True,  # a unique slug: one plan fits every story
    slug=str,
    now=datetime.datetime,
)


def public_story(slug: str):
    """The public story at ``slug`` with everything its page shows
    (article_page_queryset()), or None."""
    stories = _public_story(slug=slug, now=timezone.now())
    return stories[0] if stories else None


def _json_rows(rows, **fields):
    """``rows`` as a JSON array in the story's own row, each an object of
    ``fields`` (name: the column or lookup it holds)."""
    return ArraySubquery(rows.values(row=JSONObject(**fields)))


def story_parts(article) -> tuple[list[Author], list[Tag], list[Correction]]:
    """The authors (in byline order), tags and corrections of a story read
    by article_page_queryset()."""
    if not hasattr(article, "byline_rows"):
        return (
            article.byline_authors,
            list(article.tags.all()),
            list(article.corrections.all()),
        )
    authors = [Author(**row) for row in article.byline_rows]
    tags = [Tag(**row) for row in article.tag_rows]
    corrections = [
        Correction(
            article=article,
            **{**row, "published_at": parse_datetime(row["published_at"])},
        )
        for row in article.correction_rows
    ]
    return authors, tags, corrections


# Related stories are ranked among the newest few stories of each of the
# story's entities and tags, not among every story that shares one: BMW
# Group alone is in a tenth of the archive.
RELATED_POOL = 20
RELATED_SOURCES = 8


def related_stories(article, entity_ids, tag_ids, count=4, request=None) -> list[int]:
    """The ids of the public stories sharing the most of ``entity_ids`` and
    ``tag_ids`` (the story's) with ``article``, kept in the cache until the
    site changes."""
    entity_ids = list(entity_ids)[:RELATED_SOURCES]
    tag_ids = list(tag_ids)[:RELATED_SOURCES]
    if not entity_ids and not tag_ids:
        return []

    def choose():
        others = (
            Article.objects.published().exclude(pk=article.pk).order_by("-published_at")
        )
        pools = [
            others.filter(entity_links__entity=pk).values("pk")[:RELATED_POOL]
            for pk in entity_ids
        ] + [
            others.filter(tagged_items__tag=pk).values("pk")[:RELATED_POOL]
            for pk in tag_ids
        ]
        if len(pools) == 1:
            candidates = pools[0]
        elif connection.features.supports_slicing_ordering_in_compound:
            candidates = pools[0].union(*pools[1:])
        else:
            # SQLite (the demo) refuses a LIMIT inside a UNION: one query
            # per pool, on a demo-sized archive.
            candidates = {
                pk for pool in pools for pk in pool.values_list("pk", flat=True)
            }
        # Only the kinds the story has: a filter on no ids at all would make
        # Django drop the whole query as matching nothing.
        terms = []
        if entity_ids:
            terms.append(("entity_links", Q(entity_links__entity__in=entity_ids)))
        if tag_ids:
            terms.append(("tagged_items", Q(tagged_items__tag__in=tag_ids)))
        shares = [Count(path, filter=term, distinct=True) for path, term in terms]
        return list(
            Article.objects.filter(pk__in=candidates)
            .filter(functools.reduce(operator.or_, (term for _, term in terms)))
            .annotate(shared=functools.reduce(operator.add, shares))
            .order_by("-shared", "-published_at")
            .values_list("pk", flat=True)[:count]
        )

    # Ids: the cards are read from the cache, the stories only if not there.
    return cached_for_generation(
        f"related:{article.pk}:{count}", choose, request=request
    )


def attach_roles_as_of(article_id, entities, when) -> None:
    """Give each person in ``entities`` the role they held on ``when``
    (``role_then``), and whether it has ended since (``role_is_past``): the
    panel says "then chairman of BMW AG" even after the term ended."""
    day = timezone.localdate(when)
    people = [e for e in entities if e.kind == Entity.Kind.PERSON]
    # One query, made even when the story names nobody, keeps the page's
    # query count fixed.
    roles = Role.objects.filter(
        person_id__in=Subquery(
            ArticleEntity.objects.filter(article_id=article_id).values("entity_id")
        )
    ).select_related("company")
    held = {}
    for role in roles:
        if role.held_on(day):
            held.setdefault(role.person_id, role)
    today = timezone.localdate()
    for person in people:
        person.role_then = held.get(person.pk)
        person.role_is_past = bool(
            person.role_then
            and person.role_then.end_date
            and person.role_then.end_date < today
        )


SEO_IMAGE_SPECS = ("card", "thumb", "social")


def lead_image_urls(request, article) -> list[str]:
    """The lead image in the ratios search engines ask for (16:9, 1:1 and the
    social crop), largest JPEG of each."""
    if not article.lead_image:
        return []
    largest = {}
    for rendition in article.lead_image.renditions.all():
        wanted = rendition.format == "jpeg" and rendition.spec in SEO_IMAGE_SPECS
        if wanted and rendition.width > getattr(
            largest.get(rendition.spec), "width", 0
        ):
            largest[rendition.spec] = rendition
    urls = [request.build_absolute_uri(r.file.url) for r in largest.values()]
    return urls or [request.build_absolute_uri(article.lead_image.file.url)]


ENTITY_GROUPS = (
    (Entity.Kind.COMPANY, "Companies"),
    (Entity.Kind.PERSON, "People"),
    (Entity.Kind.BRAND, "Brands"),
)


def story_entities(article, request=None) -> dict:
    """The companies, people and brands ``article`` links, as its page shows
    them: ``ids``; ``panel``, the "In this story" HTML (people with the role
    they held when it was published); ``references``, (kind, name, path,
    website) for its JSON-LD. Kept in the cache until the site changes, so
    a story page does not read its entities and their roles every time.
    Without a ``request`` (previews), always read afresh."""

    def load():
        entities = list(article.entities.order_by("kind", "name"))
        attach_roles_as_of(article.pk, entities, article.published_at or timezone.now())
        groups = [
            (label, [e for e in entities if e.kind == kind])
            for kind, label in ENTITY_GROUPS
            if any(e.kind == kind for e in entities)
        ]
        return {
            "ids": [e.pk for e in entities],
            "panel": loader.render_to_string(
                "includes/in_this_story.html", {"entity_groups": groups}
            ),
            "references": [
                (e.kind, e.name, e.get_absolute_url(), e.website) for e in entities
            ],
            "keys": [frontcache.entity_key(e) for e in entities],
        }

    if request is None:
        return load()
    return cached_for_generation(f"story-entities:{article.pk}", load, request=request)


def render_article(request, article, *, preview=None, status=200):
    """The story page. ``preview`` ("staff" or "link") marks a page that is
    not public: never indexed, never cached."""
    entities = story_entities(article, request=None if preview else request)
    authors, tags, corrections = story_parts(article)
    context = {
        "article": article,
        "authors": authors,
        "tags": tags,
        "corrections": corrections,
        "in_this_story": mark_safe(entities["panel"]),  # rendered by our template
        # A preview's are read afresh too: a draft's tags and links change
        # without raising the page generation its cache is kept under.
        "related_stories": related_stories(
            article,
            entities["ids"],
            [tag.pk for tag in tags],
            request=None if preview else request,
        ),
        "preview": preview,
        "json_ld": [
            structured_data.news_article(
                request,
                article,
                images=lead_image_urls(request, article),
                entities=entities["references"],
                authors=authors,
                tags=tags,
            ),
            structured_data.breadcrumbs(
                request,
                [
                    (settings.NEWSROOM_NAME, fixed_url("articles:home")),
                    (article.section.name, article.section.get_absolute_url()),
                    (article.headline, article.get_absolute_url()),
                ],
            ),
        ],
    }
    if not preview:
        # Purged from the cache in front when this story, a related one, an
        # author or an entity it shows changes (newsroom.frontcache).
        frontcache.add_page_keys(
            request,
            [
                frontcache.key("story", article.pk),
                *(frontcache.key("story", pk) for pk in context["related_stories"]),
                *(
                    frontcache.shown_key(frontcache.key("author", author.slug))
                    for author in authors
                ),
                *(frontcache.shown_key(key) for key in entities["keys"]),
            ],
        )
    response = TemplateResponse(
        request, "articles/article_detail.html", context, status=status
    )
    if preview:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
