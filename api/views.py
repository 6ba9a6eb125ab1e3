"""The read API, /api/v1/: stories in ninjs, and the companies, people,
brands, sections, tags and authors they link to.

Every answer is read-only and public: what a reader may see on the site
(``Article.objects.published()``) and nothing more, whether or not the
caller has a key. A key identifies a partner and gives them their own rate
limit. Answers are kept in the shared cache under the page generation, as
the site's pages are (articles/caching.py), so a story published, edited or
withdrawn is never answered stale; they carry an ETag (a 304 for a client
that has it), Cache-Control, and the keys by which the cache in front
purges them (newsroom/frontcache.py).
"""

import datetime
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Greatest
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, pagination, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from taggit.models import Tag

from api import ninjs
from api.auth import ApiKeyAuthentication, PerAddressThrottle, PerKeyThrottle
from api.models import ApiKey
from api.serializers import (
    AuthorSerializer,
    BrandSerializer,
    CompanySerializer,
    EntitySummarySerializer,
    PersonSerializer,
    SectionSerializer,
    StorySerializer,
    TagSerializer,
)
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Rendition,
    Section,
    SlugRedirect,
    TaggedArticle,
)
from entities.models import CompanyRelationship, Entity, Role
from newsroom.caching import (
    current_generation,
    page_ttl,
    patch_public_cache_control,
    render_cached_fragments,
)
from newsroom.frontcache import LATEST, SITE, entity_key, key, shown_key

logger = logging.getLogger(__name__)

# Keys of API lists that no page of the site has (api/signals.py purges them).
ENTITY_LISTS = {
    "company": "api:companies",
    "person": "api:people",
    "brand": "api:brands",
}
AUTHOR_LIST = "api:authors"
CACHED_STATUSES = {200, 410}


def story_queryset():
    """Stories with what their ninjs needs, in a fixed number of queries
    whatever the number of stories."""
    return Article.objects.select_related("section", "lead_image").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        Prefetch(
            "entity_links",
            queryset=ArticleEntity.objects.select_related("entity").order_by(
                "entity__name"
            ),
        ),
        Prefetch("lead_image__renditions", queryset=Rendition.objects.all()),
        "tags",
    )


class ApiView(APIView):
    """A read-only, cached, throttled API answer. Subclasses implement
    ``read(request, **kwargs)`` and say which front-cache keys their answer
    carries with ``self.add_keys()``."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = []
    throttle_classes = [PerKeyThrottle, PerAddressThrottle]
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request, *args, **kwargs):
        self._keys = {SITE}
        self._cache_key = self.cache_key(request)
        if self._cache_key is not None:
            try:
                hit = cache.get(self._cache_key)
            except Exception:
                logger.warning(
                    "API cache unavailable: answering %s uncached", request.path
                )
                hit = None
            if hit is not None:
                status, content, etag, keys = hit
                response = HttpResponse(
                    content, status=status, content_type="application/json"
                )
                response["ETag"] = etag
                response["X-Cache"] = "HIT"
                self._keys = keys
                return response
        return self.read(request, *args, **kwargs)

    def read(self, request, **kwargs):
        raise NotImplementedError

    def add_keys(self, *keys):
        self._keys.update(keys)

    def cache_key(self, request) -> str | None:
        if page_ttl() <= 0:
            return None
        generation = current_generation(request._request)
        if generation is None:
            return None
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"newsroom:api:{generation}:{path}"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        status = response.status_code
        keyed = isinstance(getattr(request, "auth", None), ApiKey)
        ttl = page_ttl()
        if status in CACHED_STATUSES or 300 <= status < 400:
            if keyed:
                # A partner's answers are theirs: the cache in front keeps
                # none, so each request meets its rate limit here.
                patch_cache_control(response, private=True, max_age=ttl)
            else:
                patch_public_cache_control(response, ttl)
            response[settings.FRONT_CACHE_KEY_HEADER] = " ".join(
                sorted(getattr(self, "_keys", {SITE}))
            )
        elif status == 429:
            patch_cache_control(response, no_store=True)
        else:
            patch_cache_control(response, no_cache=True)
        if isinstance(response, Response) and status in CACHED_STATUSES:
            response.render()
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["X-Cache"] = "MISS"
            if getattr(self, "_cache_key", None):
                try:
                    cache.set(
                        self._cache_key,
                        (status, response.content, response["ETag"], self._keys),
                        ttl,
                    )
                except Exception:
                    logger.warning(
                        "API cache unavailable: not storing %s", request.path
                    )
        return response

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.Throttled):
            # DRF's own message says "Expected available in 3 seconds."
            exc.detail = (
                "Too many requests: this key or address has made its requests "
                f"for the minute. Try again in {int(exc.wait or 1)} seconds."
            )
        return super().handle_exception(exc)


SLUG = re.compile(r"[-\w]{1,200}")


def checked_slug(slug: str, parameter: str, what: str) -> str:
    if not SLUG.fullmatch(slug):
        raise exceptions.ValidationError(
            {parameter: [f"No {what} has the slug “{slug[:200]}”."]}
        )
    return slug


def one_of(model_queryset, slug: str, parameter: str, what: str):
    checked_slug(slug, parameter, what)
    found = model_queryset.filter(slug=slug).first()
    if found is None:
        raise exceptions.ValidationError(
            {parameter: [f"No {what} has the slug “{slug}”."]}
        )
    return found


def parse_since(value: str, parameter: str) -> datetime.datetime:
    """An ISO 8601 time (or a date, meaning its start in the newsroom's
    time zone)."""
    try:
        when = parse_datetime(value.replace(" ", "+"))
        if when is None and (day := parse_date(value)):
            when = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:  # well formed, but no such day or hour
        when = None
    if when is None:
        raise exceptions.ValidationError(
            {parameter: ["Give a time in ISO 8601, e.g. 2026-06-10T09:30:00Z."]}
        )
    return make_aware(when) if is_naive(when) else when


class StoryPagination(pagination.CursorPagination):
    """Newest first, along the publish-time index: a cursor, not a page
    number, so that page 5,000 costs what page 1 does and a story published
    meanwhile does not shift the pages."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


