"""The budget's part in merging two entities: an item about the duplicate is
about the entity the newsroom keeps (entities.merging sends the signal)."""

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from budget.models import BudgetItem
from entities.merging import entity_merging

ItemEntity = BudgetItem.entities.through


@receiver(entity_merging)
def move_budget_links(sender, keep, duplicate, **kwargs) -> dict[str, int]:
    links = ItemEntity.objects.filter(entity_id=duplicate.pk)
    links.filter(
        Exists(
            ItemEntity.objects.filter(
                entity_id=keep.pk, budgetitem_id=OuterRef("budgetitem_id")
            )
        )
    ).delete()
    return {"budget items": links.update(entity_id=keep.pk)}
