"""From detected mentions to suggestions and links on a story."""

import datetime
import re

from django.db import transaction

from articles.models import Article, ArticleEntity, Section
from entities.detection import Mention, current_index
from entities.models import DetectionSettings, MentionSuggestion, Role
from newsroom.text import fold_accents, html_to_text

State = MentionSuggestion.State


_WHITESPACE = re.compile(r"\s+")


def body_text(body_html: str) -> str:
    """A body's words as readers see them, one paragraph a line: a line break
    or a run of spaces inside a paragraph's HTML is one space."""
    return html_to_text(_WHITESPACE.sub(" ", body_html or ""))


def story_text(headline: str, dek: str, body_html: str) -> str:
    """The text of a story that detection and the stale-title check read."""
    return "\n".join([headline, dek, body_text(body_html)])


def detect_mentions(
    headline: str, dek: str, body_html: str, *, section: str = ""
) -> list[Mention]:
    """What a story names; ``section`` (its section's name) is context."""
    return current_index().find(headline, dek, body_text(body_html), section=section)


def section_name(section_id: str) -> str:
    """The name of the section a story form has chosen, or "" (no section,
    or not a section's id)."""
    section_id = str(section_id)
    if not section_id.isdigit() or len(section_id) > 9:
        return ""
    return (
        Section.objects.filter(pk=section_id).values_list("name", flat=True).first()
        or ""
    )


def mentions_in(article: Article) -> list[Mention]:
    section = article.section.name if article.section_id else ""
    return detect_mentions(article.headline, article.dek, article.body, section=section)


def per_entity(mentions: list[Mention]) -> dict[int, tuple[int, list[str], bool]]:
    """Mentions folded per entity: (count, words, ambiguous). An entity is
    ambiguous only when every mention of it could also be another entity."""
    found: dict[int, tuple[int, list[str], bool]] = {}
    for mention in mentions:
        for entity_id in mention.entity_ids:
            count, words, ambiguous = found.get(entity_id, (0, [], True))
            found[entity_id] = (
                count + mention.count,
                words + [w for w in mention.words if w not in words],
                ambiguous and mention.ambiguous,
            )
    return found


def reasons_per_entity(mentions: list[Mention]) -> dict[int, list[str]]:
    """Why each entity was read where that needed deciding, per entity."""
    found: dict[int, list[str]] = {}
    for mention in mentions:
        if not mention.ambiguous:
            reasons = found.setdefault(mention.entity_ids[0], [])
            reasons.extend(r for r in mention.reasons if r not in reasons)
    return found


def mentions_for_panel(
    mentions: list[Mention],
    entities: dict,
    linked: set[int] = frozenset(),
    dismissed: set[int] = frozenset(),
) -> list[dict]:
    """The story form's suggestion panel: each suggestion with the words
    that matched, why it was chosen where that needed deciding, and each
    unresolved ambiguity as a choice between its candidates."""
    return [
        {
            "entities": [
                {
                    "id": pk,
                    "name": entities[pk].name,
                    "kind": entities[pk].get_kind_display(),
                    "linked": pk in linked,
                    "dismissed": pk in dismissed,
                }
                for pk in mention.entity_ids
                if pk in entities
            ],
            "count": mention.count,
            "words": mention.words,
            "ambiguous": mention.ambiguous,
            "reasons": mention.reasons,
        }
        for mention in mentions
    ]


@transaction.atomic
def record_suggestions(
    article: Article,
    mentions: list[Mention] | None = None,
    *,
    link_unambiguous: bool | None = None,
) -> dict[str, int]:
    """Bring the story's suggestions in line with what it mentions now.

    A dismissal is remembered; a pending suggestion that is no longer
    mentioned goes away. With ``link_unambiguous`` (by default, the
    newsroom's auto-accept setting), clear mentions are linked at once.
    Returns counts: found, linked (newly), pending, dismissed.
    """
    if mentions is None:
        mentions = mentions_in(article)
    if link_unambiguous is None:
        link_unambiguous = DetectionSettings.load().auto_accept
    existing = {s.entity_id: s for s in article.suggestions.all()}
    linked = set(article.entity_links.values_list("entity_id", flat=True))
    summary = {"found": 0, "linked": 0, "pending": 0, "dismissed": 0}
    found = per_entity(mentions)
    reasons = reasons_per_entity(mentions)
    for entity_id, (count, words, ambiguous) in found.items():
        summary["found"] += 1
        suggestion = existing.get(entity_id) or MentionSuggestion(
            article=article, entity_id=entity_id
        )
        suggestion.count, suggestion.matched_words = count, words
        suggestion.ambiguous = ambiguous
        suggestion.reasons = reasons.get(entity_id, [])
        if entity_id in linked:
            suggestion.state = State.ACCEPTED
        elif suggestion.state == State.ACCEPTED:
            # Someone removed the link by hand: that is a dismissal.
            suggestion.state = State.DISMISSED
        elif suggestion.state == State.PENDING and link_unambiguous and not ambiguous:
            ArticleEntity.objects.get_or_create(article=article, entity_id=entity_id)
            suggestion.state = State.ACCEPTED
            summary["linked"] += 1
        suggestion.save()
        if suggestion.state in (State.PENDING, State.DISMISSED):
            summary[suggestion.state] += 1
    article.suggestions.filter(state=State.PENDING).exclude(
        entity_id__in=found
    ).delete()
    return summary


