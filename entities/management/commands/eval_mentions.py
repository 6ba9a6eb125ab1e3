from django.core.management.base import BaseCommand

from entities.evaluation import SPLITS, evaluate

TARGET_PRECISION, TARGET_RECALL = 0.98, 0.95


class Command(BaseCommand):
    help = (
        "Measure mention detection on the labelled stories in bench/mentions/: "
        "micro precision, recall and F1, figures per kind of trap, and every "
        "miss and false positive. Uses no database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--split",
            choices=[*SPLITS, "all"],
            default="all",
            help="dev (read while tuning), heldout (not), or both (default).",
        )
        parser.add_argument(
            "--reasons",
            action="store_true",
            help="Also print why each decided suggestion was made.",
        )

    def handle(self, *args, split, reasons, **options):
        failed = False
        for name in SPLITS if split == "all" else [split]:
            failed |= self.report(name, evaluate(name), reasons)
        if failed:
            self.stdout.write(self.style.WARNING("Below target."))

    def report(self, split, report, reasons) -> bool:
        write = self.stdout.write
        total = report.score()
        write(self.style.MIGRATE_HEADING(f"{split}: {total.stories} stories"))
        write(
            f"  {'kind':<18} {'stories':>7} {'precision':>9} {'recall':>7} "
            f"{'F1':>6} {'hits':>5} {'FP':>4} {'miss':>5}"
        )
        for kind in [*report.kinds, None]:
            s = report.score(kind)
            write(
                f"  {kind or 'ALL (micro)':<18} {s.stories:>7} {s.precision:>9.3f} "
                f"{s.recall:>7.3f} {s.f1:>6.3f} {s.hits:>5} {s.false_positives:>4} "
                f"{s.misses:>5}"
            )
        quiet = report.score("no_entity")
        write(f"  suggestions on no-entity stories: {quiet.suggestions}")
        for outcome in report.outcomes:
            story = outcome.story
            for slug in sorted(outcome.false_positives):
                words = ", ".join(f"“{w}”" for w in dict.fromkeys(outcome.words[slug]))
                write(f"  FALSE POSITIVE {story.id} [{story.kind}]: {slug} ({words})")
            for slug in sorted(outcome.misses):
                offered = [c for c in outcome.choices if slug in c]
                how = ""
                if offered:
                    how = f" (left as a choice: {' / '.join(offered[0])})"
                write(f"  MISS {story.id} [{story.kind}]: {slug}{how}")
            for choice in outcome.choices:
                if not story.gold & set(choice):
                    write(f"  CHOICE OFFERED {story.id}: {' / '.join(choice)}")
            if reasons:
                for slug in sorted(outcome.found):
                    for why in dict.fromkeys(outcome.reasons.get(slug, [])):
                        write(f"    {story.id}: {slug} — {why}")
        met = (
            total.precision >= TARGET_PRECISION
            and total.recall >= TARGET_RECALL
            and quiet.suggestions == 0
        )
        write(
            (self.style.SUCCESS if met else self.style.WARNING)(
                f"  {split}: precision {total.precision:.3f} (target "
                f"{TARGET_PRECISION}), recall {total.recall:.3f} (target "
                f"{TARGET_RECALL}), F1 {total.f1:.3f}"
            )
        )
        return not met