# When a story last changed for a partner: its last save, or the moment a
# scheduled story appeared, which no save marks. api/migrations/0002 indexes
# this expression.
CHANGED_AT = Greatest("modified_at", "published_at")


# What a change's row needs: the cursor, whether it is public, and what a
# withdrawn story is told with (api.ninjs.canceled).
CANCELED_FIELDS = (
    "pk",
    "status",
    "published_at",
    "first_published_at",
    "modified_at",
    "slug",
    "version",
    "withdrawal_notice",
)


class ChangesPagination(StoryPagination):
    """Oldest change first, so that a partner can follow from where it
    stopped: the ``next`` link of the last page is where to ask next time."""

    ordering = ("changed_at", "id")


class SlugPagination(StoryPagination):
    ordering = ("slug",)
    page_size = 50


PAGE_SIZE = OpenApiParameter("page_size", int, description="Up to 100; 20 by default")

STORY_FILTERS = [
    OpenApiParameter("section", str, description="A section's slug: automotive"),
    OpenApiParameter("tag", str, description="A tag's slug: electric-vehicles"),
    OpenApiParameter("author", str, description="An author's slug"),
    OpenApiParameter(
        "entity", str, description="A company's, person's or brand's slug: bmw-group"
    ),
    OpenApiParameter(
        "updated_since",
        str,
        description="Only stories changed since this time (ISO 8601)",
    ),
    PAGE_SIZE,
    OpenApiParameter("cursor", str, description="From a page's next or previous link"),
]