def accept(suggestion: MentionSuggestion) -> None:
    with transaction.atomic():
        ArticleEntity.objects.get_or_create(
            article_id=suggestion.article_id, entity_id=suggestion.entity_id
        )
        suggestion.state = State.ACCEPTED
        suggestion.save(update_fields=["state", "updated_at"])


def dismiss(suggestion: MentionSuggestion) -> None:
    suggestion.state = State.DISMISSED
    suggestion.save(update_fields=["state", "updated_at"])


# How far before or after a person's name a title still describes them
# ("BMW CEO Harald Krueger", "Krueger, BMW's chief executive").
TITLE_WINDOW_BEFORE, TITLE_WINDOW_AFTER = 60, 60


def stale_titles(text: str, mentions: list[Mention], on: datetime.date) -> list[str]:
    """Warnings for people called by a title they no longer held on ``on``.

    ``text`` is the story's plain text (headline, standfirst, body).
    """
    person_ids = {m.entity_ids[0] for m in mentions if not m.ambiguous}
    roles = Role.objects.filter(person_id__in=person_ids).select_related(
        "person", "company"
    )
    by_person = {}
    for role in roles:
        by_person.setdefault(role.person_id, []).append(role)
    folded_text = fold_accents(text).lower()
    warnings = []
    for mention in mentions:
        if mention.ambiguous or mention.entity_ids[0] not in by_person:
            continue
        person_roles = by_person[mention.entity_ids[0]]
        held = {
            fold_accents(title).lower()
            for role in person_roles
            if role.held_on(on)
            for title in role.all_titles
        }
        for role in person_roles:
            if role.held_on(on) or (role.start_date and role.start_date > on):
                continue
            for word in mention.words:
                for title in role.all_titles:
                    folded_title = fold_accents(title).lower()
                    if folded_title in held:
                        continue
                    if _title_near(
                        folded_text, fold_accents(word).lower(), folded_title
                    ):
                        warnings.append(
                            f"“{title}” for {role.person.name}: that role at "
                            f"{role.company.name} ran {_span(role)}, but this "
                            f"story is dated {on:%-d %B %Y}."
                        )
                        break
                else:
                    continue
                break
    return list(dict.fromkeys(warnings))


def _title_near(text: str, name: str, title: str) -> bool:
    """Whether ``title`` describes ``name`` somewhere in ``text`` as a title
    held now: an occurrence marked as past ("former", "then", "who was")
    describes an earlier role, and is no stale title."""
    start = text.find(name)
    while start != -1:
        stop = start + len(name)
        window_start = max(0, start - TITLE_WINDOW_BEFORE)
        for at in _word_places(text[window_start:start], title):
            at += window_start
            if not _past_marked(text, at, at + len(title), start, stop):
                return True
        for at in _word_places(text[stop : stop + TITLE_WINDOW_AFTER], title):
            at += stop
            if not _past_marked(text, at, at + len(title), start, stop):
                return True
        start = text.find(name, start + 1)
    return False


def _word_places(text: str, words: str):
    """Where ``words`` stand as whole words in ``text``."""
    at = text.find(words)
    while at != -1:
        end = at + len(words)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            yield at
        at = text.find(words, at + 1)


# Words that put a title in the past: "former BMW CEO", "ex-BMW chief",
# "Krueger, then BMW's chief executive", "who was", "who had been", "who
# served as". A word ending in "-" is a prefix ("ex-BMW", "then-CEO").
PAST_MARKERS = frozenset(
    "former formerly erstwhile onetime one-time then previous previously late "
    "ex- then- former- one-time- was were had served stepped resigned retired "
    "quit left ousted".split()
)
# How many words just before a title may mark it ("former BMW Group CEO").
PAST_LEAD_WORDS, PAST_LEAD_REACH = 3, 40
# Words just after a title that end it: "chief executive until 2019".
PAST_AFTER = frozenset("until till".split())
_TOKEN = re.compile(r"[\w'’]+(?:-[\w'’]+)*-?")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\n\"“”—–]")


