"""Companies, people and brands the newsroom covers, and how they relate.

The three kinds share one ``Entity`` table (multi-table inheritance), so that
aliases, story links and mention detection treat every kind alike, while
each kind keeps its own fields in its own table.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.slugs import save_with_unique_slug
from newsroom.addresses import slug_url


class Entity(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        PERSON = "person", "Person"
        BRAND = "brand", "Brand"

    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        blank=True,
        help_text="Used in the page's address. Leave empty to derive it from the name.",
    )
    description = models.TextField(blank=True)
    image = models.ForeignKey(
        "articles.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    # Database defaults too: the corpus generator writes rows with COPY.
    case_sensitive = models.BooleanField(
        "name is case-sensitive",
        default=False,
        db_default=False,
        help_text="For a name that is also an ordinary word (Tank, Tesla, "
        "Brilliance): stories must write it with this capitalisation, and a "
        "capital at the start of a sentence or in a headline needs support "
        "from the rest of the story.",
    )
    context_words = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="Words that, in a story, point to this entity rather than a "
        "namesake, comma-separated (for AB Volvo: “trucks, buses, haulage”). "
        "A section's name counts too (“Cars”).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="entity_unique_slug"),
            # Its page's address is its kind's: an entity is always one.
            models.CheckConstraint(
                condition=models.Q(kind__in=["company", "person", "brand"]),
                name="entity_has_a_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.kind not in self.Kind.values:
            raise ValueError(
                "An entity is a company, a person or a brand: create it as a "
                "Company, Person or Brand, which set its kind."
            )
        save_with_unique_slug(
            self,
            Entity.objects.filter(kind=self.kind).exclude(pk=self.pk),
            self.name,
            lambda: super(Entity, self).save(*args, **kwargs),
        )

    def get_absolute_url(self):
        return slug_url(f"entities:{self.kind}", self.slug)

    @property
    def context_word_list(self) -> list[str]:
        return [w.strip() for w in self.context_words.split(",") if w.strip()]


class Company(Entity):
    headquarters = models.CharField(max_length=200, blank=True)
    founded = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year founded."
    )

    class Meta:
        verbose_name_plural = "companies"

    def save(self, *args, **kwargs):
        self.kind = Entity.Kind.COMPANY
        super().save(*args, **kwargs)


class Person(Entity):
    short_name = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="What stories call them after the first mention: “Krueger”, or "
        "“Wei” for Wei Jianjun, whose family name comes first. Empty: the last "
        "word of the name.",
    )

    class Meta:
        verbose_name_plural = "people"

    def save(self, *args, **kwargs):
        self.kind = Entity.Kind.PERSON
        super().save(*args, **kwargs)


class Brand(Entity):
    owner = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brands",
        help_text="The company that owns the brand.",
    )
    founded = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year founded."
    )

    def save(self, *args, **kwargs):
        self.kind = Entity.Kind.BRAND
        super().save(*args, **kwargs)


# Each kind's own model: the table that holds what only that kind has.
KIND_MODELS = {
    Entity.Kind.COMPANY: Company,
    Entity.Kind.PERSON: Person,
    Entity.Kind.BRAND: Brand,
}


class Alias(models.Model):
    """Another name the text may use for an entity ("BMW AG", "Krüger")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    case_sensitive = models.BooleanField(
        default=False,
        help_text="Match only with this exact capitalisation (MINI, not mini).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "name"], name="alias_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class DatedQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on),
            Q(end_date__isnull=True) | Q(end_date__gte=on),
        )


def _dates_in_order(prefix):
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True)
        | Q(start_date__isnull=True)
        | Q(end_date__gte=models.F("start_date")),
        name=f"{prefix}_dates_in_order",
    )


