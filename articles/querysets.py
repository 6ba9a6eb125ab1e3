"""The queries every part of the site shares: which stories and pictures
readers may see (the one definition of public), what a list of stories
reads, which preview links still open, who has a story open now."""

import datetime

from django.core import signing
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

# What lists of stories never show, and a story page shows only the first of.
LONG_COLUMNS = ("body", "body_text", "search_vector")


def display_name(user_field: str):
    """A person's full name, or their user name when they have none, as an
    expression over the user that ``user_field`` leads to."""
    return Coalesce(
        NullIf(
            Trim(
                Concat(
                    f"{user_field}__first_name",
                    Value(" "),
                    f"{user_field}__last_name",
                )
            ),
            Value(""),
        ),
        f"{user_field}__username",
    )


class ImageQuerySet(models.QuerySet):
    def public(self):
        """Images a reader may see: the lead image of a public story, a
        byline's photo, a company's, person's or brand's picture. A draft's
        or a withdrawn story's pictures are not among them (articles.media
        serves only these to readers)."""
        from articles.models import Article, Author
        from entities.models import Entity

        return self.filter(
            Exists(Article.objects.published().filter(lead_image=OuterRef("pk")))
            | Exists(Author.objects.filter(photo=OuterRef("pk")))
            | Exists(Entity.objects.filter(image=OuterRef("pk")))
        )


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Stories a reader may see: published, and their publish time has come
        (by ``now``, the present unless given).

        The one definition of public: every view, feed, sitemap and search
        starts here.
        """
        return self.filter(
            status=self.model.Status.PUBLISHED,
            published_at__lte=timezone.now() if now is None else now,
        )

    def scheduled(self):
        """Published stories whose time has not come yet."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def with_last_step(self):
        """Each story with its latest workflow step: ``last_action``,
        ``last_comment``, ``last_step_at`` and ``last_step_by`` (a name),
        in the same query."""
        from articles.models import Transition

        latest = (
            Transition.objects.filter(article=OuterRef("pk"))
            .order_by("-created_at", "-pk")
            .annotate(by=display_name("user"))
        )
        return self.annotate(
            last_action=Subquery(latest.values("action")[:1]),
            last_comment=Subquery(latest.values("comment")[:1]),
            last_step_at=Subquery(latest.values("created_at")[:1]),
            last_step_by=Subquery(latest.values("by")[:1]),
        )

    def sent_back(self):
        """Drafts an editor sent back with requested changes, not yet
        resubmitted: their latest workflow step is "Request changes"."""
        from articles.models import Transition
        from articles.workflow import Action

        latest = Transition.objects.filter(article=OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return (
            self.filter(status=self.model.Status.DRAFT)
            .alias(latest_action=Subquery(latest.values("action")[:1]))
            .filter(latest_action=Action.REQUEST_CHANGES)
        )

    def for_cards(self):
        """Stories for a list drawn with {% story_cards %}: only what
        pagination needs; each card comes from the cache, and its story is
        read in full (for_listing) only when it is not there."""
        return self.only("pk", "published_at")

    def for_listing(self):
        """What a list of stories shows: section, image and bylines, in a fixed
        number of queries whatever the number of stories. The long columns
        (body, search text and vector: some 20 KB a story) stay behind."""
        from articles.models import Byline

        return (
            self.defer(*LONG_COLUMNS)
            .select_related("section", "lead_image")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                "lead_image__renditions",
            )
        )


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def from_token(self, token: str):
        """The link a token names, or None when the token was not signed here."""
        try:
            pk = signing.loads(token, salt=self.model.TOKEN_SALT)
        except signing.BadSignature:
            return None
        return self.select_related("article").filter(pk=pk).first()


# Someone whose change form pinged within this time still has the story open.
PRESENCE_WINDOW = datetime.timedelta(minutes=2)


class EditingSessionQuerySet(models.QuerySet):
    def current(self, now=None):
        """The sessions of people who have the story open at ``now`` (the
        present unless given): their form pinged within PRESENCE_WINDOW."""
        return self.filter(seen_at__gte=(now or timezone.now()) - PRESENCE_WINDOW)
