import time
import pytest
from django.core.management import call_command
from articles.models import Article
from entities.mentions import mentions_in, per_entity
from entities.models import Entity
from articles import demo_content as demo

pytestmark = pytest.mark.django_db

def test_demo():
    t = time.perf_counter()
    call_command("load_demo", verbosity=0)
    print("load", time.perf_counter() - t)
    names = dict(Entity.objects.values_list("pk", "name"))
    slugs = dict(Entity.objects.values_list("pk", "slug"))
    for story in demo.STORIES:
        a = Article.objects.get(slug=story.slug)
        found = per_entity(mentions_in(a))
        clear = {slugs[k] for k, (c, w, amb) in found.items() if not amb}
        amb = {slugs[k] for k, (c, w, amb) in found.items() if amb}
        print(story.slug, "\n  listed", sorted(story.entities), "\n  clear", sorted(clear), "\n  amb", sorted(amb))
        print("  ", [( [names[i] for i in m.entity_ids], m.count, m.words) for m in mentions_in(a)])
