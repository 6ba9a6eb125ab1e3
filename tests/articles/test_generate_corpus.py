import pytest
from django.core.management import call_command

from articles.models import Article, ArticleEntity
from articles.search import search_stories
from entities.models import Entity

pytestmark = pytest.mark.django_db


def test_generate_corpus_fills_a_searchable_skewed_newsroom(capsys):
    call_command("generate_corpus", stories=300, entities=60, seed=7)
    assert Article.objects.count() == 300
    assert Entity.objects.count() == 60
    story = Article.objects.published().first()
    assert 600 <= len(story.body_text.split()) <= 1_700
    # Built in Python, the stored vector matches what search asks for.
    first_word = story.body_text.split()[3].strip(".,")
    assert search_stories(Article.objects.published(), first_word).exists()
    # Zipf-like: the first entity (BMW Group) is in far more stories than most.
    bmw = Entity.objects.get(name="BMW Group")
    counts = sorted(
        ArticleEntity.objects.filter(entity=e).count() for e in Entity.objects.all()
    )
    assert (
        ArticleEntity.objects.filter(entity=bmw).count() > counts[len(counts) // 2] * 3
    )
    assert "Corpus ready." in capsys.readouterr().out
