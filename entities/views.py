import functools

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

from articles import structured_data
from articles.feeds import feed_links
from articles.models import Article
from articles.pagination import StoryList, StoryPagesMixin
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    Entity,
    EntityEvent,
    EntityRedirect,
    Person,
    Quote,
    Role,
)
from newsroom.addresses import fixed_url
from newsroom.caching import cached_for_generation
from newsroom.prepared import PreparedQuery

# The public URL segment of each kind.
KIND_PATHS = {"companies": Company, "people": Person, "brands": Brand}
PATH_OF_KIND = {model.__name__.lower(): path for path, model in KIND_PATHS.items()}


# "Often covered with" counts the entities linked to the same stories among
# an entity's newest stories: BMW Group is in a tenth of a million-story
# archive, and who it is covered with now matters more than in 2015.
CO_MENTION_WINDOW = 500


def often_covered_with(
    entity: Entity, limit: int = 6, request=None
) -> list[tuple[Entity, int]]:
    """The entities most often linked to the same public stories as
    ``entity`` (among its newest CO_MENTION_WINDOW), with the number of
    stories they share. Kept in the cache until the site changes."""

    def compute():
        recent = (
            Article.objects.published()
            .filter(entity_links__entity=entity)
            .order_by("-published_at", "-pk")
            .values("pk")[:CO_MENTION_WINDOW]
        )
        others = (
            Entity.objects.filter(article_links__article__in=recent)
            .exclude(pk=entity.pk)
            .annotate(shared=Count("article_links"))
            .order_by("-shared", "name")[:limit]
        )
        return [(other, other.shared) for other in others]

    return cached_for_generation(
        f"often-covered-with:{entity.pk}:{limit}", compute, request=request
    )


def co_mention_url(entity: Entity, other: Entity) -> str:
    return reverse(
        "entities:co_mentions",
        kwargs={
            "kind": PATH_OF_KIND[entity.kind],
            "slug": entity.slug,
            "other_kind": PATH_OF_KIND[other.kind],
            "other_slug": other.slug,
        },
    )


@functools.cache
def entity_page_queryset(model, vendor: str):
    """An entity of ``model`` with what its profile shows: its image and, in
    ``alias_names``, its aliases (on PostgreSQL in the entity's own row; a
    query more elsewhere). Built once per process and copied by callers:
    resolving it took longer than running it."""
    entities = model.objects.select_related("image").prefetch_related(
        "image__renditions"
    )
    if model is Brand:
        entities = entities.select_related("owner")
    if vendor != "postgresql":
        return entities.prefetch_related("aliases")
    return entities.annotate(
        alias_names=ArraySubquery(
            Alias.objects.filter(entity=OuterRef("pk")).order_by("name").values("name")
        )
    )


@functools.cache
def entity_by_slug(model) -> PreparedQuery:
    """The entity of ``model`` at a slug, with what its page shows: one query
    compiled once per process (newsroom.prepared), as the story page's."""
    return PreparedQuery(
        model,
        lambda slug: entity_page_queryset(model, connection.vendor).filter(slug=slug),
        server_plan=True,  # a unique slug: one plan fits every entity
        slug=str,
    )