class Role(models.Model):
    """A person's title at a company, for a span of time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200)
    press_titles = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other ways stories name this title, comma-separated "
        "(“CEO, chief executive”), for the stale-title check.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = [models.F("end_date").desc(nulls_first=True), "-start_date"]
        constraints = [_dates_in_order("role")]

    def __str__(self):
        return f"{self.person}, {self.title}, {self.company}"

    @property
    def is_current(self):
        return self.held_on(timezone.localdate())

    def held_on(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or self.end_date >= day
        )

    @property
    def all_titles(self) -> list[str]:
        return [self.title] + [
            t.strip() for t in self.press_titles.split(",") if t.strip()
        ]


class CompanyRelationship(models.Model):
    """A dated tie between two companies, read correctly from either side."""

    class Kind(models.TextChoices):
        JOINT_VENTURE = "joint_venture", "Joint venture"
        SUBSIDIARY = "subsidiary", "Subsidiary"
        PARTNERSHIP = "partnership", "Partnership"
        LETTER_OF_INTENT = "letter_of_intent", "Letter of intent"
        SUPPLIER = "supplier", "Supplier"
        INVESTOR = "investor", "Investor"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_TALKS = "in_talks", "In talks"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    # How the tie reads from each side: (from the first company, from the second).
    WORDING = {
        Kind.JOINT_VENTURE: ("Joint venture with", "Joint venture with"),
        Kind.SUBSIDIARY: ("Parent company of", "Subsidiary of"),
        Kind.PARTNERSHIP: ("Partner of", "Partner of"),
        Kind.LETTER_OF_INTENT: ("Letter of intent with", "Letter of intent with"),
        Kind.SUPPLIER: ("Supplier to", "Supplied by"),
        Kind.INVESTOR: ("Investor in", "Backed by"),
    }

    from_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            _dates_in_order("relationship"),
            models.CheckConstraint(
                condition=~Q(from_company=models.F("to_company")),
                name="relationship_between_two_companies",
            ),
        ]

    def __str__(self):
        return f"{self.from_company} – {self.to_company}: {self.get_kind_display()}"

    def other_company(self, company):
        return (
            self.to_company if company.pk == self.from_company_id else self.from_company
        )

    def wording_for(self, company):
        first, second = self.WORDING[self.kind]
        return first if company.pk == self.from_company_id else second


class ExclusionPhrase(models.Model):
    """Words that contain an entity's name but are not about it
    ("Great Wall of China" is not Great Wall Motor)."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="exclusion_phrases"
    )
    phrase = models.CharField(max_length=200)

    class Meta:
        verbose_name = "“not this” phrase"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "phrase"], name="exclusion_phrase_unique"
            ),
        ]

    def __str__(self):
        return self.phrase


class DetectionSettings(models.Model):
    """The newsroom's one row of mention-detection settings.

    ``index_version`` goes up whenever a name, alias or “not this” phrase
    changes, so that every app server rebuilds its matcher.
    """

    auto_accept = models.BooleanField(
        "auto-accept unambiguous mentions",
        default=False,
        help_text="Link a story to every entity it clearly mentions when it is "
        "saved, without waiting for someone to accept the suggestion.",
    )
    index_version = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "mention detection settings"
        verbose_name_plural = "mention detection settings"

    def __str__(self):
        return "Mention detection settings"

    @classmethod
    def load(cls):
        # Read first: get_or_create() reads from the primary even when the
        # row is there, and readers' pages read from a replica.
        settings = cls.objects.filter(pk=1).first()
        return settings or cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def bump_index_version(cls):
        cls.objects.get_or_create(pk=1)
        cls.objects.filter(pk=1).update(index_version=models.F("index_version") + 1)


class MentionSuggestion(models.Model):
    """An entity that detection found in a story, and what the desk decided."""

    class State(models.TextChoices):
        PENDING = "pending", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="suggestions"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="suggestions"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    matched_words = models.JSONField(default=list)
    count = models.PositiveIntegerField(default=0)
    ambiguous = models.BooleanField(
        default=False,
        help_text="The words also name other entities: a person must choose.",
    )
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Why detection read the words as this entity, where that "
        "needed deciding (an ambiguity resolved from the story's context).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity"], name="suggestion_unique"
            ),
        ]
        indexes = [models.Index(fields=["article", "state"])]

    def __str__(self):
        return f"{self.entity} in {self.article}"


class EntityEvent(models.Model):
    """A dated milestone on an entity's timeline: a chief executive
    appointed, a joint venture signed, a model launched."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    stories = models.ManyToManyField(
        "articles.Article",
        blank=True,
        related_name="entity_events",
        help_text="The stories behind this event.",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["entity", "-date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class Quote(models.Model):
    """Words a story attributes to a person, confirmed by the desk before a
    person's page shows them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="quotes")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="quotes"
    )
    text = models.TextField()
    confirmed = models.BooleanField(
        default=False,
        help_text="Checked by the desk: only confirmed quotes appear on the "
        "person's page.",
    )
    detected = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "article", "text"], name="quote_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person}: “{self.text[:60]}”"


class EntityRedirect(models.Model):
    """The address of an entity merged into another; it answers 301."""

    kind = models.CharField(max_length=10, choices=Entity.Kind.choices)
    old_slug = models.SlugField(max_length=200)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "old_slug"], name="entity_redirect_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind}/{self.old_slug} → {self.entity}"
