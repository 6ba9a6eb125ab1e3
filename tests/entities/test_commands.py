"""The entity commands: rescan_mentions (after a new entity or alias) and
bench_detection."""

import io
import re

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleEntity
from entities.mentions import dismiss
from entities.models import MentionSuggestion
from tests.factories import AliasFactory, ArticleFactory, CompanyFactory

pytestmark = pytest.mark.django_db

SPOTLIGHT_DRAFT = "spotlight-automotive-bmw-great-wall-venture"
SUMMARY = re.compile(
    r"^Scanned (?P<stories>\d+) stor(?:y|ies) in [\d.]+ s: "
    r"(?P<found>\d+) mentions? found; "
    r"(?P<changed>\d+) stor(?:y|ies) (?:got|would get) (?P<linked>\d+) new links?; "
    r"(?P<pending>\d+) suggestions? wait for the desk; "
    r"(?P<dismissed>\d+) stay dismissed\.$",
    re.MULTILINE,
)


@pytest.fixture
def spotlight(demo_newsroom):
    """The joint venture's name, added to the demo after its stories."""
    company = CompanyFactory(name="Spotlight Automotive")
    AliasFactory(entity=company, name="Spotlight")
    return company


def rescan(*args):
    """Run rescan_mentions; return its output and its summary's numbers."""
    out = io.StringIO()
    call_command("rescan_mentions", *args, stdout=out)
    output = out.getvalue()
    summary = SUMMARY.search(output)
    assert summary, output
    return output, {key: int(value) for key, value in summary.groupdict().items()}


def state_of_the_newsroom():
    return (
        sorted(ArticleEntity.objects.values_list("article_id", "entity_id")),
        sorted(
            MentionSuggestion.objects.values_list("article_id", "entity_id", "state")
        ),
    )


def test_a_rescan_links_the_stories_that_mention_a_new_company(spotlight):
    draft = Article.objects.get(slug=SPOTLIGHT_DRAFT)
    assert spotlight not in draft.entities.all()

    output, summary = rescan()

    assert spotlight.entity_ptr in draft.entities.all()
    suggestion = draft.suggestions.get(entity=spotlight)
    assert (suggestion.state, suggestion.count) == (MentionSuggestion.State.ACCEPTED, 4)
    assert suggestion.matched_words == ["Spotlight Automotive"]
    # No other story names it.
    assert list(spotlight.article_links.values_list("article__slug", flat=True)) == [
        SPOTLIGHT_DRAFT
    ]
    assert summary["stories"] == Article.objects.count() == 12
    assert summary["linked"] >= 1
    assert "12 / 12 stories scanned" in output
    # "BMW" alone is the group or the brand: each demo story's context
    # (MINI, Great Wall, the group's chief) decides, and says so.
    assert not MentionSuggestion.objects.filter(ambiguous=True).exists()
    assert all(
        why.startswith("chosen over BMW: ")
        for reasons in MentionSuggestion.objects.filter(
            entity__slug="bmw-group"
        ).values_list("reasons", flat=True)
        for why in reasons
    )


def test_a_second_rescan_links_nothing_new(spotlight):
    rescan()
    before = state_of_the_newsroom()
    _, summary = rescan()
    assert summary["linked"] == summary["changed"] == 0
    assert state_of_the_newsroom() == before


def test_a_dry_run_changes_nothing(spotlight):
    before = state_of_the_newsroom()
    output, summary = rescan("--dry-run", "--batch-size", "5")
    assert state_of_the_newsroom() == before
    assert not MentionSuggestion.objects.exists()
    assert re.findall(r"(\d+) / 12 stories scanned", output) == ["5", "10", "12"]
    assert "would get" in output
    assert output.rstrip().endswith("Dry run: nothing was changed.")
    # It reports what a real run would do.
    assert summary == rescan()[1]


def test_suggest_only_links_nothing_but_leaves_suggestions(spotlight):
    links_before = state_of_the_newsroom()[0]
    _, summary = rescan("--suggest-only")
    assert state_of_the_newsroom()[0] == links_before
    assert summary["linked"] == 0
    draft = Article.objects.get(slug=SPOTLIGHT_DRAFT)
    suggestion = draft.suggestions.get(entity=spotlight)
    assert suggestion.state == MentionSuggestion.State.PENDING
    assert (
        summary["pending"]
        == MentionSuggestion.objects.filter(
            state=MentionSuggestion.State.PENDING
        ).count()
    )


def test_a_rescan_keeps_dismissals_and_can_keep_to_one_state(db):
    company = CompanyFactory(name="Spotlight Automotive")
    draft = ArticleFactory(draft=True, body="<p>Spotlight Automotive news.</p>")
    published = ArticleFactory(published=True, body="<p>Spotlight Automotive.</p>")
    rescan("--suggest-only")
    dismiss(draft.suggestions.get(entity=company))

    _, summary = rescan("--status", "published")
    assert (summary["stories"], summary["linked"]) == (1, 1)
    assert list(company.article_links.values_list("article", flat=True)) == [
        published.pk
    ]

    _, summary = rescan()
    assert summary["dismissed"] == 1
    assert not draft.entity_links.exists()


def test_bench_detection_reports_build_and_detection_times(db):
    out = io.StringIO()
    call_command(
        "bench_detection",
        "--entities",
        "500",
        "--aliases",
        "1500",
        "--words",
        "300",
        "--runs",
        "5",
        stdout=out,
    )
    index_line, detection_line = out.getvalue().splitlines()
    assert re.fullmatch(
        r"Index: 500 entities, 1,500 aliases, [\d,]+ patterns, built in [\d.]+ s "
        r"\((within|OVER) the 5 s target\)",
        index_line,
    )
    assert re.fullmatch(
        r"Detection: \d+-word story, \d+ entities found; median [\d.]+ ms, "
        r"p95 [\d.]+ ms over 5 runs \((within|OVER) the 5 ms target\)",
        detection_line,
    )
