"""Load the demo newsroom: sections, companies, people, brands, bylines, demo
accounts and a set of stories about BMW, MINI and Great Wall.

Every row is found again by its slug, username or alt text, so the command can
run any number of times: a second run creates nothing and writes nothing unless
the demo content in ``demo/content.py`` has changed, in which case it
brings the demo rows back in line with it.
"""

import io
import os
import secrets
from collections import Counter, defaultdict

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw, ImageFont
from taggit.models import Tag

from articles.images import create_renditions
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    Image,
    Section,
    Transition,
)
from articles.richtext import sanitize_html
from budget.demo import plan_tomorrow
from demo import content as demo
from entities.mentions import record_quotes
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    EntityEvent,
    ExclusionPhrase,
    Person,
    Role,
)

# Short, common words: a demo password should be easy to read out and type.
# Kept as a paragraph: one word per line would take sixty lines to say little.
PASSWORD_WORDS = (
    "amber anchor apron badge banjo beacon bishop bramble candle canyon cedar "
    "cobalt copper cricket dahlia delta ember falcon fennel fjord garnet "
    "ginger granite harbour hazel heron indigo island jasper juniper kettle "
    "lantern linen maple marble meadow nickel oyster paddle pebble pepper "
    "piston quartz quill raven river saffron sapphire shingle silver sorrel "
    "spruce tandem thistle timber tulip velvet walnut willow yarrow zephyr"
).split()

IMAGE_SIZE = (1600, 900)


def readable_password() -> str:
    """Three random words and two digits, e.g. ``ember-quill-harbour-42``."""
    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    return "-".join([*words, f"{secrets.randbelow(90) + 10}"])


