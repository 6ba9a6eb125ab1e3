import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    Image,
    Section,
)
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    EntityEvent,
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
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(hours=1)
            ),
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