def paginated(name: str, serializer, **more_fields):
    """A page of a cursor list, as the OpenAPI description shows it."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer,
            **more_fields,
        },
    )


def ninjs_of(request, pks: list[int], *, full: bool) -> list[dict]:
    """The stories ``pks`` in ninjs, in that order: kept in the shared cache
    under the page generation, as the site's story cards are, so a list is
    a query for its page and one cache read; built in a fixed number of
    queries for those missing."""

    def build(missing):
        stories = story_queryset().filter(pk__in=missing)
        if not full:
            stories = stories.defer("body", "body_text", "search_vector")
        return {story.pk: ninjs.story(story, full=full) for story in stories}

    return render_cached_fragments(
        f"api:ninjs:{'full' if full else 'partial'}",
        pks,
        build,
        request=request._request,
    )


def shown_keys(item: dict) -> set[str]:
    """The front-cache keys of the bylines and entities a story shows, from
    the literals of its ninjs (author:…, company:…, person:…, brand:…)."""
    literals = [
        ref.get("literal", "")
        for group in ("people", "organisations", "subjects")
        for ref in item.get(group, [])
    ]
    return {
        shown_key(literal)
        for literal in literals
        if literal.split(":", 1)[0] in {"author", "company", "person", "brand"}
    }


class StoryList(ApiView):
    @extend_schema(
        operation_id="stories_list",
        summary="Public stories, newest first",
        parameters=STORY_FILTERS,
        responses=paginated("StoryPage", StorySerializer(many=True)),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        self.add_keys(LATEST)
        # The page is read light (what the cursor needs); each story's ninjs
        # comes from the cache, and is built in full only when missing.
        stories = Article.objects.published().only("pk", "published_at")
        params = request.query_params
        if slug := params.get("section"):
            section = one_of(Section.objects, slug, "section", "section")
            stories = stories.filter(section=section)
        if slug := params.get("tag"):
            tag = one_of(Tag.objects, slug, "tag", "tag")
            stories = stories.filter(
                Exists(
                    TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag=tag)
                )
            )
        if slug := params.get("author"):
            author = one_of(Author.objects, slug, "author", "author")
            stories = stories.filter(
                Exists(Byline.objects.filter(article=OuterRef("pk"), author=author))
            )
        if slug := params.get("entity"):
            checked_slug(slug, "entity", "company, person or brand")
            entities = list(
                Entity.objects.filter(slug=slug).values_list("pk", flat=True)
            )
            if not entities:
                raise exceptions.ValidationError(
                    {"entity": [f"No company, person or brand has the slug “{slug}”."]}
                )
            stories = stories.filter(
                Exists(
                    ArticleEntity.objects.filter(
                        article=OuterRef("pk"), entity__in=entities
                    )
                )
            )
        if value := params.get("updated_since"):
            stories = stories.alias(changed_at=CHANGED_AT).filter(
                changed_at__gte=parse_since(value, "updated_since")
            )
        paginator = StoryPagination()
        page = paginator.paginate_queryset(stories, request, view=self)
        return paginator.get_paginated_response(
            ninjs_of(request, [story.pk for story in page], full=False)
        )


class StoryDetail(ApiView):
    @extend_schema(
        operation_id="stories_retrieve",
        summary="A story in ninjs",
        responses={
            200: StorySerializer,
            301: OpenApiResponse(
                description="The story's slug changed: its new address."
            ),
            404: OpenApiResponse(description="No public story has this slug."),
            410: OpenApiResponse(
                description="Withdrawn: pubstatus canceled; take it down."
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request, slug):
        found = Article.objects.published().filter(slug=slug).values("pk").first()
        if found is not None:
            (item,) = ninjs_of(request, [found["pk"]], full=True)
            self.add_keys(key("story", found["pk"]), *shown_keys(item))
            return Response(item)
        withdrawn = Article.objects.filter(
            slug=slug, status=Article.Status.WITHDRAWN, first_published_at__isnull=False
        ).first()
        if withdrawn is not None:
            self.add_keys(key("story", withdrawn.pk))
            return Response(ninjs.canceled(withdrawn), status=410)
        moved = (
            SlugRedirect.objects.select_related("article").filter(old_slug=slug).first()
        )
        if moved is not None and (
            moved.article.is_published
            or moved.article.status == Article.Status.WITHDRAWN
        ):
            self.add_keys(key("story", moved.article_id))
            return HttpResponsePermanentRedirect(
                reverse("api:story", kwargs={"slug": moved.article.slug})
            )
        raise exceptions.NotFound("No public story has this slug.")


class ChangeList(ApiView):
    @extend_schema(
        summary="Stories published, changed or withdrawn, oldest change first",
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description="Changes at or after this time (ISO 8601); all if left out",
            ),
            PAGE_SIZE,
            OpenApiParameter("cursor", str, description="From a page's next link"),
        ],
        responses=paginated(
            "ChangePage",
            StorySerializer(many=True),
            next_since=serializers.DateTimeField(
                allow_null=True, help_text="The since to ask with next time"
            ),
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        self.add_keys(LATEST)
        # Public stories, and the withdrawn ones readers once saw: partners
        # must take those down. One OR in one query, along the index of
        # modification times.
        stories = (
            Article.objects.published()
            | Article.objects.filter(
                status=Article.Status.WITHDRAWN, first_published_at__isnull=False
            )
        ).only(*CANCELED_FIELDS)
        stories = stories.annotate(changed_at=CHANGED_AT)
        since = None
        if value := request.query_params.get("since"):
            since = parse_since(value, "since")
            stories = stories.filter(changed_at__gte=since)
        paginator = ChangesPagination()
        page = paginator.paginate_queryset(stories, request, view=self)
        public = ninjs_of(
            request, [story.pk for story in page if story.is_published], full=False
        )
        response = paginator.get_paginated_response(
            [
                public.pop(0) if story.is_published else ninjs.canceled(story)
                for story in page
            ]
        )
        # Where to start next time: the last change on this page. A story
        # changed at that very moment comes again; that is harmless, and
        # nothing is missed.
        last = page[-1].changed_at if page else since
        response.data["next_since"] = last.isoformat() if last else None
        return response


ENTITY_SERIALIZERS = {
    "company": CompanySerializer,
    "person": PersonSerializer,
    "brand": BrandSerializer,
}


class EntityList(ApiView):
    kind = None

    @extend_schema(
        summary="Companies, people or brands, by slug",
        responses=EntitySummarySerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        self.add_keys(ENTITY_LISTS[self.kind])
        entities = Entity.objects.filter(kind=self.kind).prefetch_related("aliases")
        paginator = SlugPagination()
        page = paginator.paginate_queryset(entities, request, view=self)
        return paginator.get_paginated_response(
            EntitySummarySerializer(page, many=True).data
        )


class EntityDetail(ApiView):
    kind = None

    @extend_schema(summary="A company, person or brand: aliases, roles, relationships")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_serializer_class(self):  # for the OpenAPI description
        return ENTITY_SERIALIZERS[self.kind]

    def read(self, request, slug):
        entities = (
            Entity.objects.filter(kind=self.kind, slug=slug)
            .select_related("image")
            .prefetch_related("aliases")
        )
        roles = Role.objects.select_related("person", "company")
        if self.kind == "company":
            entities = entities.select_related("company").prefetch_related(
                "company__brands",
                Prefetch("company__roles", queryset=roles),
                Prefetch(
                    "company__relationships_from",
                    queryset=CompanyRelationship.objects.select_related("to_company"),
                ),
                Prefetch(
                    "company__relationships_to",
                    queryset=CompanyRelationship.objects.select_related("from_company"),
                ),
            )
        elif self.kind == "person":
            entities = entities.select_related("person").prefetch_related(
                Prefetch("person__roles", queryset=roles)
            )
        else:
            entities = entities.select_related("brand__owner")
        entity = entities.first()
        if entity is None:
            raise exceptions.NotFound(f"No {self.kind} has this slug.")
        self.add_keys(entity_key(entity))
        return Response(ENTITY_SERIALIZERS[self.kind](entity).data)


class SectionList(ApiView):
    @extend_schema(summary="The desks", responses=SectionSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        return Response(
            {"results": SectionSerializer(Section.objects.all(), many=True).data}
        )


class TagList(ApiView):
    @extend_schema(
        summary="Tags on public stories, by slug", responses=TagSerializer(many=True)
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        self.add_keys(LATEST)
        tags = Tag.objects.filter(
            Exists(
                TaggedArticle.objects.filter(
                    tag=OuterRef("pk"),
                    content_object__in=Article.objects.published().values("pk"),
                )
            )
        )
        paginator = SlugPagination()
        page = paginator.paginate_queryset(tags, request, view=self)
        return paginator.get_paginated_response(TagSerializer(page, many=True).data)


class AuthorList(ApiView):
    @extend_schema(
        operation_id="authors_list",
        summary="Bylines, by slug",
        responses=paginated("AuthorPage", AuthorSerializer(many=True)),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        self.add_keys(AUTHOR_LIST)
        authors = Author.objects.select_related("photo")
        paginator = SlugPagination()
        page = paginator.paginate_queryset(authors, request, view=self)
        return paginator.get_paginated_response(AuthorSerializer(page, many=True).data)


class AuthorDetail(ApiView):
    @extend_schema(
        operation_id="authors_retrieve", summary="A byline", responses=AuthorSerializer
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request, slug):
        author = Author.objects.select_related("photo").filter(slug=slug).first()
        if author is None:
            raise exceptions.NotFound("No author has this slug.")
        self.add_keys(key("author", author.slug), AUTHOR_LIST)
        return Response(AuthorSerializer(author).data)


class ApiRoot(ApiView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read(self, request):
        names = ["stories", "changes", "companies", "people", "brands"]
        names += ["sections", "tags", "authors", "schema"]
        return Response(
            {name: ninjs.absolute(reverse(f"api:{name}")) for name in names}
        )


def human_page(request):
    """/api/: what the API offers, with examples to paste into a terminal."""
    example = Article.objects.published().order_by("-published_at").only("slug").first()
    response = render(
        request,
        "api/index.html",
        {
            "site_url": ninjs.site_url(),
            "example_slug": example.slug if example else "a-story-slug",
            "anonymous_per_minute": settings.API_ANONYMOUS_PER_MINUTE,
        },
    )
    return response
