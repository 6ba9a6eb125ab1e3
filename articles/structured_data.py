"""schema.org JSON-LD for story and entity pages (NewsArticle, BreadcrumbList,
Organization, Person, Brand), built from the objects the views already
loaded: no queries of its own."""

from django.conf import settings
from django.templatetags.static import static

from articles.templatetags.newsroom import web_url
from entities.models import Entity
from newsroom.addresses import fixed_url

SCHEMA_TYPE = {
    Entity.Kind.COMPANY: "Organization",
    Entity.Kind.PERSON: "Person",
    Entity.Kind.BRAND: "Brand",
}


def publisher(request) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_NAME,
        "url": request.build_absolute_uri(fixed_url("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def entity_reference(request, entity) -> dict:
    return reference(
        request, entity.kind, entity.name, entity.get_absolute_url(), entity.website
    )


def reference(request, kind: str, name: str, path: str, website: str) -> dict:
    data = {
        "@type": SCHEMA_TYPE[kind],
        "name": name,
        "url": request.build_absolute_uri(path),
    }
    if website := web_url(website):
        data["sameAs"] = [website]
    return data


def news_article(request, article, *, images, entities, authors, tags) -> dict:
    """``images``: absolute URLs of the lead image's renditions (16:9, 1:1,
    the 1200×630 social crop), as Google asks for several ratios.
    ``entities``: (kind, name, path, website) of each entity it links;
    ``authors`` in byline order; ``tags``."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline[:110],
        "description": article.dek,
        "articleSection": article.section.name,
        "inLanguage": "en-GB",
        "datePublished": article.published_at.isoformat()
        if article.published_at
        else None,
        "dateModified": (article.updated_at or article.published_at).isoformat()
        if article.published_at
        else None,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in authors
        ],
        "publisher": publisher(request),
        "keywords": [tag.name for tag in tags],
        "about": [reference(request, *e) for e in entities if e[0] != "person"],
        "mentions": [reference(request, *e) for e in entities],
    }
    if images:
        data["image"] = images
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def entity_page(request, entity) -> dict:
    data = {
        "@context": "https://schema.org",
        **entity_reference(request, entity),
        "description": entity.description,
        "alternateName": list(entity.alias_names),
    }
    if entity.image:
        data["image"] = request.build_absolute_uri(entity.image.file.url)
    founded = getattr(entity, "founded", None)
    if founded and entity.kind == Entity.Kind.COMPANY:
        data["foundingDate"] = str(founded)
    if getattr(entity, "headquarters", ""):
        data["location"] = entity.headquarters
    return {key: value for key, value in data.items() if value not in (None, [], "")}
