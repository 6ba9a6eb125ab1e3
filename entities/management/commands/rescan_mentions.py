import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from entities.detection import current_index
from entities.mentions import mentions_in, record_suggestions


def counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


class Command(BaseCommand):
    help = (
        "Scan stories for mentions of the known companies, people and brands "
        "(after adding an entity or an alias, say), link the clear ones and "
        "suggest the ambiguous ones. Dismissed suggestions stay dismissed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be linked and suggested; change nothing.",
        )
        parser.add_argument(
            "--suggest-only",
            action="store_true",
            help="Record suggestions for the desk, but link nothing.",
        )
        parser.add_argument(
            "--status",
            choices=[s.value for s in Article.Status],
            help="Only stories in this state (all stories by default).",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run, suggest_only, status, batch_size, **options):
        started = time.perf_counter()
        index = current_index()
        self.stdout.write(f"Matcher ready: {index.size:,} names and aliases.")
        stories = Article.objects.order_by("pk")
        if status:
            stories = stories.filter(status=status)
        total = stories.count()
        totals = {"stories": 0, "found": 0, "linked": 0, "pending": 0, "dismissed": 0}
        changed_stories = 0
        last_pk = 0
        while True:
            batch = list(
                stories.filter(pk__gt=last_pk).only("pk", "headline", "dek", "body")[
                    :batch_size
                ]
            )
            if not batch:
                break
            with transaction.atomic():
                for article in batch:
                    summary = record_suggestions(
                        article,
                        mentions_in(article),
                        link_unambiguous=not suggest_only,
                    )
                    totals["stories"] += 1
                    for key in ("found", "linked", "pending", "dismissed"):
                        totals[key] += summary[key]
                    if summary["linked"]:
                        changed_stories += 1
                        if options["verbosity"] >= 2:
                            self.stdout.write(
                                f"  {article.headline}: {summary['linked']} new link(s)"
                            )
                if dry_run:
                    transaction.set_rollback(True)
            last_pk = batch[-1].pk
            self.stdout.write(f"  {totals['stories']:,} / {total:,} stories scanned")

        elapsed = time.perf_counter() - started
        verb = "would get" if dry_run else "got"
        self.stdout.write(
            self.style.SUCCESS(
                f"Scanned {counted(totals['stories'], 'story', 'stories')} in "
                f"{elapsed:.1f} s: {counted(totals['found'], 'mention')} found; "
                f"{counted(changed_stories, 'story', 'stories')} {verb} "
                f"{counted(totals['linked'], 'new link')}; "
                f"{counted(totals['pending'], 'suggestion')} wait for the desk; "
                f"{totals['dismissed']:,} stay dismissed."
            )
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
