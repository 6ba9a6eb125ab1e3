import datetime
import io

import factory
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    Image,
    PreviewLink,
    Section,
)
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    EntityEvent,
    ExclusionPhrase,
    Person,
    Quote,
    Role,
)


def jpeg_bytes(width=64, height=36, color=(20, 60, 120)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.test")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True


class SectionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")

    class Meta:
        model = Section


class ImageFactory(factory.django.DjangoModelFactory):
    alt_text = factory.Sequence(lambda n: f"A car on a test track, picture {n}")
    caption = "A prototype on the test track."
    credit = "Newsroom"
    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="test.jpg"))

    class Meta:
        model = Image


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Reporter {n}")
    job_title = "Automotive correspondent"

    class Meta:
        model = Author


class ArticleFactory(factory.django.DjangoModelFactory):
    headline = factory.Sequence(lambda n: f"Carmaker news number {n}")
    dek = "What the story is about, in a sentence."
    body = "<p>The body of the story.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.DRAFT

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        # One trait per workflow state, so that ``ArticleFactory(**{state: True})``
        # makes a story in any of them.
        draft = factory.Trait(status=Article.Status.DRAFT)
        in_review = factory.Trait(status=Article.Status.IN_REVIEW)
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(hours=1)
            ),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() + datetime.timedelta(days=1)
            ),
        )
        withdrawn = factory.Trait(
            status=Article.Status.WITHDRAWN,
            published_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(days=1)
            ),
            first_published_at=factory.SelfAttribute("published_at"),
            withdrawal_notice="This story was withdrawn for legal reasons.",
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        for order, author in enumerate(extracted or []):
            Byline.objects.create(article=self, author=author, order=order)

    @factory.post_generation
    def entities(self, create, extracted, **kwargs):
        for entity in extracted or []:
            ArticleEntity.objects.create(article=self, entity=entity)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.add(*extracted)


def article_form_data(article=None, **overrides):
    """POST data for the story's admin form: a new story, or ``article`` as it
    stands now (with its current ``base_version``), changed by ``overrides``."""
    if article is None:
        data = {
            "headline": "BMW and Great Wall in talks",
            "slug": "",
            "dek": "Electric MINIs could be built in China.",
            "body": "<p>Talks are <strong>going well</strong>.</p><script>x()</script>",
            "section": SectionFactory().pk,
            "base_version": "0",
        }
    else:
        article.refresh_from_db()
        data = {
            "headline": article.headline,
            "slug": article.slug,
            "dek": article.dek,
            "body": article.body,
            "section": article.section_id,
            "lead_image": article.lead_image_id or "",
            "byline_authors": [str(author.pk) for author in article.byline_authors],
            "linked_entities": [
                str(pk) for pk in article.entities.values_list("pk", flat=True)
            ],
            "tags": [tag.name for tag in article.tags.all()],
            "base_version": str(article.version),
        }
    data |= inline_management_data()
    data.update(overrides)
    return data


def inline_management_data():
    """Empty management forms for every inline of the story's admin form
    (corrections, quotes…), which the admin requires with every POST."""
    data = {}
    for inline in admin.site.get_model_admin(Article).inlines:
        for relation in Article._meta.related_objects:
            if relation.related_model is inline.model:
                prefix = relation.get_accessor_name()
                data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def publish_at_fields(when):
    """The Schedule time as the admin's split widget posts it, in the
    newsroom's time zone."""
    local = timezone.localtime(when)
    return {
        "workflow_publish_at_0": f"{local:%Y-%m-%d}",
        "workflow_publish_at_1": f"{local:%H:%M:%S}",
    }


def workflow_form_data(article, action, **overrides):
    """The change form of ``article`` posted with a workflow button, carrying
    what the step needs: a comment to send back or withdraw, a time (a day
    ahead) to schedule, a notice to readers to withdraw."""
    data = article_form_data(article, _workflow=str(action))
    if action in {"request_changes", "withdraw"}:
        data["workflow_comment"] = f"Comment on {action}: the second source is thin."
    if action == "schedule":
        data |= publish_at_fields(timezone.now() + datetime.timedelta(days=1))
    if action == "withdraw":
        data["workflow_public_notice"] = "Withdrawn pending a legal review."
    data.update(overrides)
    return data


class PreviewLinkFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    recipient = "Legal"
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(hours=48)
    )

    class Meta:
        model = PreviewLink


class CorrectionFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory, published=True)
    text = "An earlier version misstated the year."

    class Meta:
        model = Correction


class CompanyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Motor Company {n}")
    country = "Germany"

    class Meta:
        model = Company


class PersonFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Executive Person {n}")

    class Meta:
        model = Person


class BrandFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Marque {n}")
    owner = factory.SubFactory(CompanyFactory)

    class Meta:
        model = Brand


class AliasFactory(factory.django.DjangoModelFactory):
    entity = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")

    class Meta:
        model = Alias


class RoleFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    company = factory.SubFactory(CompanyFactory)
    title = "Chief executive"
    start_date = datetime.date(2015, 5, 13)

    class Meta:
        model = Role


class CompanyRelationshipFactory(factory.django.DjangoModelFactory):
    from_company = factory.SubFactory(CompanyFactory)
    to_company = factory.SubFactory(CompanyFactory)
    kind = CompanyRelationship.Kind.JOINT_VENTURE
    start_date = datetime.date(2003, 5, 1)

    class Meta:
        model = CompanyRelationship


class EntityEventFactory(factory.django.DjangoModelFactory):
    entity = factory.SubFactory(CompanyFactory)
    date = datetime.date(2018, 7, 10)
    title = "Letter of intent signed"

    class Meta:
        model = EntityEvent
        skip_postgeneration_save = True

    @factory.post_generation
    def stories(self, create, extracted, **kwargs):
        if extracted:
            self.stories.add(*extracted)


class QuoteFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    article = factory.SubFactory(ArticleFactory, published=True)
    text = "Ask me in autumn, I should know more then."
    confirmed = True

    class Meta:
        model = Quote


class ExclusionPhraseFactory(factory.django.DjangoModelFactory):
    entity = factory.SubFactory(CompanyFactory)
    phrase = factory.Sequence(lambda n: f"Not this motor {n}")

    class Meta:
        model = ExclusionPhrase


def make_demo_entities():
    """The demo's companies, brands and people, with their aliases, “not
    this” phrases, roles and relationships exactly as
    ``demo/content.py`` has them, keyed by slug. Much faster than
    ``load_demo``, which also draws a dozen stories' graphics."""
    from demo import content as demo

    made = {}

    def make(factory_class, spec, **extra):
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"aliases", "not_this", "owner"} and value is not None
        }
        entity = factory_class(**fields, **extra)
        for name, case_sensitive in spec["aliases"]:
            AliasFactory(entity=entity, name=name, case_sensitive=case_sensitive)
        for phrase in spec.get("not_this", []):
            ExclusionPhraseFactory(entity=entity, phrase=phrase)
        made[spec["slug"]] = entity

    for spec in demo.COMPANIES:
        make(CompanyFactory, spec)
    for spec in demo.BRANDS:
        make(BrandFactory, spec, owner=made[spec["owner"]])
    for spec in demo.PEOPLE:
        make(PersonFactory, spec)
    for spec in demo.ROLES:
        RoleFactory(
            **{**spec, "person": made[spec["person"]], "company": made[spec["company"]]}
        )
    for spec in demo.RELATIONSHIPS:
        CompanyRelationshipFactory(
            **{
                **spec,
                "from_company": made[spec["from_company"]],
                "to_company": made[spec["to_company"]],
            }
        )
    return made


def picture_bytes(
    width=64, height=36, image_format="JPEG", color=(20, 60, 120), mode="RGB", **save
):
    """A picture of any size and format; ``save`` goes to Pillow (exif=…)."""
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height), color).save(buffer, image_format, **save)
    return buffer.getvalue()


class RenderedImageFactory(ImageFactory):
    """An image as an upload leaves it: with every rendition made. 1200×675,
    so the social rendition is a full 1200×630."""

    file = factory.LazyFunction(
        lambda: ContentFile(picture_bytes(1200, 675), name="lead.jpg")
    )

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def renditions(self, create, extracted, **kwargs):
        if create:
            from articles.images import create_renditions

            create_renditions(self)


def stored_files(path="") -> set[str]:
    """Every file in the default storage (in memory in the tests)."""
    directories, files = default_storage.listdir(path)
    found = {f"{path}{name}" for name in files}
    for directory in directories:
        found |= stored_files(f"{path}{directory}/")
    return found


class BudgetItemFactory(factory.django.DjangoModelFactory):
    """A planned story, tomorrow in newsroom time; ``assignees`` and
    ``entities`` take lists."""

    slug_line = factory.Sequence(lambda n: f"STORY-{n}")
    section = factory.SubFactory(SectionFactory)
    planned_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=1)
    )
    status = "idea"

    class Meta:
        model = "budget.BudgetItem"
        skip_postgeneration_save = True

    @factory.post_generation
    def assignees(self, create, extracted, **kwargs):
        if extracted:
            self.assignees.set(extracted)

    @factory.post_generation
    def entities(self, create, extracted, **kwargs):
        if extracted:
            self.entities.set(extracted)
