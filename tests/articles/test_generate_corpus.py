import pytest
from django.core.management import call_command

from articles.models import Article, ArticleEntity, SearchWord
from articles.search import search_stories
from entities.models import Entity

pytestmark = pytest.mark.django_db


def test_generate_corpus_fills_a_searchable_skewed_newsroom(capsys):
    call_command("generate_corpus", stories=300, entities=1_000, seed=7)
    assert Article.objects.count() == 300
    assert Entity.objects.count() == 1_000
    story = Article.objects.published().first()
    assert 600 <= len(story.body_text.split()) <= 1_700
    # Built in Python, the stored vector matches what search asks for.
    words = [w.strip(".,") for w in story.body_text.split("\n")[1].split()]
    published = Article.objects.published()
    word = next(w for w in words if len(w) > 4)  # not a stop word
    assert search_stories(published, word).filter(pk=story.pk).exists()
    # Positions are right: a phrase from the middle of the body is found.
    phrase = f'"{words[5]} {words[6]} {words[7]}"'
    assert search_stories(published, phrase).filter(pk=story.pk).exists()
    # Zipf-like: the first entity (BMW Group) is the most covered, in about
    # a tenth of the stories.
    counts = {
        e.name: ArticleEntity.objects.filter(entity=e).count()
        for e in Entity.objects.all()
    }
    assert max(counts, key=counts.get) == "BMW Group"
    assert 0.05 <= counts["BMW Group"] / 300 <= 0.2
    assert "Corpus ready." in capsys.readouterr().out


def test_bench_pages_times_every_page(capsys, settings):
    call_command("generate_corpus", stories=40, entities=20, seed=3)
    call_command("bench_pages", requests=2, deep_page=3)
    out = capsys.readouterr().out
    for page in [
        "home",
        "story",
        "section page 1",
        "BMW Group page 1",
        "search: phrase",
        "search: misspelled word",
        "search: misspelled name",
        "admin: story list",
        "admin: change form",
        "sitemap index",
        "sitemap: entities",
    ]:
        line = next(line for line in out.splitlines() if line.startswith(page))
        assert " 200 " in line, line
    assert "Search plan" in out


def test_the_corpus_fills_the_lexicon_misspellings_are_corrected_against():
    call_command("generate_corpus", stories=40, entities=20, seed=3)
    assert SearchWord.objects.filter(word="electric").exists()
    assert SearchWord.objects.filter(word="bmw").exists()
