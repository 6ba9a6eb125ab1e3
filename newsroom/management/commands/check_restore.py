"""Check a restored database and its media before the site is opened on them.

    python manage.py check_restore [--skip-media] [--strict] [--show N]

Prints how many rows each model has, then looks for what a restore can get
wrong: migrations the code expects but the database lacks, rows pointing at
rows that are not there (bylines, entity links, renditions, corrections, any
foreign key), entities without their company/person/brand row, sequences
behind their table (the next insert would collide), public stories missing
from search, media files that rows name but the storage lacks, and files in
the storage that no row names. Exits with status 1 when it found a problem;
files no row names are only reported (a media backup taken after the
database dump has a few), unless --strict.

It only reads, in one read-only snapshot, so it can run against a live site.
"""

from collections import defaultdict

from django.apps import apps
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Exists, OuterRef

from articles.models import Article
from entities.models import KIND_MODELS, DetectionSettings, Entity

# One row, always pk 1, never inserted through its sequence.
SINGLETON_TABLES = {DetectionSettings._meta.db_table}


def label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def concrete_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


class Command(BaseCommand):
    help = (
        "Check a restored database and its media: row counts, broken links, "
        "orphaned rows, sequences, missing and unreferenced files. Exits 1 on "
        "problems."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-media",
            action="store_true",
            help="Do not list the media storage (a very large bucket).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Count files that no row names as problems too.",
        )
        parser.add_argument(
            "--show",
            type=int,
            default=20,
            metavar="N",
            help="How many examples to print of each problem (default 20).",
        )

    def handle(self, *args, **options):
        self.show = options["show"]
        self.problems = 0
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                self._snapshot()
            self.check_migrations()
            self.print_counts()
            self.check_links()
            self.check_entities()
            self.check_sequences()
            self.check_search()
            if not options["skip_media"]:
                self.check_media(strict=options["strict"])
        if self.problems:
            raise CommandError(
                f"{self.problems} problem{'s' if self.problems != 1 else ''} found: "
                "do not open the site on this restore before they are understood."
            )
        self.stdout.write(self.style.SUCCESS("No problems found."))

    def _snapshot(self):
        """Every check sees the same moment of a live database."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )

    # Reporting

    def heading(self, text):
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def ok(self, text):
        self.stdout.write(f"  {self.style.SUCCESS('ok')}  {text}")

    def problem(self, text, examples=()):
        self.problems += 1
        self.finding(self.style.ERROR("PROBLEM"), text, examples)

    def warning(self, text, examples=()):
        self.finding(self.style.WARNING("warning"), text, examples)

    def finding(self, label, text, examples):
        """A labelled line, then the first --show examples and how many more."""
        self.stdout.write(f"  {label}  {text}")
        examples = list(examples)
        for example in examples[: self.show]:
            self.stdout.write(f"      {example}")
        if len(examples) > self.show:
            self.stdout.write(f"      … and {len(examples) - self.show:,} more")

    def query(self, what, run):
        """Run one check's query; a failure (a missing table, say) is a problem
        of its own and does not stop the others."""
        try:
            with transaction.atomic():
                return run()
        except DatabaseError as error:
            self.problem(f"could not check {what}: {str(error).strip()}")
            return None

    # The checks

    def check_migrations(self):
        self.heading("Migrations")
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.problem(
                f"{len(plan)} migration(s) not applied: the dump is older than "
                "the code (run migrate after checking why)",
                [f"{m.app_label}.{m.name}" for m, _ in plan],
            )
        else:
            self.ok("every migration is applied")

    def print_counts(self):
        self.heading("Rows")
        for model in sorted(concrete_models(), key=label):
            if model._meta.auto_created:
                continue  # many-to-many tables: counted through their links
            count = self.query(label(model), model._base_manager.count)
            if count is not None:
                self.stdout.write(f"  {label(model):<40} {count:>10,}")

    def check_links(self):
        """Every foreign key points at a row that exists. PostgreSQL enforces
        this, unless the restore was made without its constraints (a data-only
        or --disable-triggers restore, or a partial one)."""
        self.heading("Links between rows")
        checked = 0
        for model in sorted(concrete_models(), key=label):
            for field in model._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one):
                    continue
                target = field.related_model
                broken = (
                    model._base_manager.filter(**{f"{field.attname}__isnull": False})
                    .exclude(
                        Exists(
                            target._base_manager.filter(
                                **{field.target_field.attname: OuterRef(field.attname)}
                            )
                        )
                    )
                    .values_list("pk", field.attname)
                )
                what = f"{label(model)}.{field.name} → {label(target)}"
                rows = self.query(what, lambda broken=broken: list(broken[:1000]))
                checked += 1
                if rows:
                    self.problem(
                        f"{what}: {len(rows):,}{'+' if len(rows) == 1000 else ''} "
                        f"row(s) point at a missing {target.__name__}",
                        [f"{label(model)} {pk} → {value}" for pk, value in rows],
                    )
        self.ok(f"{checked} links checked")

    def check_entities(self):
        """Companies, people and brands are two rows each (multi-table
        inheritance): a restore of one table without the other leaves an
        entity no page can show."""
        self.heading("Companies, people and brands")
        for kind, child in KIND_MODELS.items():
            orphans = self.query(
                f"{kind} rows",
                lambda kind=kind, child=child: list(
                    Entity.objects.filter(kind=kind)
                    .exclude(Exists(child.objects.filter(pk=OuterRef("pk"))))
                    .values_list("pk", "name")[:1000]
                ),
            )
            if orphans:
                self.problem(
                    f"{len(orphans):,} entities of kind {kind} have no "
                    f"{child.__name__} row",
                    [f"entity {pk}: {name}" for pk, name in orphans],
                )
            elif orphans is not None:
                self.ok(f"every {kind} has its {child.__name__} row")

    def check_sequences(self):
        """A sequence behind its table's largest id makes the next insert fail
        with a duplicate key: it happens after a data-only restore."""
        self.heading("Id sequences")
        if connection.vendor != "postgresql":
            self.ok("not PostgreSQL: nothing to check")
            return
        behind = []
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            sequences = connection.introspection.sequence_list()
            for sequence in sequences:
                table, column = sequence["table"], sequence["column"]
                if table not in tables or table in SINGLETON_TABLES:
                    continue
                qn = connection.ops.quote_name
                cursor.execute(
                    f"SELECT last_value, is_called FROM {qn(sequence['name'])}"
                )
                last_value, is_called = cursor.fetchone()
                cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")
                (largest,) = cursor.fetchone()
                next_value = last_value + 1 if is_called else last_value
                if largest is not None and next_value <= largest:
                    behind.append(f"{table}.{column}: next {next_value}, max {largest}")
        if behind:
            self.problem(
                f"{len(behind)} sequence(s) behind their table; fix with "
                "`manage.py sqlsequencereset <app>… | manage.py dbshell`",
                behind,
            )
        else:
            self.ok(f"{len(sequences)} sequences ahead of their tables")

    def check_search(self):
        self.heading("Search")
        unsearchable = self.query(
            "search vectors",
            lambda: list(
                Article.objects.published()
                .filter(search_vector__isnull=True)
                .values_list("pk", "slug")[:1000]
            ),
        )
        if unsearchable:
            self.problem(
                f"{len(unsearchable):,} public stories cannot be found by search "
                "(no search vector)",
                [f"story {pk}: {slug}" for pk, slug in unsearchable],
            )
        elif unsearchable is not None:
            self.ok("every public story is in the search index")

    def check_media(self, *, strict: bool):
        """Files rows name against files the storage holds, by listing the
        storage once rather than asking about each file."""
        self.heading("Media files")
        referenced: dict[str, list[str]] = defaultdict(list)
        for model in sorted(concrete_models(), key=label):
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    rows = self.query(
                        f"{label(model)}.{field.name}",
                        lambda model=model, field=field: list(
                            model._base_manager.exclude(**{field.attname: ""})
                            .exclude(**{f"{field.attname}__isnull": True})
                            .values_list("pk", field.attname)
                        ),
                    )
                    for pk, name in rows or []:
                        referenced[name].append(f"{label(model)} {pk}")
        storage = storages["default"]
        self.stdout.write(f"  listing the media storage ({type(storage).__name__})…")
        stored = set(self.list_storage(storage))
        missing = sorted(set(referenced) - stored)
        unreferenced = sorted(stored - set(referenced))
        self.stdout.write(
            f"  {len(referenced):,} files named by rows, {len(stored):,} in the storage"
        )
        if missing:
            self.problem(
                f"{len(missing):,} files named by rows are missing from the storage",
                [f"{name} ({', '.join(referenced[name])})" for name in missing],
            )
        else:
            self.ok("every file a row names is in the storage")
        if unreferenced:
            report = self.problem if strict else self.warning
            report(
                f"{len(unreferenced):,} files in the storage are named by no row "
                "(a media backup newer than the database dump, or waste)",
                unreferenced,
            )
        else:
            self.ok("every file in the storage is named by a row")

    def list_storage(self, storage, path=""):
        try:
            directories, files = storage.listdir(path)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{path}{name}"
        for directory in directories:
            yield from self.list_storage(storage, f"{path}{directory}/")
