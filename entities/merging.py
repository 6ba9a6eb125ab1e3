"""Merging a duplicate entity into the one the newsroom keeps."""

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal

from articles.models import ArticleEntity
from entities.models import (
    KIND_MODELS,
    Alias,
    Brand,
    CompanyRelationship,
    DetectionSettings,
    Entity,
    EntityEvent,
    EntityRedirect,
    ExclusionPhrase,
    MentionSuggestion,
    Quote,
    Role,
)

# Each kind's admin pages (and so its history) are its own model's.
# Sent inside the merge, before the duplicate is deleted, for apps that link
# to entities themselves (the story budget): receivers take ``keep`` and
# ``duplicate``, move their links and return {what: how many moved}.
entity_merging = Signal()


class MergeError(Exception):
    """A merge the rules refuse; the message is meant for the editor."""


def _move_unique(queryset, field: str, keep_id: int, *keys: str) -> int:
    """Point rows at the kept entity, dropping those it already has (the
    same values of ``keys``)."""
    already_kept = queryset.model.objects.filter(
        **{field: keep_id}, **{key: OuterRef(key) for key in keys}
    )
    queryset.filter(Exists(already_kept)).delete()
    return queryset.update(**{field: keep_id})


@transaction.atomic
def merge_entities(keep: Entity, duplicate: Entity, *, user) -> dict[str, int]:
    """Move everything about ``duplicate`` to ``keep`` and delete it, as
    ``user``.

    Story links, suggestions, aliases, "not this" phrases, roles,
    relationships, brands, quotes and events move; the duplicate's name
    becomes an alias and its address answers 301 with the kept page. The
    merge is in the admin's history of both (who, when, which into which).
    """
    if keep.pk == duplicate.pk:
        raise MergeError("Choose two different entities to merge.")
    if keep.kind != duplicate.kind:
        raise MergeError(
            f"{duplicate.name} is a {duplicate.get_kind_display().lower()} and "
            f"{keep.name} a {keep.get_kind_display().lower()}: only entities of "
            "the same kind can be merged."
        )
    # Lock both, in a fixed order, so two merges cannot interleave.
    list(
        Entity.objects.select_for_update()
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    )
    moved = {
        "story links": _move_unique(
            ArticleEntity.objects.filter(entity=duplicate),
            "entity_id",
            keep.pk,
            "article_id",
        ),
        "suggestions": _move_unique(
            MentionSuggestion.objects.filter(entity=duplicate),
            "entity_id",
            keep.pk,
            "article_id",
        ),
        "aliases": _move_unique(
            Alias.objects.filter(entity=duplicate), "entity_id", keep.pk, "name"
        ),
        "“not this” phrases": _move_unique(
            ExclusionPhrase.objects.filter(entity=duplicate),
            "entity_id",
            keep.pk,
            "phrase",
        ),
        "events": EntityEvent.objects.filter(entity=duplicate).update(entity=keep),
    }
    if keep.kind == Entity.Kind.PERSON:
        moved["roles"] = Role.objects.filter(person_id=duplicate.pk).update(
            person_id=keep.pk
        )
        # The same words in another story are another quote.
        moved["quotes"] = _move_unique(
            Quote.objects.filter(person_id=duplicate.pk),
            "person_id",
            keep.pk,
            "article_id",
            "text",
        )
    if keep.kind == Entity.Kind.COMPANY:
        moved["roles"] = Role.objects.filter(company_id=duplicate.pk).update(
            company_id=keep.pk
        )
        # A relationship between the two merged companies would be with itself.
        CompanyRelationship.objects.filter(
            from_company_id__in=[keep.pk, duplicate.pk],
            to_company_id__in=[keep.pk, duplicate.pk],
        ).delete()
        moved["relationships"] = CompanyRelationship.objects.filter(
            from_company_id=duplicate.pk
        ).update(from_company_id=keep.pk) + CompanyRelationship.objects.filter(
            to_company_id=duplicate.pk
        ).update(to_company_id=keep.pk)
        moved["brands"] = Brand.objects.filter(owner_id=duplicate.pk).update(
            owner_id=keep.pk
        )

    for _receiver, counts in entity_merging.send(
        Entity, keep=keep, duplicate=duplicate
    ):
        moved.update(counts or {})

    if duplicate.name.casefold() != keep.name.casefold():
        Alias.objects.get_or_create(entity=keep, name=duplicate.name)
    EntityRedirect.objects.filter(entity=duplicate).update(entity=keep)
    EntityRedirect.objects.update_or_create(
        kind=duplicate.kind, old_slug=duplicate.slug, defaults={"entity": keep}
    )
    record_merge(keep, duplicate, moved, user)
    # Deleting the shared row cascades to the kind's own table.
    Entity.objects.filter(pk=duplicate.pk).delete()
    DetectionSettings.bump_index_version()
    return moved


def record_merge(keep: Entity, duplicate: Entity, moved: dict[str, int], user):
    """The merge in the admin's history: on the kept entity's page, and as
    the duplicate's deletion (its history page outlives it in the log)."""
    what = ", ".join(f"{count} {name}" for name, count in moved.items() if count)
    content_type = ContentType.objects.get_for_model(KIND_MODELS[keep.kind])
    entries = [
        (
            keep,
            CHANGE,
            f"Merged {duplicate.name} (#{duplicate.pk}, /{duplicate.slug}/) into "
            f"this {keep.get_kind_display().lower()}"
            + (f": moved {what}." if what else "."),
        ),
        (duplicate, DELETION, f"Merged into {keep.name} (#{keep.pk})."),
    ]
    LogEntry.objects.bulk_create(
        LogEntry(
            user=user,
            content_type=content_type,
            object_id=str(entity.pk),
            object_repr=str(entity)[:200],
            action_flag=flag,
            change_message=message,
        )
        for entity, flag, message in entries
    )
