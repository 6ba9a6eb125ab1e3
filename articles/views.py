import functools
import logging
import operator
import sys

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import DatabaseError, connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from taggit.models import Tag

from articles import media, structured_data
from articles.caching import cached_for_generation
from articles.context_processors import navigation
from articles.feeds import feed_links
from articles.forms import SearchForm
from articles.middleware import DATABASE_DOWN, service_unavailable
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    PreviewLink,
    Section,
    SlugRedirect,
    TaggedArticle,
)
from articles.pagination import StoryPagesMixin
from articles.search import highlighted, search_stories
from articles.sitemaps import news_stories
from entities.detection import current_index
from entities.models import Entity, Role
from newsroom import frontcache

logger = logging.getLogger(__name__)


class StoryListView(StoryPagesMixin, ListView):
    """A paginated list of public stories, newest first."""

    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def get_stories(self):
        return Article.objects.published()

    def get_queryset(self):
        return self.get_stories().for_cards().order_by("-published_at", "-pk")


class HomeView(StoryListView):
    template_name = "articles/home.html"


class SectionView(StoryListView):
    template_name = "articles/section.html"

    def get_stories(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Article.objects.published().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            feeds=feed_links("sections", self.section, self.section.name),
            **kwargs,
        )


class TagView(StoryListView):
    template_name = "articles/tag.html"

    def get_stories(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().filter(tagged_items__tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.tag, feeds=feed_links("tags", self.tag, self.tag.name), **kwargs
        )


class AuthorView(StoryListView):
    template_name = "articles/author.html"

    def get_stories(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo").prefetch_related(
                "photo__renditions"
            ),
            slug=self.kwargs["slug"],
        )
        return Article.objects.published().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            feeds=feed_links("authors", self.author, self.author.name),
            **kwargs,
        )


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
        byline_rows=ArraySubquery(
            Byline.objects.filter(article=story)
            .order_by("order", "pk")
            .values(
                row=JSONObject(
                    id="author_id",
                    name="author__name",
                    slug="author__slug",
                    job_title="author__job_title",
                )
            )
        ),
        tag_rows=ArraySubquery(
            TaggedArticle.objects.filter(content_object=story)
            .order_by("pk")
            .values(row=JSONObject(id="tag_id", name="tag__name", slug="tag__slug"))
        ),
        correction_rows=ArraySubquery(
            Correction.objects.filter(article=story)
            .order_by("published_at", "pk")
            .values(
                row=JSONObject(
                    id="id",
                    text="text",
                    published_at="published_at",
                    version_id="version_id",
                )
            )
        ),
    )


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
        "related_stories": related_stories(
            article, entities["ids"], [tag.pk for tag in tags], request=request
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
                    (settings.NEWSROOM_NAME, reverse("articles:home")),
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
                *(f"shows:{frontcache.key('author', a.slug)}" for a in authors),
                *(f"shows:{key}" for key in entities["keys"]),
            ],
        )
    response = TemplateResponse(
        request, "articles/article_detail.html", context, status=status
    )
    if preview:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_detail(request, slug):
    article = article_page_queryset().published().filter(slug=slug).first()
    if article is not None:
        return render_article(request, article)
    # Not public: say why, without giving away drafts.
    withdrawn = Article.objects.filter(
        slug=slug, status=Article.Status.WITHDRAWN
    ).first()
    if withdrawn is not None:
        return TemplateResponse(
            request, "articles/withdrawn.html", {"article": withdrawn}, status=410
        )
    moved = SlugRedirect.objects.select_related("article").filter(old_slug=slug).first()
    if moved is not None:
        return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
    raise Http404("No such story.")


def preview_link(request, token):
    """A story shown through a signed, expiring link to someone without an
    account (legal, a source, a partner desk)."""
    link = PreviewLink.objects.from_token(token)
    if link is None:
        raise Http404("No such preview.")
    if not link.is_active:
        response = TemplateResponse(
            request, "articles/preview_expired.html", {"link": link}, status=410
        )
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    article = article_page_queryset().get(pk=link.article_id)
    response = render_article(request, article, preview="link")
    media.remember_preview(response, link)
    return response


class SearchView(ListView):
    """/search/?q=: public stories ranked by relevance, with the matching
    companies, people and brands first. Never cached publicly, never indexed."""

    template_name = "articles/search.html"
    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        self.query = ""
        if not self.form.is_bound or not self.form.is_valid():
            return Article.objects.none()
        data = self.form.cleaned_data
        self.query = data["q"]
        if not self.query:
            return Article.objects.none()
        stories = Article.objects.published()
        if data["section"]:
            stories = stories.filter(section__slug=data["section"])
        if data["date_from"]:
            stories = stories.filter(published_at__date__gte=data["date_from"])
        if data["date_to"]:
            stories = stories.filter(published_at__date__lte=data["date_to"])
        return search_stories(stories, self.query).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for story in context["stories"]:
            story.snippet_html = highlighted(getattr(story, "snippet", "") or story.dek)
            story.headline_html = highlighted(
                getattr(story, "headline_marked", "") or story.headline
            )
        entities = (
            matching_entities(self.query)
            if self.query and context["page_obj"].number == 1
            else []
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        return {
            **context,
            "form": self.form,
            "query": self.query,
            "entities": entities,
            "sections": Section.objects.all(),
            "query_string": params.urlencode(),
        }

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            # A page number past the end of a search is not an error page.
            self.kwargs["page"] = 1
            return super().paginate_queryset(queryset, page_size)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_cache_control(response, private=True, max_age=0)
        response["X-Robots-Tag"] = "noindex, follow"
        return response


def matching_entities(query: str, limit: int = 6):
    """Companies, people and brands the query names, shown as cards: found by
    the mention matcher (names and aliases, in memory), or else by a part of
    their name."""
    words = query.strip('"')
    if len(words) < 2:
        return []
    named = [pk for mention in current_index().find(words) for pk in mention.entity_ids]
    entities = Entity.objects.select_related("image")
    if named:
        by_pk = entities.in_bulk(named[:limit])
        return [by_pk[pk] for pk in dict.fromkeys(named[:limit]) if pk in by_pk]
    return list(entities.filter(name__icontains=words).order_by("name")[:limit])


def news_sitemap(request):
    """The Google News sitemap: public stories of the last 48 hours."""
    return TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {"stories": news_stories(), "language": "en"},
        content_type="application/xml",
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/news-sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the app and its database answer, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def bad_request(request, exception):
    # Not rendered with the request: it is one Django refused to trust (a
    # forged Host header, a malformed query string), and reading it again
    # would raise again.
    return HttpResponse(
        loader.render_to_string("400.html", navigation(None)), status=400
    )


def permission_denied(request, exception):
    return HttpResponse(
        loader.render_to_string("403.html", request=request), status=403
    )


def page_not_found(request, exception):
    return HttpResponse(
        loader.render_to_string("404.html", request=request), status=404
    )


# The page carries its own <style> (see 500.html) and nothing from a reader.
@csp_update({"style-src": [UNSAFE_INLINE]})
def server_error(request):
    # No request context: whatever broke (often the database) must not break
    # the error page too.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        # Raised outside a view (a session loaded by a middleware, say): an
        # outage, not a bug, answered as articles.middleware answers views.
        return service_unavailable()
    return HttpResponse(loader.render_to_string("500.html"), status=500)
