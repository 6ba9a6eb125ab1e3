import logging

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.generic import ListView
from taggit.models import Tag

from articles import history, media, spelling
from articles.feeds import feed_links
from articles.forms import SearchForm
from articles.models import (
    Article,
    Author,
    Correction,
    PreviewLink,
    Section,
    SlugRedirect,
)
from articles.pagination import StoryList, StoryPagesMixin
from articles.search import (
    highlighted,
    name_contains,
    newest_matches,
    search_stories,
    uses_postgres,
)
from articles.sitemaps import news_stories
from articles.story_page import article_page_queryset, public_story, render_article
from entities.detection import current_index
from entities.models import Entity
from newsroom import frontcache

logger = logging.getLogger(__name__)


class StoryListView(StoryPagesMixin, ListView):
    """A paginated list of public stories, newest first."""

    context_object_name = "stories"


class HomeView(StoryListView):
    template_name = "articles/home.html"
    story_list = StoryList()


class SectionView(StoryListView):
    template_name = "articles/section.html"
    story_list = StoryList(
        lambda stories, section: stories.filter(section_id=section),
        section=int,
    )

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset()

    def story_list_values(self):
        return {"section": self.section.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            feeds=feed_links("sections", self.section, self.section.name),
            **kwargs,
        )


class TagView(StoryListView):
    template_name = "articles/tag.html"
    story_list = StoryList(
        lambda stories, tag: stories.filter(tagged_items__tag_id=tag),
        tag=int,
    )

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset()

    def story_list_values(self):
        return {"tag": self.tag.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.tag, feeds=feed_links("tags", self.tag, self.tag.name), **kwargs
        )


class AuthorView(StoryListView):
    template_name = "articles/author.html"
    story_list = StoryList(
        lambda stories, author: stories.filter(bylines__author_id=author),
        author=int,
    )

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo").prefetch_related(
                "photo__renditions"
            ),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset()

    def story_list_values(self):
        return {"author": self.author.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            feeds=feed_links("authors", self.author, self.author.name),
            **kwargs,
        )


def article_detail(request, slug):
    article = public_story(slug)
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


def correction_detail(request, slug, pk):
    """What a correction on a public story changed: the corrected passages of
    the headline, standfirst and body, before and after, from the version
    the correction came with and the last one readers saw before it."""
    article = get_object_or_404(
        Article.objects.published().select_related("section"), slug=slug
    )
    correction = get_object_or_404(
        Correction.objects.select_related("version__revision"),
        article=article,
        pk=pk,
    )
    correction.article = article
    # Purged with the story (newsroom.frontcache).
    frontcache.add_page_keys(request, [frontcache.key("story", article.pk)])
    return TemplateResponse(
        request,
        "articles/correction.html",
        {
            "article": article,
            "correction": correction,
            "passages": history.what_a_correction_changed(correction),
        },
    )


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
    context_object_name = "stories"

    def get_paginate_by(self, queryset):
        return settings.STORIES_PER_PAGE

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        self.query = ""
        self.searched_for = ""  # the reader's words, when shown corrected
        self.suggestion = None
        self.match_count = None  # known before counting, on PostgreSQL
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
        if not uses_postgres():
            return search_stories(stories, self.query).for_listing()
        match_ids = newest_matches(stories, self.query, self.request)
        if not match_ids:
            # Nothing found: a word no public story uses is probably
            # misspelled. Show what the reader meant, if that finds stories
            # (and the entity whose name they nearly typed); a search that
            # finds something is never second-guessed.
            self.suggestion = spelling.suggest(self.query, self.request)
            if self.suggestion and not data["exact"]:
                corrected_ids = newest_matches(
                    stories, self.suggestion.query, self.request
                )
                if corrected_ids:
                    self.searched_for, self.query = self.query, self.suggestion.query
                    match_ids = corrected_ids
        self.match_count = len(match_ids)
        return search_stories(stories, self.query, match_ids).for_listing()

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if self.match_count is not None:
            # The page lists exactly the matches found: no need to count them.
            paginator.count = self.match_count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for story in context["stories"]:
            story.snippet_html = highlighted(getattr(story, "snippet", "") or story.dek)
            story.headline_html = highlighted(
                getattr(story, "headline_marked", "") or story.headline
            )
        entities = []
        if self.query and context["page_obj"].number == 1:
            entities = matching_entities(self.query)
            if not entities and self.suggestion and self.suggestion.entity_ids:
                # A near miss of a name or alias: that entity's card.
                by_pk = Entity.objects.select_related("image").in_bulk(
                    self.suggestion.entity_ids
                )
                entities = [by_pk[pk] for pk in self.suggestion.entity_ids]
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("exact", None)
        if self.searched_for:
            params["q"], params["exact"] = self.searched_for, "1"
            context["exact_url"] = f"?{params.urlencode()}"
            params.pop("exact")
        params["q"] = self.query
        return {
            **context,
            "form": self.form,
            "query": self.query,
            "searched_for": self.searched_for,
            "entities": entities,
            "sections": Section.objects.all(),
            # The filters and the words searched for, for pagination.
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
    return list(entities.filter(name_contains(words)).order_by("name")[:limit])


def news_sitemap(request):
    """The Google News sitemap: public stories of the last 48 hours."""
    return TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {"stories": news_stories(), "language": "en"},
        content_type="application/xml",
    )
