"""Measure mention detection on the labelled stories in bench/mentions/.

The set is a desk's entities (entities.toml, written as an editor would fill
in the admin) and stories with the entities an editor would link (dev.toml,
read while the rules were tuned; heldout.toml, not). Precision and recall
are micro-averaged over (story, entity) pairs; an ambiguity left for a
person to choose counts as a miss, never as a hit.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from entities.detection import EntityInfo, MentionIndex, Term, context_words

EVALUATION_SET = Path(__file__).resolve().parent.parent / "bench" / "mentions"
SPLITS = ("dev", "heldout")


@dataclass
class Story:
    id: str
    kind: str
    section: str
    headline: str
    body: str
    gold: frozenset[str]


@dataclass
class Outcome:
    story: Story
    found: set[str]  # entities suggested without a choice
    choices: list[tuple[str, ...]]  # ambiguities left to the editor
    words: dict[str, list[str]]
    reasons: dict[str, list[str]]

    @property
    def hits(self) -> set[str]:
        return self.found & self.story.gold

    @property
    def false_positives(self) -> set[str]:
        return self.found - self.story.gold

    @property
    def misses(self) -> set[str]:
        return self.story.gold - self.found


@dataclass
class Score:
    hits: int = 0
    false_positives: int = 0
    misses: int = 0
    stories: int = 0
    suggestions: int = 0  # everything shown, choices included

    @property
    def precision(self) -> float:
        shown = self.hits + self.false_positives
        return self.hits / shown if shown else 1.0

    @property
    def recall(self) -> float:
        wanted = self.hits + self.misses
        return self.hits / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, outcome: Outcome) -> None:
        self.hits += len(outcome.hits)
        self.false_positives += len(outcome.false_positives)
        self.misses += len(outcome.misses)
        self.stories += 1
        self.suggestions += len(outcome.found) + len(outcome.choices)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def score(self, kind: str | None = None) -> Score:
        score = Score()
        for outcome in self.outcomes:
            if kind is None or outcome.story.kind == kind:
                score.add(outcome)
        return score

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(o.story.kind for o in self.outcomes))


def load_entities(path: Path | None = None) -> tuple[list[Term], dict]:
    """Terms and entity facts for the matcher, keyed by slug order, and the
    slug of each id."""
    path = path or EVALUATION_SET / "entities.toml"
    with path.open("rb") as f:
        spec = tomllib.load(f)
    ids = {slug: n for n, slug in enumerate(spec, start=1)}
    related: dict[int, set[int]] = {n: set() for n in ids.values()}
    for slug, entity in spec.items():
        for other in [
            entity.get("owner"),
            *entity.get("related", []),
            *entity.get("roles", []),
        ]:
            if other:
                related[ids[slug]].add(ids[other])
                related[ids[other]].add(ids[slug])
    terms, infos = [], {}
    for slug, entity in spec.items():
        pk, person = ids[slug], entity["kind"] == "person"
        short = entity.get("short_name", "")
        terms.append(
            Term(
                pk,
                entity["name"],
                entity.get("case_sensitive", False),
                person,
                short_name=short,
            )
        )
        for alias in entity.get("aliases", []):
            cased = alias.startswith("=")
            terms.append(Term(pk, alias.lstrip("="), cased, person, short_name=short))
        for phrase in entity.get("not_this", []):
            terms.append(Term(pk, phrase, excludes=True))
        infos[pk] = EntityInfo(
            entity["name"],
            entity["kind"],
            frozenset(related[pk]),
            context_words(", ".join(entity.get("context", []))),
        )
    return terms, {"infos": infos, "slugs": {n: slug for slug, n in ids.items()}}


def load_stories(split: str) -> list[Story]:
    with (EVALUATION_SET / f"{split}.toml").open("rb") as f:
        stories = tomllib.load(f)["story"]
    return [
        Story(
            s["id"],
            s["kind"],
            s.get("section", ""),
            s["headline"],
            s["body"].strip(),
            frozenset(s["gold"]),
        )
        for s in stories
    ]


def paragraphs(body: str) -> str:
    """The body as detection reads it: one paragraph a line, a wrapped line
    of the file being a space."""
    return "\n".join(" ".join(p.split()) for p in body.split("\n\n"))


def evaluate(split: str, index: MentionIndex | None = None, slugs=None) -> Report:
    if index is None:
        terms, facts = load_entities()
        index, slugs = MentionIndex(terms, facts["infos"]), facts["slugs"]
    report = Report()
    for story in load_stories(split):
        mentions = index.find(
            story.headline, paragraphs(story.body), section=story.section
        )
        found, choices, words, reasons = set(), [], {}, {}
        for mention in mentions:
            named = tuple(slugs[pk] for pk in mention.entity_ids)
            if mention.ambiguous:
                choices.append(named)
            else:
                found.add(named[0])
            for slug in named:
                words.setdefault(slug, []).extend(mention.words)
                reasons.setdefault(slug, []).extend(mention.reasons)
        report.outcomes.append(Outcome(story, found, choices, words, reasons))
    return report
