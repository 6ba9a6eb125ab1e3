"""Fill PostgreSQL with a large, realistic synthetic newsroom for benchmarks.

Stories have 600–1,500-word bodies; their links to companies, people and
brands follow a Zipf-like popularity, so the first entity (BMW Group) is
linked to about a tenth of all stories. Everything goes in through COPY, and
each story's search vector is built here from lexemes PostgreSQL computed
once for the vocabulary, so that a million stories load in minutes.
"""

import contextlib
import datetime
import itertools
import multiprocessing
import os
import queue
import random
import time
from bisect import bisect_left
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Author, Section
from articles.search import CONFIG, add_words, words_of
from newsroom.text import fold_digraphs

SECTIONS = ["Automotive", "Business", "Technology", "Markets", "Policy", "Opinion"]
SYLLABLES = (
    "ka ro ti mu sel van dor bri len gar tho mi na zu fen lak ost wer bal quin "
    "har ves dan pol rik sto ber ang tel mor su den lo vik ra ne"
).split()
COMPANY_SUFFIXES = ["Motors", "Group", "Holdings", "Automotive", "Industries", "AG"]
COMMON = (
    "the of and to in a for on with as said its by at from that it was is "
    "electric market sales plant production talks joint venture platform "
    "investment quarter growth demand battery factory supplier chief executive "
    "board shares profit revenue model launch car cars vehicle vehicles China "
    "Germany Europe Britain price prices cost costs year years month analysts "
    "deal agreement plan plans would could will new first last week company "
    "companies brand brands engine engines hybrid range charging software chips "
    "output jobs workers union government tariff tariffs export exports import "
    "dealers customers buyers premium compact luxury segment rival rivals lead "
    "strategy partner partners capacity line lines assembly components"
).split()
# Set phrases of business and motoring copy, most frequent first: about one
# story in five says "joint venture".
COLLOCATIONS = [
    "chief executive",
    "electric cars",
    "joint venture",
    "supply chain",
    "market share",
    "battery cells",
    "production line",
    "trade tariffs",
    "charging network",
    "profit warning",
    "annual general meeting",
    "driver assistance",
]
COLLOCATION_RATE = 0.025
STARTS = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
LOADED_TABLES = (
    "articles_article",
    "articles_articleentity",
    "articles_byline",
    "articles_taggedarticle",
)
# PostgreSQL keeps positions up to 16383; later words all count as there.
MAX_POSITION = 16383
# Where a generated body's pooled paragraphs start (after the headline's,
# standfirst's and opening paragraph's words).
BODY_START = 128


def synthetic_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def person_name(rng: random.Random) -> str:
    return f"{synthetic_word(rng).title()} {synthetic_word(rng).title()}"