def render_lead_image(spec: demo.LeadImage) -> bytes:
    """Draw an abstract 1600×900 JPEG graphic for a story, with Pillow only."""
    width, height = IMAGE_SIZE
    start, end, accent = (ImageColor.getrgb(colour) for colour in spec.palette)

    # A diagonal gradient: average a vertical and a horizontal ramp, then use it
    # to mix the palette's two ends. Resizing a 256px ramp is far faster than
    # drawing the gradient pixel by pixel.
    vertical = PILImage.linear_gradient("L")
    ramp = PILImage.blend(
        vertical, vertical.transpose(PILImage.Transpose.ROTATE_90), 0.5
    )
    mask = ramp.resize(IMAGE_SIZE)
    canvas = PILImage.composite(
        PILImage.new("RGB", IMAGE_SIZE, end),
        PILImage.new("RGB", IMAGE_SIZE, start),
        mask,
    ).convert("RGBA")

    overlay = PILImage.new("RGBA", IMAGE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if spec.motif == "rings":
        cx, cy = int(width * 0.74), int(height * 0.42)
        for step, radius in enumerate(range(90, 900, 70)):
            alpha = max(30, 170 - step * 12)
            draw.ellipse(
                (cx - radius, cy - radius, cx + radius, cy + radius),
                outline=(*accent, alpha),
                width=8,
            )
    elif spec.motif == "bands":
        for step, x in enumerate(range(-400, width + 400, 190)):
            alpha = 40 + (step % 3) * 35
            draw.polygon(
                [(x, height), (x + 90, height), (x + 590, 0), (x + 500, 0)],
                fill=(*accent, alpha),
            )
    elif spec.motif == "grid":
        for row, y in enumerate(range(60, height, 60)):
            for x in range(width // 2, width, 60):
                radius = 5 + (row + x // 60) % 4 * 3
                draw.ellipse(
                    (x - radius, y - radius, x + radius, y + radius),
                    fill=(*accent, 150),
                )
    elif spec.motif == "arcs":
        for step in range(7):
            inset = step * 110
            draw.arc(
                (width - 500 + inset, -700 + inset, width + 900 - inset, 700 - inset),
                start=90,
                end=270,
                fill=(*accent, 200 - step * 22),
                width=26,
            )
    else:
        raise ValueError(f"Unknown motif {spec.motif!r}")

    # The story's word, large and bottom-left, under a short accent rule. The
    # default font is scalable from Pillow 10.1, so no font file is needed.
    size = 260
    font = ImageFont.load_default(size=size)
    while draw.textlength(spec.word, font=font) > width * 0.8 and size > 60:
        size -= 20
        font = ImageFont.load_default(size=size)
    left, bottom = 110, height - 110
    draw.rectangle(
        (left, bottom - size - 70, left + 160, bottom - size - 56), fill=accent
    )
    draw.text(
        (left, bottom), spec.word, font=font, fill=(255, 255, 255, 235), anchor="ls"
    )

    image = PILImage.alpha_composite(canvas, overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, progressive=True)
    return buffer.getvalue()


# Colours for the demo's portraits and marks, picked by name so that a
# re-run draws the same one.
MARK_PALETTES = [
    ("#0f5e6e", "#5fd4c4"),
    ("#5b1f4f", "#ff7a6b"),
    ("#3d566e", "#9cc9f0"),
    ("#0f5132", "#b5e655"),
    ("#7a1f12", "#e8b04a"),
    ("#3b2a85", "#c9a7ff"),
]


def initials(name: str) -> str:
    """ "Clara Ashdown" → "CA"; "BMW Group" → "BG"; "MINI" → "MI"."""
    words = [word for word in name.replace("-", " ").split() if word[0].isalnum()]
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def render_mark(name: str) -> bytes:
    """A square 800×800 JPEG with ``name``'s initials on a colour of its own:
    the demo's stand-in for a byline photo or a company's picture."""
    background, accent = (
        ImageColor.getrgb(colour)
        for colour in MARK_PALETTES[sum(map(ord, name)) % len(MARK_PALETTES)]
    )
    image = PILImage.new("RGB", (800, 800), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 90, 710, 710), outline=accent, width=18)
    font = ImageFont.load_default(size=300)
    draw.text((400, 410), initials(name), font=font, fill="white", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, progressive=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Load a demo newsroom (sections, entities, bylines, stories and the "
        "'journalist' and 'editor' accounts). Safe to run again: existing rows "
        "are found by slug or username and nothing is duplicated. Set "
        "DEMO_PASSWORD to give both accounts a known password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do all the work, then roll it back and report what would change.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=(
                "Give existing demo accounts new passwords, and print them "
                "(DEMO_PASSWORD, when set, is used instead)."
            ),
        )

    def handle(self, *args, dry_run, reset_passwords, **options):
        self.verbosity = options["verbosity"]
        self.reset_passwords = reset_passwords
        self.counts = defaultdict(Counter)
        self.account_lines = []
        self.warnings = []
        # Files are not part of the transaction: remember what we wrote, so a
        # rollback (a dry run or an error) can remove them again.
        self.written_files = []

        rolled_back = True
        try:
            # One revision for the whole load: every story starts with a version.
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment("Demo content loaded")
                tags_before = Tag.objects.count()
                self.load_newsroom()
                self.count_tags(tags_before)
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    rolled_back = False
        finally:
            if rolled_back:
                self.delete_written_files()

        self.report(dry_run)

    def load_newsroom(self):
        self.sections = {
            spec["slug"]: self.sync(
                "Sections",
                Section,
                {"slug": spec["slug"]},
                {k: v for k, v in spec.items() if k != "slug"},
            )
            for spec in demo.SECTIONS
        }
        self.load_entities()
        self.load_people_and_accounts()
        self.stories = {}
        for story in demo.STORIES:
            self.load_story(story)
        self.load_events()
        plan_tomorrow(self)

    def load_entities(self):
        self.entities = {}
        for spec in demo.COMPANIES:
            self.entities[spec["slug"]] = self.sync_entity("Companies", Company, spec)
        for spec in demo.BRANDS:
            owner = self.entities[spec["owner"]]
            self.entities[spec["slug"]] = self.sync_entity(
                "Brands", Brand, {**spec, "owner": owner}
            )
        for spec in demo.PEOPLE:
            self.entities[spec["slug"]] = self.sync_entity("People", Person, spec)

        for spec in demo.ROLES:
            person = self.entities[spec["person"]]
            company = self.entities[spec["company"]]
            self.sync(
                "Roles",
                Role,
                {"person": person, "company": company, "title": spec["title"]},
                {
                    "start_date": spec["start_date"],
                    "end_date": spec["end_date"],
                    "press_titles": spec.get("press_titles", ""),
                },
            )

        for spec in demo.RELATIONSHIPS:
            first = self.entities[spec["from_company"]]
            second = self.entities[spec["to_company"]]
            values = {field: spec[field] for field in ("status", "start_date", "note")}
            # A relationship reads the same from either side, so one entered
            # the other way round in the admin is the same relationship.
            either_way = CompanyRelationship.objects.filter(
                Q(from_company=first, to_company=second)
                | Q(from_company=second, to_company=first),
                kind=spec["kind"],
            )
            self.sync(
                "Company relationships",
                CompanyRelationship,
                {"from_company": first, "to_company": second, "kind": spec["kind"]},
                values,
                queryset=either_way,
            )

    def sync_entity(self, label, model, spec):
        values = {
            k: v
            for k, v in spec.items()
            if k not in {"slug", "aliases", "not_this"} and v is not None
        }
        entity = self.sync(label, model, {"slug": spec["slug"]}, values)
        if entity.image_id is None:
            entity.image = self.mark_image(
                entity.name, f"Newsroom graphic: {entity.name}"
            )
            entity.save(update_fields=["image"])
        for name, case_sensitive in spec["aliases"]:
            self.sync(
                "Aliases",
                Alias,
                {"entity": entity, "name": name},
                {"case_sensitive": case_sensitive},
            )
        for phrase in spec.get("not_this", []):
            self.sync(
                "“Not this” phrases",
                ExclusionPhrase,
                {"entity": entity, "phrase": phrase},
                {},
            )
        return entity

    def load_people_and_accounts(self):
        users = {spec["author"]: self.sync_account(spec) for spec in demo.ACCOUNTS}
        self.authors = {
            spec["slug"]: self.sync(
                "Authors",
                Author,
                {"slug": spec["slug"]},
                {
                    **{k: v for k, v in spec.items() if k != "slug"},
                    "user": users.get(spec["slug"]),
                },
            )
            for spec in demo.AUTHORS
        }
        for author in self.authors.values():
            if author.photo_id is None:
                author.photo = self.mark_image(
                    author.name, f"Initials of {author.name}, the byline's picture"
                )
                author.save(update_fields=["photo"])

    def sync_account(self, spec):
        User = get_user_model()
        user, created = self.sync(
            "Staff accounts",
            User,
            {"username": spec["username"]},
            {
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": spec["email"],
                "is_active": True,
                "is_staff": True,
                # The passwords are printed, so these accounts must never be
                # able to do more than their group allows.
                "is_superuser": False,
            },
            return_created=True,
        )
        self.set_password(user, created)

        group = Group.objects.filter(name=spec["group"]).first()
        if group is None:
            self.warnings.append(
                f"Group “{spec['group']}” does not exist, so “{user.username}” has "
                "no permissions yet. Run “manage.py migrate” and load the demo again."
            )
        elif not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            self.counts["Group memberships"]["created"] += 1
        else:
            self.counts["Group memberships"]["unchanged"] += 1
        return user

    def set_password(self, user, created):
        username = user.username
        shared = os.environ.get("DEMO_PASSWORD")
        if shared:
            # Checked first so that a re-run with the same value writes nothing.
            if created or not user.check_password(shared):
                user.set_password(shared)
                user.save(update_fields=["password"])
            self.account_lines.append(f"{username} / {shared}  (from DEMO_PASSWORD)")
        elif created or self.reset_passwords:
            password = readable_password()
            user.set_password(password)
            user.save(update_fields=["password"])
            self.account_lines.append(f"{username} / {password}")
        else:
            self.account_lines.append(
                f"{username}: account exists; its password was printed when it was "
                "created (use --reset-passwords for a new one)"
            )

    def load_story(self, story):
        values = {
            "headline": story.headline,
            "dek": story.dek,
            # Stored sanitised, so compare sanitised: otherwise every re-run
            # would see a difference and save again.
            "body": sanitize_html(story.body),
            "section": self.sections[story.section],
            "status": story.status,
            "published_at": story.published_at,
            "updated_at": story.updated_at,
            "created_at": story.filed_at,
            "lead_image": self.lead_image(story.image),
        }
        # Article.save() derives first_published_at and sanitises the body.
        article, created = self.sync(
            "Stories", Article, {"slug": story.slug}, values, return_created=True
        )
        self.stories[story.slug] = article
        if not created:
            return  # its tags, bylines and links are the newsroom's now

        # Tags match case-insensitively (TAGGIT_CASE_INSENSITIVE): "china" already
        # on the story is the wanted "China", not a tag to swap on every run.
        current_tags = {name.lower(): name for name in article.tags.names()}
        wanted_tags = {tag.lower() for tag in story.tags}
        stale_tags = [
            name for key, name in current_tags.items() if key not in wanted_tags
        ]
        missing_tags = [tag for tag in story.tags if tag.lower() not in current_tags]
        if stale_tags:
            article.tags.remove(*stale_tags)
        if missing_tags:
            article.tags.add(*missing_tags)
        self.counts["Story tags"]["removed"] += len(stale_tags)
        self.counts["Story tags"]["created"] += len(missing_tags)
        self.counts["Story tags"]["unchanged"] += len(story.tags) - len(missing_tags)

        authors = [self.authors[slug] for slug in story.authors]
        self.remove_stale("Bylines", article.bylines.exclude(author__in=authors))
        for order, author in enumerate(authors):
            self.sync(
                "Bylines",
                Byline,
                {"article": article, "author": author},
                {"order": order},
            )

        entities = [self.entities[slug] for slug in story.entities]
        self.remove_stale(
            "Entity links", article.entity_links.exclude(entity__in=entities)
        )
        for entity in entities:
            self.sync(
                "Entity links",
                ArticleEntity,
                {"article": article, "entity": entity},
                {},
            )

        if story.status == Article.Status.IN_REVIEW:
            # The review queue shows who submitted a story and when.
            Transition.objects.create(
                article=article,
                user=authors[0].user if authors else None,
                action="submit",
                from_status=Article.Status.DRAFT,
                to_status=Article.Status.IN_REVIEW,
                created_at=story.filed_at,
            )

        # Quotes signed in the story's block quotes, confirmed for the demo.
        if record_quotes(article):
            article.quotes.update(confirmed=True)
            self.counts["Quotes"]["created"] += article.quotes.count()

        if story.correction:
            when, text = story.correction
            self.sync(
                "Corrections",
                Correction,
                {"article": article, "published_at": when},
                {"text": text},
            )

    def load_events(self):
        for slug, date, title, description, story_slugs in demo.EVENTS:
            event, created = self.sync(
                "Timeline events",
                EntityEvent,
                {"entity": self.entities[slug], "title": title},
                {"date": date, "description": description},
                return_created=True,
            )
            if created:
                event.stories.set(
                    [self.stories[s] for s in story_slugs if s in self.stories]
                )

    def lead_image(self, spec):
        return self.demo_image(
            spec.alt_text,
            f"{spec.stem}.jpg",
            lambda: render_lead_image(spec),
            caption=spec.caption,
        )

    def mark_image(self, name, alt_text):
        return self.demo_image(
            alt_text, f"{slugify(name)}-mark.jpg", lambda: render_mark(name)
        )

    def demo_image(self, alt_text, name, render, caption=""):
        """The demo's picture with this alt text, drawn and stored once."""
        image = Image.objects.filter(alt_text=alt_text).first()
        if image is not None:
            self.make_renditions(image)
            return self.sync(
                "Images",
                Image,
                {"pk": image.pk},
                {"caption": caption, "credit": "Newsroom graphic"},
            )
        image = Image(alt_text=alt_text, caption=caption, credit="Newsroom graphic")
        # The content needs a name too: Django reads an unnamed file as empty
        # when it fills in the width and height fields.
        image.file.save(name, ContentFile(render(), name=name), save=False)
        # Recorded before the row is saved, so a failing save still cleans up.
        self.written_files.append((image.file.storage, image.file.name))
        image.save()
        self.note("Images", "created", image)
        self.make_renditions(image)
        return image

    def make_renditions(self, image):
        made = create_renditions(image)
        if made:
            self.counts["Image renditions"]["created"] += made
            self.written_files.extend(
                (r.file.storage, r.file.name) for r in image.renditions.all()
            )

    def sync(
        self, label, model, lookup, values, *, queryset=None, return_created=False
    ):
        """Create the row ``lookup`` finds when it is missing; leave it alone
        when it is there, so that a re-run writes nothing."""
        if queryset is None:
            queryset = model.objects.filter(**lookup)
        obj = queryset.first()
        created = obj is None
        if created:
            obj = model(**lookup, **values)
            obj.save()
            state = "created"
        else:
            # What people changed in the newsroom since is theirs: a re-run
            # only adds what is missing and never overwrites.
            state = "unchanged"
        self.note(label, state, obj)
        return (obj, created) if return_created else obj

    def remove_stale(self, label, queryset):
        for obj in queryset:
            obj.delete()
            self.note(label, "removed", obj)

    def note(self, label, state, obj):
        self.counts[label][state] += 1
        if self.verbosity >= 2 and state != "unchanged":
            self.stdout.write(f"  {state}: {obj._meta.verbose_name} “{obj}”")

    def count_tags(self, tags_before):
        created = Tag.objects.count() - tags_before
        wanted = {tag.lower() for story in demo.STORIES for tag in story.tags}
        self.counts["Tags"]["created"] += created
        self.counts["Tags"]["unchanged"] += len(wanted) - created

    def delete_written_files(self):
        for storage, name in self.written_files:
            storage.delete(name)

    def report(self, dry_run):
        if dry_run:
            self.stdout.write(
                self.style.WARNING("Dry run: nothing was saved. It would have done:")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo newsroom loaded."))

        width = max(len(label) for label in self.counts) + 2
        for label, counts in self.counts.items():
            present = counts["unchanged"] + counts["updated"]
            parts = []
            if counts["created"]:
                parts.append(self.style.SUCCESS(f"{counts['created']} created"))
            if present:
                parts.append(f"{present} already present")
            if counts["updated"]:
                parts.append(self.style.WARNING(f"{counts['updated']} updated"))
            if counts["removed"]:
                parts.append(self.style.WARNING(f"{counts['removed']} removed"))
            self.stdout.write(f"  {label:<{width}}{', '.join(parts)}")

        self.stdout.write("Demo accounts (staff; log in at /admin/):")
        for line in self.account_lines:
            self.stdout.write(f"  {line}")
        if dry_run and any(" / " in line for line in self.account_lines):
            self.stdout.write("  (dry run: these passwords were not saved)")
        for warning in self.warnings:
            self.stdout.write(self.style.WARNING(warning))
