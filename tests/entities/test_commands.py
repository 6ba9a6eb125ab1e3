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
    said = [
        why
        for reasons in MentionSuggestion.objects.filter(
            entity__slug="bmw-group"
        ).values_list("reasons", flat=True)
        for why in reasons
    ]
    assert said
    assert all(why.startswith("chosen over BMW: ") for why in said)


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
    index_line, detection_line, cpu_line = out.getvalue().splitlines()
    assert re.fullmatch(
        r"Index: 500 entities, [\d,]+ names and aliases, [\d,]+ patterns, built in "
        r"[\d.]+ s \((within|OVER) the 5 s target\)",
        index_line,
    )
    assert re.fullmatch(
        r"Detection: \d+-word story, \d+ entities found \(\d+ left as a choice\); "
        r"median [\d.]+ ms, p95 [\d.]+ ms over 5 runs \((within|OVER) the 1 ms "
        r"median target\)",
        detection_line,
    )
    assert re.fullmatch(r"CPU time: median [\d.]+ ms, p95 [\d.]+ ms", cpu_line)


def test_eval_mentions_meets_the_targets_on_both_parts_of_the_set():
    """The labelled stories of bench/mentions/: precision at least 0.98,
    recall at least 0.95, nothing suggested on stories that name no entity."""
    out = io.StringIO()
    call_command("eval_mentions", stdout=out)
    output = out.getvalue()
    figures = re.findall(
        r"(dev|heldout): precision ([\d.]+) \(target 0.98\), recall ([\d.]+) "
        r"\(target 0.95\), F1 ([\d.]+)",
        output,
    )
    assert [split for split, *_ in figures] == ["dev", "heldout"], output
    for _, precision, recall, _ in figures:
        assert float(precision) >= 0.98, output
        assert float(recall) >= 0.95, output
    assert output.count("suggestions on no-entity stories: 0") == 2, output
    assert "Below target" not in output
    # Every trap kind has its line of figures.
    for kind in ("case", "ambiguity", "former_parent", "plural_possessive"):
        assert re.search(rf"^  {kind} +\d+ +[\d.]+", output, re.MULTILINE), kind
    for kind in ("people", "no_entity", "plain", "ALL \\(micro\\)"):
        assert re.search(rf"^  {kind} +\d+ +[\d.]+", output, re.MULTILINE), kind


def test_eval_mentions_lists_every_miss_and_false_positive(monkeypatch):
    """A detector that finds nothing misses every labelled entity, and says
    which; one that suggests a company in every story is wrong on each."""
    from entities import evaluation
    from entities.detection import Mention, MentionIndex

    monkeypatch.setattr(MentionIndex, "find", lambda self, *texts, section="": [])
    out = io.StringIO()
    call_command("eval_mentions", "--split", "dev", stdout=out)
    output = out.getvalue()
    wanted = sum(len(story.gold) for story in evaluation.load_stories("dev"))
    assert output.count("  MISS ") == wanted
    assert "MISS people-wei [people]: great-wall-motor" in output
    assert "dev: precision 1.000 (target 0.98), recall 0.000" in output
    assert "Below target." in output

    monkeypatch.setattr(
        MentionIndex, "find", lambda self, *texts, section="": [Mention((1,), 1, ["X"])]
    )
    out = io.StringIO()
    call_command("eval_mentions", "--split", "dev", stdout=out)
    assert "FALSE POSITIVE none-heatwave [no_entity]: bmw-group (“X”)" in out.getvalue()
    assert "suggestions on no-entity stories: 5" in out.getvalue()


def test_eval_mentions_counts_a_choice_left_open_as_a_miss(monkeypatch):
    from entities.detection import Mention, MentionIndex

    # BMW Group or the BMW brand, in every story: never decided.
    monkeypatch.setattr(
        MentionIndex,
        "find",
        lambda self, *texts, section="": [Mention((1, 2), 1, ["BMW"])],
    )
    out = io.StringIO()
    call_command("eval_mentions", "--split", "dev", stdout=out)
    output = out.getvalue()
    assert (
        "MISS amb-bmw-group [ambiguity]: bmw-group (left as a choice: bmw-group / bmw)"
        in output
    )
    assert "CHOICE OFFERED none-heatwave: bmw-group / bmw" in output
    assert "dev: precision 1.000 (target 0.98), recall 0.000" in output
