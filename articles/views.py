import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Author, Byline, Section
from entities.models import Entity

logger = logging.getLogger(__name__)


class StoryListView(ListView):
    """A paginated list of public stories, newest first."""

    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def get_stories(self):
        return Article.objects.published()

    def get_queryset(self):
        return self.get_stories().for_listing().order_by("-published_at", "-pk")


class HomeView(StoryListView):
    template_name = "articles/home.html"


class SectionView(StoryListView):
    template_name = "articles/section.html"

    def get_stories(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Article.objects.published().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(StoryListView):
    template_name = "articles/tag.html"

    def get_stories(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().filter(tagged_items__tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(StoryListView):
    template_name = "articles/author.html"

    def get_stories(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return Article.objects.published().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    related_count = 4

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("section", "lead_image")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                "tags",
                Prefetch("entities", queryset=Entity.objects.order_by("kind", "name")),
                "corrections",
            )
        )

    def get_related_stories(self):
        article = self.object
        entity_ids = [entity.pk for entity in article.entities.all()]
        tag_ids = [tag.pk for tag in article.tags.all()]
        if not entity_ids and not tag_ids:
            return Article.objects.none()
        shared_entities = Q(entity_links__entity__in=entity_ids)
        shared_tags = Q(tagged_items__tag__in=tag_ids)
        return (
            Article.objects.published()
            .exclude(pk=article.pk)
            .filter(shared_entities | shared_tags)
            .annotate(
                shared=Count("entity_links", filter=shared_entities, distinct=True)
                + Count("tagged_items", filter=shared_tags, distinct=True)
            )
            .for_listing()
            .order_by("-shared", "-published_at")[: self.related_count]
        )

    def get_context_data(self, **kwargs):
        entities = list(self.object.entities.all())
        return super().get_context_data(
            entity_groups=[
                (label, [e for e in entities if e.kind == kind])
                for kind, label in (
                    (Entity.Kind.COMPANY, "Companies"),
                    (Entity.Kind.PERSON, "People"),
                    (Entity.Kind.BRAND, "Brands"),
                )
                if any(e.kind == kind for e in entities)
            ],
            related_stories=self.get_related_stories(),
            **kwargs,
        )


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


def page_not_found(request, exception):
    return HttpResponse(
        loader.render_to_string("404.html", request=request), status=404
    )


def server_error(request):
    # No request context: whatever broke (often the database) must not break
    # the error page too.
    return HttpResponse(loader.render_to_string("500.html"), status=500)
