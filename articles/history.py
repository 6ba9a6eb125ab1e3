"""Reading a story's saved versions (kept by django-reversion) back as text."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.safestring import SafeString
from reversion.models import Version
from taggit.models import Tag

from articles.diff import Passage, changed_passages, inline_diff
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Image,
    Section,
    TaggedArticle,
)
from entities.models import Entity
from newsroom.text import html_to_text


def versions_of(article: Article):
    """Newest first, with who saved each and why."""
    return Version.objects.get_for_object(article).select_related("revision__user")


@dataclass
class Snapshot:
    """What a version of a story said, resolved to ids and readable names."""

    fields: dict
    author_ids: list[int]
    entity_ids: list[int]
    tag_names: list[str]

    def form_initial(self) -> dict:
        """Initial data for the story's admin form: the restore of this version."""
        return {
            "headline": self.fields.get("headline", ""),
            "slug": self.fields.get("slug", ""),
            "dek": self.fields.get("dek", ""),
            "body": self.fields.get("body", ""),
            "section": self.fields.get("section_id"),
            "lead_image": self.fields.get("lead_image_id"),
            "byline_authors": self.author_ids,
            "linked_entities": self.entity_ids,
            "tags": self.tag_names,
        }


def snapshot(version: Version) -> Snapshot:
    article_id = int(version.object_id)
    related = version.revision.version_set.select_related("content_type")
    # A version's field_dict is keyed by attname: "article_id", not "article".
    rows = {Byline: [], ArticleEntity: [], TaggedArticle: []}
    types = ContentType.objects.get_for_models(*rows)
    for other in related:
        for model, content_type in types.items():
            if other.content_type_id == content_type.pk:
                data = other.field_dict
                owner = data.get("article_id", data.get("content_object_id"))
                if owner == article_id:
                    rows[model].append(data)
    bylines = sorted(rows[Byline], key=lambda data: data.get("order", 0))
    tag_ids = [data["tag_id"] for data in rows[TaggedArticle]]
    tag_names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    return Snapshot(
        fields=version.field_dict,
        author_ids=[data["author_id"] for data in bylines],
        entity_ids=[data["entity_id"] for data in rows[ArticleEntity]],
        tag_names=sorted(tag_names[pk] for pk in tag_ids if pk in tag_names),
    )


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: SafeString

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _names(model, ids, field="name"):
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
    return ", ".join(names.get(pk, f"(deleted #{pk})") for pk in ids)


def readable(snap: Snapshot) -> dict[str, str]:
    fields = snap.fields
    section = fields.get("section_id")
    image = fields.get("lead_image_id")
    return {
        "Headline": fields.get("headline", ""),
        "Slug": fields.get("slug", ""),
        "Standfirst": fields.get("dek", ""),
        "Body": html_to_text(fields.get("body", "")),
        "Section": _names(Section, [section]) if section else "",
        "Authors": _names(Author, snap.author_ids),
        "Companies, people and brands": _names(Entity, sorted(snap.entity_ids)),
        "Tags": ", ".join(snap.tag_names),
        "Lead image": _names(Image, [image], "alt_text") if image else "",
        "Status": dict(Article.Status.choices).get(fields.get("status"), ""),
    }


def compare(old: Snapshot, new: Snapshot) -> list[FieldChange]:
    before, after = readable(old), readable(new)
    return [
        FieldChange(
            label, before[label], after[label], inline_diff(before[label], after[label])
        )
        for label in after
    ]


# How many versions before a correction's are read to find the one readers
# saw before it: a story is rarely saved that often between public states.
LOOK_BACK = 20


def was_public(version: Version) -> bool:
    """Whether readers could see this version when it was saved: published,
    and its publish time come."""
    fields = version.field_dict
    published_at = fields.get("published_at")
    return (
        fields.get("status") == Article.Status.PUBLISHED
        and published_at is not None
        and published_at <= version.revision.date_created
    )


def what_a_correction_changed(correction) -> list[Passage] | None:
    """The passages of the headline, standfirst and body that the version a
    correction came with changed, against the last version readers saw
    before it: None when there is no such pair to compare (the correction
    changed no text, or its versions are gone). Never a draft's text: both
    sides were public when they were saved."""
    if correction.version is None or not was_public(correction.version):
        return None
    earlier = (
        versions_of(correction.article)
        .filter(pk__lt=correction.version_id)
        .order_by("-pk")[:LOOK_BACK]
    )
    before = next((version for version in earlier if was_public(version)), None)
    if before is None:
        return None
    old, new = before.field_dict, correction.version.field_dict
    return [
        passage
        for label, field, as_text in (
            ("Headline", "headline", str),
            ("Standfirst", "dek", str),
            ("Body", "body", html_to_text),
        )
        for passage in changed_passages(
            label, as_text(old.get(field) or ""), as_text(new.get(field) or "")
        )
    ]
