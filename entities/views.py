from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from entities.models import Brand, Company, CompanyRelationship, Person, Role


class EntityView(ListView):
    """An entity's profile, its relations and the public stories linked to it."""

    model = None
    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def get_entity_queryset(self):
        return self.model.objects.select_related("image").prefetch_related("aliases")

    def get_queryset(self):
        self.entity = get_object_or_404(
            self.get_entity_queryset(), slug=self.kwargs["slug"]
        )
        return (
            Article.objects.published()
            .filter(entity_links__entity=self.entity)
            .for_listing()
            .order_by("-published_at", "-pk")
        )

    def get_relations(self):
        return {}

    def get_template_names(self):
        return [f"entities/{self.entity.kind}_detail.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entity=self.entity, **self.get_relations(), **kwargs
        )


class CompanyView(EntityView):
    model = Company

    def get_relations(self):
        company = self.entity
        relationships = CompanyRelationship.objects.filter(
            Q(from_company=company) | Q(to_company=company)
        ).select_related("from_company", "to_company")
        return {
            "brands": company.brands.all(),
            "roles": Role.objects.filter(company=company).select_related("person"),
            "relationships": [
                {
                    "wording": relationship.wording_for(company),
                    "company": relationship.other_company(company),
                    "relationship": relationship,
                }
                for relationship in relationships
            ],
        }


class PersonView(EntityView):
    model = Person

    def get_relations(self):
        return {"roles": self.entity.roles.select_related("company")}


class BrandView(EntityView):
    model = Brand

    def get_entity_queryset(self):
        return super().get_entity_queryset().select_related("owner")
