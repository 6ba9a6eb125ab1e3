import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles import search
from articles.querysets import (
    ArticleQuerySet,
    EditingSessionQuerySet,
    ImageQuerySet,
    PreviewLinkQuerySet,
)
from articles.richtext import sanitize_html
from articles.slugs import save_with_unique_slug
from newsroom.addresses import slug_url


class Section(models.Model):
    """A desk of the newsroom: Automotive, Business, Technology."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position in the site's navigation."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


class Image(models.Model):
    # Indexed: the media view finds an image by the name of its file.
    file = models.ImageField(
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        db_index=True,
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    file_size = models.PositiveIntegerField(editable=False, default=0)
    focal_x = models.FloatField(
        "focal point (across)",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right: crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point (down)",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top, 1 the bottom.",
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="image_alt_text_required"
            ),
        ]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        if self.file and not self.file_size:
            self.file_size = self.file.size
        super().save(*args, **kwargs)


class Rendition(models.Model):
    """A resized, cropped copy of an image in a modern format, made once when
    the image is uploaded and served from then on."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField(max_length=20)
    format = models.CharField(max_length=5)
    file = models.ImageField(
        upload_to="renditions/%Y/%m/",
        width_field="width",
        height_field="height",
        db_index=True,
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "format", "width"], name="rendition_unique"
            ),
        ]

    def __str__(self):
        return f"{self.image} ({self.spec}, {self.width}px, {self.format})"


class Author(models.Model):
    """A byline: the public face of a journalist, with a page of their stories."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account that writes under this byline.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        save_with_unique_slug(
            self,
            Author.objects.exclude(pk=self.pk),
            self.name,
            lambda: super(Author, self).save(*args, **kwargs),
        )

    def get_absolute_url(self):
        return slug_url("articles:author", self.slug)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The story's address. Prefilled from the headline.",
    )
    dek = models.CharField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="The sentence or two under the headline.",
    )
    body = ProseEditorField(
        blank=True,
        config={"extensions": settings.PROSE_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(through=TaggedArticle, blank=True)
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", blank=True
    )
    lead_image = models.ForeignKey(
        Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entities = models.ManyToManyField(
        "entities.Entity",
        through="ArticleEntity",
        related_name="articles",
        blank=True,
        verbose_name="companies, people and brands",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When readers see it. A time in the future schedules the story.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The “Updated” time readers see after a substantive change.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save, so that a stale save is detected.",
    )
    body_text = models.TextField(
        blank=True, editable=False, help_text="The body's words, for search."
    )
    search_vector = SearchVectorField(null=True, editable=False)
    withdrawal_notice = models.TextField(
        blank=True,
        help_text="Shown to readers at the story's address after it is withdrawn.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # The desk's word; the code's (and the tables') is "article".
        verbose_name = "story"
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-pk"]
        permissions = [
            (
                "publish_article",
                "Can publish, schedule, withdraw and request changes to stories",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_public_idx",
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_section_public_idx",
            ),
            models.Index(fields=["status", "-modified_at"], name="article_status_idx"),
            # The admin's story list: latest touched first, every status.
            models.Index(fields=["-modified_at", "-id"], name="article_modified_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self.body_text = search.body_text_of(self.body)
        if self.status == self.Status.PUBLISHED and not self.first_published_at:
            self.first_published_at = self.published_at
        save_with_unique_slug(
            self,
            Article.objects.exclude(pk=self.pk),
            self.headline,
            lambda: super(Article, self).save(*args, **kwargs),
        )
        search.update_search_vector(self)
        if self.status == self.Status.PUBLISHED:
            search.record_words(self)

    def get_absolute_url(self):
        return slug_url("articles:article", self.slug)

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        """Approved for publication at a time that has not come yet."""
        return self.status == self.Status.PUBLISHED and not self.is_published

    def state_label(self, *, time_only: bool = False) -> str:
        """The story's state as the desk says it: its status, or, for a story
        published but whose time has not come, "Scheduled for 11 Jun 2025,
        09:30" ("Scheduled for 09:30" with ``time_only``, where its day is
        already shown)."""
        if self.is_scheduled:
            when = timezone.localtime(self.published_at)
            form = "H:i" if time_only else "DATETIME_FORMAT"
            return f"Scheduled for {date_format(when, form)}"
        return self.get_status_display()

    @property
    def has_been_public(self):
        """Readers have seen it: its first publish time has come (a story
        scheduled but not yet out has not)."""
        return (
            self.first_published_at is not None
            and self.first_published_at <= timezone.now()
        )

    @property
    def byline_authors(self):
        """Authors in byline order (uses the ``bylines`` prefetch when there is one)."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def was_updated(self):
        return bool(
            self.updated_at
            and self.published_at
            and self.updated_at > self.published_at
        )


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_unique_author"
            ),
        ]
        indexes = [models.Index(fields=["author", "article"])]

    def __str__(self):
        return f"{self.author} on {self.article}"


class ArticleEntity(models.Model):
    """A company, person or brand a story is about (what entity pages list)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="entity_links"
    )
    entity = models.ForeignKey(
        "entities.Entity", on_delete=models.CASCADE, related_name="article_links"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "linked entity"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity"], name="article_entity_unique"
            ),
        ]
        indexes = [models.Index(fields=["entity", "article"])]

    def __str__(self):
        return f"{self.article} → {self.entity}"


class Correction(models.Model):
    """A dated note appended to a published story."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    version = models.ForeignKey(
        "reversion.Version",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The saved version of the story that made this correction.",
    )

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"Correction to {self.article} on {self.published_at:%d %b %Y}"


class SearchWord(models.Model):
    """A word of the public stories, as search folds it ("krueger",
    "brilliance"): the lexicon a misspelled search is corrected against
    (articles/spelling.py), through a trigram index on PostgreSQL."""

    word = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.word


class Transition(models.Model):
    """The audit log: one row per workflow step a story takes."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    comment = models.TextField(blank=True)
    publish_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "workflow step"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"])]

    def __str__(self):
        return f"{self.article}: {self.from_status} → {self.to_status}"


class EditorialComment(models.Model):
    """The desk's internal conversation about a story. Never public."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment on {self.article} by {self.author}"


class PreviewLink(models.Model):
    """A signed, expiring link that shows a story to someone without an account."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    recipient = models.CharField(
        max_length=200,
        help_text="Who the link is for: legal, a source, a partner desk.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()
    TOKEN_SALT = "articles.previewlink"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} for {self.recipient}"

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps(self.pk, salt=self.TOKEN_SALT)

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class SlugRedirect(models.Model):
    """An address a story had before its slug changed; it answers 301."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class Autosave(models.Model):
    """Work in progress from the change form, kept per person and story, so
    that a closed tab or an expired session loses nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, related_name="autosaves"
    )
    data = models.JSONField()
    base_version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_story",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(article__isnull=True),
                name="autosave_one_new_story",
            ),
        ]

    def __str__(self):
        return f"Autosave by {self.user} at {self.saved_at:%H:%M}"


class EditingSession(models.Model):
    """Who has a story open in the admin, refreshed while the form is open."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editing_sessions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    objects = EditingSessionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="editing_session_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.article}"


# Every save of a story keeps a version of it, with its bylines, entity links
# and tags (the admin and the workflow open the revisions).
reversion.register(Byline)
reversion.register(ArticleEntity)
reversion.register(TaggedArticle)
reversion.register(Article, follow=["bylines", "entity_links", "tagged_items"])