def _past_marked(
    text: str, title_start: int, title_stop: int, name_start: int, name_stop: int
) -> bool:
    """A past marker between the title and the name, just before the title
    or just after it qualifies that occurrence of the title: "Former BMW
    CEO Harald Krueger", "Krueger, then BMW's chief executive"."""
    # Only the clause of the title counts: "Krueger was there. BMW's CEO…".
    if title_stop <= name_start:
        between = _CLAUSE_BREAK.split(text[title_stop:name_start])[0]
    else:
        between = _CLAUSE_BREAK.split(text[name_stop:title_start])[-1]
    lead = text[max(0, title_start - PAST_LEAD_REACH) : title_start]
    if title_start > PAST_LEAD_REACH:
        lead = lead.partition(" ")[2]  # the reach may cut a word in two
    lead = _CLAUSE_BREAK.split(lead)[-1]
    lead_words = _TOKEN.findall(lead)[-PAST_LEAD_WORDS:]
    after = _CLAUSE_BREAK.split(text[title_stop : title_stop + 20])[0]
    return any(_past_word(w) for w in _TOKEN.findall(between) + lead_words) or bool(
        set(_TOKEN.findall(after)[:1]) & PAST_AFTER
    )


def _past_word(word: str) -> bool:
    if word in PAST_MARKERS:
        return True
    prefix = word.split("-", 1)[0] + "-"
    return "-" in word and prefix in PAST_MARKERS


def _span(role: Role) -> str:
    start = f"{role.start_date:%-d %B %Y}" if role.start_date else "?"
    end = f"{role.end_date:%-d %B %Y}" if role.end_date else "today"
    return f"from {start} to {end}"


# A capitalised word, accented capitals included (Özdemir, Émile).
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-Ž"
_NAME = rf"(?P<who>[{_CAPITAL}][\w'’.-]+(?:\s+[{_CAPITAL}][\w'’.-]+){{0,3}})"
_SPEECH = r"(?:said|says|told|added|explained|stated)"
_QUOTE = r"[“\"](?P<quote>[^”\"]{15,600}?)[,.]?[”\"]"
QUOTE_PATTERNS = [
    # “…,” Krueger said / “…,” said Krueger
    re.compile(rf"{_QUOTE}\s*,?\s*{_NAME}\s+{_SPEECH}\b"),
    re.compile(rf"{_QUOTE}\s*,?\s*{_SPEECH}\s+{_NAME}"),
    # Krueger said: “…” / Krueger told Automotive News: “…”
    re.compile(rf"{_NAME}\s+{_SPEECH}(?:\s+[\w\s]{{0,40}}?)?[,:]\s*{_QUOTE}"),
]


_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.IGNORECASE | re.DOTALL)


def detect_quotes(body_html: str) -> list[tuple[int, str]]:
    """Quotes attributed to a known person: a block quote signed "— Name",
    or a sentence in quotation marks with the patterns journalists use
    ("…," Krueger said). Returns (person id, quote); the desk confirms each
    before a person's page shows it."""
    # (who, the quote, the text before the name: "Krueger" is Harald
    # Krueger once the story has named him in full)
    attributed = []
    for block in _BLOCKQUOTE.finditer(body_html or ""):
        lines = body_text(block[1]).splitlines()
        if len(lines) >= 2 and lines[-1].lstrip().startswith(("—", "–", "-")):
            who = lines[-1].lstrip("—–- ").split(",")[0]
            before = body_text(body_html[: block.start()])
            attributed.append((who, " ".join(lines[:-1]), before))
    text = body_text(_BLOCKQUOTE.sub("", body_html or ""))
    for pattern in QUOTE_PATTERNS:
        for match in pattern.finditer(text):
            before = text[: match.start("who")]
            attributed.append((match["who"], match["quote"], before))
    found = []
    for who, quote, before in attributed:
        person_id = _person_named(who, before)
        if person_id is not None:
            found.append((person_id, quote.strip().strip('“”"').rstrip(",").strip()))
    return list(dict.fromkeys(found))


def _person_named(words: str, before: str = "") -> int | None:
    from entities.models import Entity

    # What ``words`` name is what they add to the mentions of the text before.
    index = current_index()
    earlier = {m.entity_ids: m.count for m in index.find(before)}
    mentions = [
        m
        for m in index.find(before, words)
        if not m.ambiguous and m.count > earlier.get(m.entity_ids, 0)
    ]
    people = set(
        Entity.objects.filter(
            pk__in=[m.entity_ids[0] for m in mentions], kind=Entity.Kind.PERSON
        ).values_list("pk", flat=True)
    )
    return people.pop() if len(people) == 1 else None


def record_quotes(article: Article) -> int:
    """Store the quotes detected in a story for the desk to confirm."""
    from entities.models import Quote

    created = 0
    for person_id, text in detect_quotes(article.body):
        _, new = Quote.objects.get_or_create(
            person_id=person_id, article=article, text=text, defaults={"detected": True}
        )
        created += new
    return created