class EntityView(StoryPagesMixin, ListView):
    """An entity's profile, relations, timeline and the public stories
    linked to it."""

    model = None
    context_object_name = "stories"
    story_list = StoryList(
        lambda stories, entity: stories.filter(entity_links__entity_id=entity),
        entity=int,
    )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Only a missing page asks whether it was merged elsewhere.
            moved = (
                EntityRedirect.objects.select_related("entity")
                .filter(kind=self.model.__name__.lower(), old_slug=self.kwargs["slug"])
                .first()
            )
            if moved is None:
                raise
        query = request.META.get("QUERY_STRING")
        url = moved.entity.get_absolute_url()
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    def get_queryset(self):
        found = entity_by_slug(self.model)(slug=self.kwargs["slug"])
        if not found:
            raise Http404(f"No {self.model._meta.verbose_name} at this address.")
        self.entity = found[0]
        if not hasattr(self.entity, "alias_names"):
            self.entity.alias_names = [
                alias.name for alias in self.entity.aliases.all()
            ]
        return super().get_queryset()

    def story_list_values(self):
        return {"entity": self.entity.pk}

    def get_relations(self):
        return {}

    def get_template_names(self):
        return [f"entities/{self.entity.kind}_detail.html"]

    def get_context_data(self, **kwargs):
        entity, request = self.entity, self.request
        # Like what get_relations() gives, lazy: built and read only when
        # the cached fragment that shows it is not in the cache.
        events = SimpleLazyObject(
            lambda: EntityEvent.objects.filter(entity=entity).prefetch_related(
                Prefetch(
                    "stories",
                    queryset=Article.objects.published().only("headline", "slug"),
                    to_attr="public_stories",
                )
            )
        )
        return super().get_context_data(
            entity=self.entity,
            feeds=feed_links(
                PATH_OF_KIND[self.entity.kind], self.entity, self.entity.name
            ),
            json_ld=[
                structured_data.entity_page(self.request, self.entity),
                structured_data.breadcrumbs(
                    self.request,
                    [
                        (settings.NEWSROOM_NAME, fixed_url("articles:home")),
                        (self.entity.name, self.entity.get_absolute_url()),
                    ],
                ),
            ],
            events=events,
            # Lazy, like what get_relations() gives: read only when the
            # cached fragment that shows them is not in the cache.
            often_covered_with=SimpleLazyObject(
                lambda: [
                    (other, shared, co_mention_url(entity, other))
                    for other, shared in often_covered_with(entity, request=request)
                ]
            ),
            **self.get_relations(),
            **kwargs,
        )


class CompanyView(EntityView):
    model = Company

    def get_relations(self):
        company = self.entity

        def relationships():
            return [
                {
                    "wording": relationship.wording_for(company),
                    "company": relationship.other_company(company),
                    "relationship": relationship,
                }
                for relationship in CompanyRelationship.objects.filter(
                    Q(from_company=company) | Q(to_company=company)
                ).select_related("from_company", "to_company")
            ]

        # Lazy: built and read only when the cached fragment that shows them
        # is not in the cache.
        return {
            "brands": SimpleLazyObject(company.brands.all),
            "roles": SimpleLazyObject(
                lambda: Role.objects.filter(company=company).select_related("person")
            ),
            "relationships": SimpleLazyObject(relationships),
        }


class PersonView(EntityView):
    model = Person

    def get_relations(self):
        person = self.entity
        return {
            "roles": SimpleLazyObject(lambda: person.roles.select_related("company")),
            "quotes": SimpleLazyObject(
                lambda: Quote.objects.filter(
                    person=person,
                    confirmed=True,
                    article__in=Article.objects.published().values("pk"),
                ).select_related("article")[:10]
            ),
        }


class BrandView(EntityView):
    model = Brand


class CoMentionView(StoryPagesMixin, ListView):
    """The public stories that link both of two entities (BMW × Great Wall)."""

    context_object_name = "stories"
    template_name = "entities/co_mentions.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.merged_slugs()
            if not moved:
                raise
        # Either side was merged into another entity: follow it there.
        kwargs = {**self.kwargs, **moved}
        return HttpResponsePermanentRedirect(
            reverse("entities:co_mentions", kwargs=kwargs)
        )

    def merged_slugs(self) -> dict[str, str]:
        moved = {}
        for kind_key, slug_key in (("kind", "slug"), ("other_kind", "other_slug")):
            model = KIND_PATHS.get(self.kwargs[kind_key])
            redirect = (
                EntityRedirect.objects.select_related("entity")
                .filter(kind=model.__name__.lower(), old_slug=self.kwargs[slug_key])
                .first()
                if model is not None
                else None
            )
            if redirect is not None:
                moved[slug_key] = redirect.entity.slug
        return moved

    def get_queryset(self):
        kinds = KIND_PATHS
        try:
            model, other_model = (
                kinds[self.kwargs["kind"]],
                kinds[self.kwargs["other_kind"]],
            )
        except KeyError as error:
            raise Http404("No such kind of page.") from error
        self.entity = get_object_or_404(model, slug=self.kwargs["slug"])
        self.other = get_object_or_404(other_model, slug=self.kwargs["other_slug"])
        return (
            Article.objects.published()
            .filter(entity_links__entity=self.entity)
            .filter(entity_links__entity=self.other)
            .for_cards()
            .order_by("-published_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(entity=self.entity, other=self.other, **kwargs)
