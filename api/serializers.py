"""The project's own shape, for what ninjs has no format for: companies,
people and brands with their aliases, roles and relationships; sections,
tags and authors. Stories are ninjs (api/ninjs.py); ``StorySerializer``
describes that shape for the OpenAPI description and builds it."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from api import ninjs
from articles.models import Author, Section
from entities.models import CompanyRelationship, Entity, Role


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """A link on the site (``get_absolute_url``) or in the API (a URL name)."""

    def __init__(self, url_name: str | None = None, **kwargs):
        self.url_name = url_name
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if self.url_name:
            return ninjs.absolute(reverse(self.url_name, kwargs={"slug": value.slug}))
        return ninjs.absolute(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlOfEntityField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, entity):
        return ninjs.absolute(ninjs.api_url_of(entity))


class PictureSerializer(serializers.Serializer):
    href = serializers.SerializerMethodField()
    alt = serializers.CharField(source="alt_text")
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_href(self, image) -> str:
        return ninjs.absolute(image.file.url)


class SectionSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField(help_text="The section's page on the site.")
    stories = serializers.SerializerMethodField(
        help_text="The API's list of the section's stories."
    )

    class Meta:
        model = Section
        fields = ["name", "slug", "description", "url", "stories"]

    def get_stories(self, section) -> str:
        return ninjs.absolute(f"{reverse('api:stories')}?section={section.slug}")


class TagSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    stories = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ["name", "slug", "url", "stories"]

    def get_url(self, tag) -> str:
        return ninjs.absolute(reverse("articles:tag", kwargs={"slug": tag.slug}))

    def get_stories(self, tag) -> str:
        return ninjs.absolute(f"{reverse('api:stories')}?tag={tag.slug}")


class AuthorSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField(help_text="The author's page on the site.")
    api_url = AbsoluteUrlField("api:author")
    photo = PictureSerializer(allow_null=True)
    stories = serializers.SerializerMethodField()

    class Meta:
        model = Author
        fields = ["name", "slug", "job_title", "bio", "photo", "url", "api_url"]
        fields += ["stories"]

    def get_stories(self, author) -> str:
        return ninjs.absolute(f"{reverse('api:stories')}?author={author.slug}")


class EntityRefSerializer(serializers.ModelSerializer):
    """Another company, person or brand, as a link."""

    api_url = ApiUrlOfEntityField()

    class Meta:
        model = Entity
        fields = ["kind", "name", "slug", "api_url"]


class EntitySummarySerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    url = AbsoluteUrlField(help_text="The entity's page on the site.")
    api_url = ApiUrlOfEntityField()

    class Meta:
        model = Entity
        fields = ["kind", "name", "slug", "aliases", "url", "api_url"]


class RoleSerializer(serializers.ModelSerializer):
    person = EntityRefSerializer()
    company = EntityRefSerializer()
    current = serializers.BooleanField(source="is_current")

    class Meta:
        model = Role
        fields = ["person", "company", "title", "start_date", "end_date", "current"]


class RelationshipSerializer(serializers.ModelSerializer):
    """A tie between two companies, read from the side of the one asked
    about (``context["company"]``): "Parent company of" from one side is
    "Subsidiary of" from the other."""

    company = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = CompanyRelationship
        fields = [
            "company",
            "kind",
            "description",
            "status",
            "start_date",
            "end_date",
            "note",
        ]

    def get_company(self, relationship) -> dict:
        other = relationship.other_company(self.context["company"])
        return EntityRefSerializer(other).data

    def get_description(self, relationship) -> str:
        return relationship.wording_for(self.context["company"])


class EntityDetailSerializer(EntitySummarySerializer):
    image = PictureSerializer(allow_null=True)
    stories = serializers.SerializerMethodField(
        help_text="The API's list of the stories that cover it."
    )

    class Meta(EntitySummarySerializer.Meta):
        fields = [
            *EntitySummarySerializer.Meta.fields,
            "description",
            "country",
            "website",
            "image",
            "stories",
        ]

    def get_stories(self, entity) -> str:
        return ninjs.absolute(f"{reverse('api:stories')}?entity={entity.slug}")


class CompanySerializer(EntityDetailSerializer):
    headquarters = serializers.CharField(source="company.headquarters")
    founded = serializers.IntegerField(source="company.founded", allow_null=True)
    brands = EntityRefSerializer(source="company.brands", many=True)
    roles = RoleSerializer(source="company.roles", many=True)
    relationships = serializers.SerializerMethodField()

    class Meta(EntityDetailSerializer.Meta):
        fields = [
            *EntityDetailSerializer.Meta.fields,
            "headquarters",
            "founded",
            "brands",
            "roles",
            "relationships",
        ]

    def get_relationships(self, entity) -> list[dict]:
        company = entity.company
        return RelationshipSerializer(
            [*company.relationships_from.all(), *company.relationships_to.all()],
            many=True,
            context={"company": company},
        ).data


class PersonSerializer(EntityDetailSerializer):
    roles = RoleSerializer(source="person.roles", many=True)

    class Meta(EntityDetailSerializer.Meta):
        fields = [*EntityDetailSerializer.Meta.fields, "roles"]


class BrandSerializer(EntityDetailSerializer):
    owner = EntityRefSerializer(source="brand.owner", allow_null=True)
    founded = serializers.IntegerField(source="brand.founded", allow_null=True)

    class Meta(EntityDetailSerializer.Meta):
        fields = [*EntityDetailSerializer.Meta.fields, "owner", "founded"]


class HeadlineSerializer(serializers.Serializer):
    role = serializers.CharField()
    value = serializers.CharField()


class StorySerializer(serializers.Serializer):
    """A story in IPTC ninjs 2.1: the main fields are declared here for the
    OpenAPI description; api/ninjs.py builds the whole object, and
    api/schemas/ninjs-schema_2.1.json is the authority on its shape."""

    uri = serializers.CharField(help_text="The story's identifier for ever.")
    type = serializers.CharField(default="text")
    representationtype = serializers.ChoiceField(["full", "partial"])
    version = serializers.CharField(help_text="Raised by every save.")
    firstcreated = serializers.DateTimeField(help_text="First published.")
    versioncreated = serializers.DateTimeField(help_text="This version saved.")
    pubstatus = serializers.ChoiceField(["usable", "canceled"])
    slugline = serializers.CharField()
    headlines = HeadlineSerializer(many=True)
    descriptions = HeadlineSerializer(
        many=True, help_text="summary (the standfirst), correction, withdrawal"
    )
    bodies = serializers.ListField(
        child=serializers.DictField(), help_text="The body as HTML (full only)."
    )
    by = serializers.CharField(help_text="The byline.")
    subjects = serializers.ListField(
        child=serializers.DictField(), help_text="section, tags (rel) and brands"
    )
    people = serializers.ListField(
        child=serializers.DictField(), help_text="authors and people named"
    )
    organisations = serializers.ListField(child=serializers.DictField())
    associations = serializers.ListField(
        child=serializers.DictField(),
        help_text="featureimage: the lead picture with its renditions",
    )

    def __init__(self, *args, full: bool = True, **kwargs):
        self.full = full
        super().__init__(*args, **kwargs)

    def to_representation(self, article):
        return ninjs.story(article, full=self.full)
