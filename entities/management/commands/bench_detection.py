import random
import statistics
import time

from django.core.management.base import BaseCommand

from entities.detection import MentionIndex, Term

SYLLABLES = (
    "ka ro ti mu sel van dor bri len gar tho mi na zu fen lak ost wer bal "
    "quin har ves dan pol rik sto ber ang tel mor"
).split()
SUFFIXES = ["Motors", "Group", "Holdings", "Automotive", "Industries", "AG", "Ltd"]
FILLER = (
    "the of and to in a for on with as said its by at from that it was is "
    "electric market sales plant production talks joint venture platform "
    "investment quarter growth demand battery factory supplier chief"
).split()


def make_name(rng: random.Random, words: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        for _ in range(words)
    )


class Command(BaseCommand):
    help = (
        "Benchmark mention detection on synthetic data: index build time, and "
        "detection time per story once the index is warm. Uses no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entities", type=int, default=20_000)
        parser.add_argument("--aliases", type=int, default=60_000)
        parser.add_argument("--words", type=int, default=1_500)
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args, entities, aliases, words, runs, seed, **options):
        rng = random.Random(seed)
        terms, names = [], []
        for pk in range(1, entities + 1):
            name = f"{make_name(rng, rng.randint(1, 2))} {rng.choice(SUFFIXES)}"
            names.append(name)
            terms.append(Term(pk, name, is_person_name=pk % 5 == 0))
        for n in range(aliases):
            pk = rng.randint(1, entities)
            terms.append(Term(pk, make_name(rng, rng.randint(1, 3)), n % 10 == 0))

        started = time.perf_counter()
        index = MentionIndex(terms)
        build = time.perf_counter() - started

        story_words = []
        while len(story_words) < words:
            if rng.random() < 0.02:
                story_words.extend(rng.choice(names).split())
            else:
                story_words.append(rng.choice(FILLER))
        story = " ".join(story_words)
        headline = " ".join(story_words[:12])

        index.find(headline, story)  # warm up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            found = index.find(headline, story)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        self.stdout.write(
            f"Index: {entities:,} entities, {aliases:,} aliases, "
            f"{index.size:,} patterns, built in {build:.2f} s "
            f"({'within' if build < 5 else 'OVER'} the 5 s target)"
        )
        median = statistics.median(timings)
        self.stdout.write(
            f"Detection: {len(story.split()):,}-word story, {len(found)} entities "
            f"found; median {median:.2f} ms, p95 {p95:.2f} ms over {runs} runs "
            f"({'within' if p95 < 5 else 'OVER'} the 5 ms target)"
        )