class ZipfPicker:
    """Draws indexes 0..n-1 with probability proportional to 1/(rank)^s."""

    def __init__(self, n: int, s: float, rng: random.Random):
        weights = [1 / (rank**s) for rank in range(1, n + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.rng = rng

    def draw(self) -> int:
        return bisect_left(self.cumulative, self.rng.random() * self.total)

    @staticmethod
    def exponent_for(n: int, share_of_first: float) -> float:
        """The s that gives the first of n a ``share_of_first`` of all draws."""
        low, high = 0.01, 3.0
        for _ in range(60):
            s = (low + high) / 2
            share = 1 / sum(1 / rank**s for rank in range(1, n + 1))
            low, high = (s, high) if share < share_of_first else (low, s)
        return (low + high) / 2


class Command(BaseCommand):
    help = (
        "Generate a synthetic corpus of stories and entities in PostgreSQL for "
        "benchmarks (python manage.py generate_corpus --stories 1000000 "
        "--entities 20000). Adds to what is there; repeatable with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=10_000)
        parser.add_argument("--entities", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=2019)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Processes that generate and load stories side by side "
            "(default: the number of cores, at most 4).",
        )

    def handle(self, *args, stories, entities, seed, batch_size, workers, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_corpus needs PostgreSQL (set DATABASE_URL).")
        if stories < 1 or entities < 10:
            raise CommandError("Ask for at least 1 story and 10 entities.")
        self.seed = seed
        self.rng = random.Random(seed)
        self.started = time.perf_counter()
        self.configure_session()
        sections = self.load_sections()
        authors = self.load_authors(300)
        tags = self.load_tags(1_500)
        entity_ids, entity_names = self.load_entities(entities)
        self.prepare_text(entity_names)
        self.load_stories(
            stories, batch_size, workers, sections, authors, tags, entity_ids
        )
        self.finish()

    @staticmethod
    def configure_session() -> None:
        """Settings of this connection for a bulk load."""
        with connection.cursor() as cursor:
            # Fewer fsyncs, more memory for the index builds.
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '2GB'")
            # lz4 compresses the long text columns several times faster.
            cursor.execute("SET default_toast_compression = 'lz4'")

    def say(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.stdout.write(f"[{elapsed:7.1f} s] {message}")

    # Small tables ----------------------------------------------------------

    def load_sections(self) -> list[int]:
        ids = []
        for order, name in enumerate(SECTIONS, start=1):
            section, _ = Section.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "order": order}
            )
            ids.append(section.pk)
        return ids

    def load_authors(self, count: int) -> list[int]:
        existing = Author.objects.count()
        names = [person_name(self.rng) for _ in range(count)]
        Author.objects.bulk_create(
            [
                Author(name=name, slug=f"{slugify(name)}-{existing + n}")
                for n, name in enumerate(names)
            ]
        )
        self.say(f"{count} authors")
        return list(Author.objects.values_list("pk", flat=True))

    def load_tags(self, count: int) -> list[int]:
        words = {synthetic_word(self.rng) for _ in range(count * 2)}
        names = sorted(words)[:count]
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in names],
            ignore_conflicts=True,
        )
        self.say(f"{count} tags")
        return list(Tag.objects.values_list("pk", flat=True))

    # Entities --------------------------------------------------------------

    def load_entities(self, count: int):
        """Companies, people and brands with aliases, roles and relationships.
        The first entities are the demo's, BMW Group the most covered."""
        rng = self.rng
        now = timezone.now()
        first_id = self.next_id("entities_entity")
        known = [
            ("company", "BMW Group", ["BMW AG", "Bayerische Motoren Werke"]),
            ("company", "Great Wall Motor", ["Great Wall", "GWM"]),
            ("brand", "MINI", []),
            ("person", "Harald Krueger", ["Harald Krüger"]),
            ("company", "Brilliance Auto", ["Brilliance"]),
        ]
        rows, names, kinds = [], [], []
        seen = set()
        for n in range(count):
            if n < len(known):
                kind, name, aliases = known[n]
            else:
                kind = rng.choices(["company", "person", "brand"], [60, 25, 15])[0]
                while True:
                    if kind == "person":
                        name = person_name(rng)
                    elif kind == "company":
                        suffix = rng.choice(COMPANY_SUFFIXES)
                        name = f"{synthetic_word(rng).title()} {suffix}"
                    else:
                        name = synthetic_word(rng).title()
                    if name.lower() not in seen:
                        break
                base = name.split()[0]
                aliases = [base, f"{base} {synthetic_word(rng).title()}", name.upper()]
            seen.add(name.lower())
            pk = first_id + n
            rows.append((pk, kind, name, f"{slugify(name)}-{pk}", "", "", "", now, now))
            names.append((pk, name, aliases))
            kinds.append(kind)
        self.copy(
            "entities_entity",
            [
                "id",
                "kind",
                "name",
                "slug",
                "description",
                "country",
                "website",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        ids = [row[0] for row in rows]
        companies = [
            pk for pk, kind in zip(ids, kinds, strict=True) if kind == "company"
        ]
        self.copy(
            "entities_company",
            ["entity_ptr_id", "headquarters", "founded"],
            [(pk, "", rng.randint(1900, 2015)) for pk in companies],
        )
        self.copy(
            "entities_person",
            ["entity_ptr_id"],
            [(pk,) for pk, kind in zip(ids, kinds, strict=True) if kind == "person"],
        )
        self.copy(
            "entities_brand",
            ["entity_ptr_id", "owner_id", "founded"],
            [
                (pk, rng.choice(companies), None)
                for pk, kind in zip(ids, kinds, strict=True)
                if kind == "brand"
            ],
        )
        alias_rows = {
            (pk, alias)
            for pk, name, aliases in names
            for alias in aliases
            if alias != name
        }
        self.copy(
            "entities_alias",
            ["entity_id", "name", "case_sensitive"],
            [(pk, alias, alias.isupper()) for pk, alias in sorted(alias_rows)],
        )
        people = [pk for pk, kind in zip(ids, kinds, strict=True) if kind == "person"]
        self.copy(
            "entities_role",
            [
                "person_id",
                "company_id",
                "title",
                "press_titles",
                "start_date",
                "end_date",
            ],
            [
                (
                    pk,
                    rng.choice(companies),
                    rng.choice(["Chief executive", "Chief financial officer", "Chair"]),
                    "",
                    datetime.date(rng.randint(2000, 2018), 1, 1),
                    None,
                )
                for pk in people
            ],
        )
        pairs = {
            tuple(rng.sample(companies, 2)) for _ in range(max(1, len(companies) // 10))
        }
        self.copy(
            "entities_companyrelationship",
            [
                "from_company_id",
                "to_company_id",
                "kind",
                "status",
                "start_date",
                "end_date",
                "note",
            ],
            [
                (
                    a,
                    b,
                    rng.choice(["joint_venture", "supplier", "partnership"]),
                    "active",
                    datetime.date(rng.randint(2000, 2020), 1, 1),
                    None,
                    "",
                )
                for a, b in sorted(pairs)
            ],
        )
        self.set_sequences("entities_entity")
        self.say(
            f"{count:,} entities, {len(alias_rows):,} aliases, {len(people):,} roles, "
            f"{len(pairs):,} relationships"
        )
        return ids, {pk: name for pk, name, _ in names}

    # Text ------------------------------------------------------------------

    def prepare_text(self, entity_names: dict[int, str]) -> None:
        """A vocabulary with a Zipf frequency, its lexemes as PostgreSQL makes
        them, and a pool of paragraphs to assemble bodies from."""
        rng = self.rng
        synthetic = sorted({synthetic_word(rng) for _ in range(6_000)})
        self.vocabulary = COMMON + synthetic
        words_in_names = {w for name in entity_names.values() for w in name.split()}
        words_in_phrases = {w for phrase in COLLOCATIONS for w in phrase.split()}
        self.lexemes = self.lexemes_of(
            set(self.vocabulary) | words_in_names | words_in_phrases
        )
        self.entity_names = entity_names
        picker = ZipfPicker(len(self.vocabulary), 1.05, rng)
        collocation_picker = ZipfPicker(len(COLLOCATIONS), 1.0, rng)
        self.paragraphs = []
        for _ in range(20_000):
            sentences = []
            for _ in range(rng.randint(3, 6)):
                words = [
                    self.vocabulary[picker.draw()] for _ in range(rng.randint(8, 22))
                ]
                if rng.random() < COLLOCATION_RATE:
                    # Real copy repeats its set phrases ("joint venture").
                    phrase = COLLOCATIONS[collocation_picker.draw()]
                    words.insert(rng.randrange(len(words)), phrase)
                words[0] = words[0].capitalize()
                sentences.append(" ".join(words) + ".")
            text = " ".join(sentences)
            tokens = self.tokens(text)
            places = defaultdict(list)
            for position, lexeme in enumerate(tokens, start=1):
                if lexeme is not None:
                    places[lexeme].append(position)
            self.paragraphs.append((text, len(tokens), tuple(places.items())))
        self.slot_size = max(count for _, count, _ in self.paragraphs) + 1
        self.fragments = {}
        self.say(f"{len(self.vocabulary):,} words, {len(self.paragraphs):,} paragraphs")

    def lexemes_of(self, words: set[str]) -> dict[str, str | None]:
        """Each word's lexeme in the search configuration (None: a stop word)."""
        ordered = sorted(words)
        lexemes = {}
        with connection.cursor() as cursor:
            for start in range(0, len(ordered), 5_000):
                chunk = ordered[start : start + 5_000]
                cursor.execute(
                    "SELECT word, (SELECT string_agg(lexeme, ' ') FROM "
                    f"unnest(to_tsvector('{CONFIG}', word))) "
                    "FROM unnest(%s::text[]) AS word",
                    [[fold_digraphs(w) for w in chunk]],
                )
                folded = dict(cursor.fetchall())
                for word in chunk:
                    lexemes[word] = folded.get(fold_digraphs(word))
        return lexemes

    def tokens(self, text: str) -> list[str | None]:
        """The lexeme at each word position of ``text`` (None for stop words)."""
        result = []
        for raw in text.split():
            word = raw.strip(".,;:").lower()
            lexeme = self.lexemes.get(word) or self.lexemes.get(raw.strip(".,;:"))
            if lexeme and " " in lexeme:
                result.extend(lexeme.split())
            else:
                result.append(lexeme)
        return result

    @staticmethod
    def head_vector(weighted) -> str:
        """tsvector text of a story's first words: ``weighted`` (tokens,
        weight) parts, positions running on from 1 (headline A, standfirst B,
        the opening paragraph D)."""
        positions = defaultdict(list)
        position = 0
        for tokens, weight in weighted:
            for lexeme in tokens:
                position += 1
                if lexeme is not None:
                    positions[lexeme].append(f"{position}{weight}")
        return " ".join(
            "'{}':{}".format(lexeme.replace("'", "''"), ",".join(found))
            for lexeme, found in positions.items()
        )

    def fragment(self, paragraph: int, slot: int) -> str:
        """tsvector text of a pooled paragraph placed in the body's ``slot``.

        Each paragraph of the body starts at the next multiple of
        ``slot_size`` after the opening words, so a paragraph's vector text
        is worked out once per slot rather than once per story.
        PostgreSQL merges a lexeme repeated across fragments (and keeps its
        first 256 positions), as it would for a vector built whole."""
        key = (paragraph, slot)
        text = self.fragments.get(key)
        if text is None:
            start = min(BODY_START + slot * self.slot_size, MAX_POSITION)
            _, _, places = self.paragraphs[paragraph]
            text = " ".join(
                "'{}':{}".format(
                    lexeme.replace("'", "''"),
                    ",".join(str(min(start + r, MAX_POSITION)) for r in relative),
                )
                for lexeme, relative in places
            )
            self.fragments[key] = text
        return text

    # Stories ---------------------------------------------------------------

    def load_stories(
        self, count, batch_size, workers, sections, authors, tags, entity_ids
    ):
        """Stories, their bylines, links and tags, made by ``workers``
        processes side by side, each loading its own range of ids."""
        self.sections, self.authors, self.tags = sections, authors, tags
        self.entity_ids = entity_ids
        first_story = self.next_id("articles_article")
        self.first_story, self.story_count = first_story, count
        self.span = (timezone.now() - STARTS).total_seconds()
        # Indexes are built once at the end, much faster than row by row;
        # those behind unique constraints stay, so duplicates still fail.
        self.deferred_indexes = self.drop_indexes(LOADED_TABLES)
        workers = max(1, min(workers, count // 1_000 or 1))
        share, extra = divmod(count, workers)
        ranges, start = [], first_story
        for worker in range(workers):
            size = share + (worker < extra)
            ranges.append((start, start + size))
            start += size
        if workers == 1:
            done = 0

            def report(n):
                nonlocal done
                done += n
                self.report_progress(done, count)

            self.load_range(0, *ranges[0], batch_size, report)
        else:
            self.load_in_processes(ranges, batch_size, count)
        self.set_sequences("articles_article")

    def report_progress(self, done, count):
        rate = done / (time.perf_counter() - self.started)
        self.say(f"{done:,} / {count:,} stories ({rate:,.0f} a second overall)")

    def load_in_processes(self, ranges, batch_size, count):
        self.say(f"Loading {count:,} stories in {len(ranges)} processes…")
        # Each process opens its own connection: none may be shared.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        progress = context.Queue()
        processes = [
            context.Process(
                target=self.load_range_in_process,
                args=(worker, first, last, batch_size, progress),
                daemon=True,
            )
            for worker, (first, last) in enumerate(ranges)
        ]
        for process in processes:
            process.start()
        done = 0
        while any(p.is_alive() for p in processes) or not progress.empty():
            try:
                done += progress.get(timeout=1)
            except queue.Empty:
                continue
            self.report_progress(done, count)
        for process in processes:
            process.join()
        if failed := [p.exitcode for p in processes if p.exitcode]:
            raise CommandError(f"{len(failed)} loading processes failed; see above.")
        if done != count:
            raise CommandError(f"Only {done:,} of {count:,} stories were loaded.")

    def load_range_in_process(self, worker, first, last, batch_size, progress):
        # The rows are made consistent here; skipping the foreign-key
        # triggers saves PostgreSQL a lookup per row (superusers only).
        with connection.cursor() as cursor, contextlib.suppress(DatabaseError):
            cursor.execute("SET session_replication_role = replica")
        self.configure_session()
        self.load_range(worker, first, last, batch_size, progress.put)
        connection.close()

    def load_range(self, worker, first, last, batch_size, report):
        """One share of the stories: those with ids ``first`` to ``last - 1``."""
        rng = random.Random(f"{self.seed}:{worker}")
        sections, authors, tags = self.sections, self.authors, self.tags
        entity_ids = self.entity_ids
        # The first entity in about a tenth of stories, which draw three to
        # six links each (4.5 on average).
        exponent = ZipfPicker.exponent_for(len(entity_ids), 0.10 / 4.5)
        entity_picker = ZipfPicker(len(entity_ids), exponent, rng)
        tag_picker = ZipfPicker(len(tags), 1.0, rng)
        span = self.span
        count = last - first
        first_story = first
        done = 0
        while done < count:
            n = min(batch_size, count - done)
            stories, bylines, links, tagged = [], [], [], []
            for i in range(n):
                pk = first_story + done + i
                linked = list(
                    dict.fromkeys(
                        entity_ids[entity_picker.draw()]
                        for _ in range(rng.randint(3, 6))
                    )
                )
                names = [self.entity_names[e] for e in linked]
                headline_words = [names[0], *rng.choices(COMMON, k=rng.randint(6, 10))]
                headline = " ".join(headline_words).capitalize()[:200]
                dek = " ".join(
                    rng.choices(self.vocabulary[:800], k=rng.randint(18, 30))
                )
                target = rng.randint(600, 1_500)
                intro = " ".join([" and ".join(names[:3]), *rng.choices(COMMON, k=12)])
                intro = intro + "."
                head = [
                    (self.tokens(headline), "A"),
                    (self.tokens(dek), "B"),
                    (self.tokens(intro), "D"),
                ]
                words = len(head[2][0])
                chosen = []
                while words < target:
                    chosen.append(rng.randrange(len(self.paragraphs)))
                    words += self.paragraphs[chosen[-1]][1]
                texts = [intro, *(self.paragraphs[i][0] for i in chosen)]
                body = "".join(f"<p>{text}</p>" for text in texts)
                body_text = "\n".join(texts)
                vector = " ".join(
                    [
                        self.head_vector(head),
                        *(self.fragment(i, slot) for slot, i in enumerate(chosen)),
                    ]
                )
                # Stories are written in order, give or take a day, as in a
                # real archive: ids and publish times rise together.
                share = (pk - self.first_story + rng.random()) / self.story_count
                published = STARTS + datetime.timedelta(
                    seconds=max(0, min(span, share * span - rng.random() * 86_400))
                )
                status = rng.choices(
                    ["published", "draft", "in_review", "withdrawn"], [96, 2, 1, 1]
                )[0]
                when = published if status in ("published", "withdrawn") else None
                stories.append(
                    (
                        pk,
                        headline,
                        f"story-{pk}",
                        dek,
                        body,
                        body_text,
                        vector,
                        rng.choice(sections),
                        status,
                        when,
                        when,
                        None,
                        published,
                        published,
                        1,
                        "",
                    )
                )
                bylines.extend(
                    (pk, author, order)
                    for order, author in enumerate(
                        rng.sample(authors, rng.randint(1, 2))
                    )
                )
                links.extend((pk, entity, published) for entity in linked)
                tagged.extend(
                    (pk, tag)
                    for tag in dict.fromkeys(
                        tags[tag_picker.draw()] for _ in range(rng.randint(1, 4))
                    )
                )
            with transaction.atomic():
                self.copy(
                    "articles_article",
                    [
                        "id",
                        "headline",
                        "slug",
                        "dek",
                        "body",
                        "body_text",
                        "search_vector",
                        "section_id",
                        "status",
                        "published_at",
                        "first_published_at",
                        "updated_at",
                        "created_at",
                        "modified_at",
                        "version",
                        "withdrawal_notice",
                    ],
                    stories,
                )
                self.copy(
                    "articles_byline", ["article_id", "author_id", "order"], bylines
                )
                self.copy(
                    "articles_articleentity",
                    ["article_id", "entity_id", "created_at"],
                    links,
                )
                self.copy(
                    "articles_taggedarticle", ["content_object_id", "tag_id"], tagged
                )
            done += n
            report(n)

    # Plumbing ----------------------------------------------------------------

    def finish(self):
        self.say(f"Building {len(self.deferred_indexes)} indexes…")
        # The biggest (the search index) first, so the others build beside it.
        definitions = sorted(self.deferred_indexes, key=lambda d: "USING gin" not in d)
        if connection.in_atomic_block:
            # Inside a transaction (the tests), another connection would wait
            # for this one's rows: build here, one after the other.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for definition in definitions:
                self.build_index(definition)
        else:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(self.build_index_in_thread, definitions))
        for table in (
            "articles_byline",
            "articles_articleentity",
            "articles_taggedarticle",
            "entities_alias",
        ):
            self.set_sequences(table)
        self.check_links()
        # The lexicon search corrects misspellings against: every word the
        # stories are written from, as a publish would have added them.
        add_words(
            sorted(words_of(" ".join(self.vocabulary), *self.entity_names.values()))
        )
        self.say("Analysing tables…")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.say(self.style.SUCCESS("Corpus ready."))

    def build_index(self, definition: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(definition)

    def build_index_in_thread(self, definition: str) -> None:
        try:
            self.configure_session()
            self.build_index(definition)
        finally:
            connection.close()

    def check_links(self) -> None:
        """The loading processes skipped foreign-key checks: prove that every
        byline, entity link and tag points at a row that exists."""
        checks = [
            ("articles_byline", "article_id", "articles_article"),
            ("articles_byline", "author_id", "articles_author"),
            ("articles_articleentity", "article_id", "articles_article"),
            ("articles_articleentity", "entity_id", "entities_entity"),
            ("articles_taggedarticle", "content_object_id", "articles_article"),
            ("articles_taggedarticle", "tag_id", "taggit_tag"),
            ("articles_article", "section_id", "articles_section"),
        ]
        with connection.cursor() as cursor:
            for table, column, target in checks:
                cursor.execute(
                    f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                    f"(SELECT 1 FROM {target} x WHERE x.id = t.{column})"
                )
                if orphans := cursor.fetchone()[0]:
                    raise CommandError(
                        f"{orphans:,} rows of {table} point at no {target}."
                    )
        self.say("Every link points at a row that exists.")

    def drop_indexes(self, tables) -> list[str]:
        """Drop the tables' indexes that no constraint needs; return the
        statements that make them again."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = ANY(%s)
                  AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                  )
                """,
                [list(tables)],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in indexes]

    def copy(self, table: str, columns: list[str], rows) -> None:
        quoted = ", ".join(f'"{column}"' for column in columns)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return cursor.fetchone()[0]

    def set_sequences(self, table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
