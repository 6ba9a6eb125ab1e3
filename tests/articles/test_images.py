"""Uploaded images: refused unless they are sane pictures, stored upright and
without their metadata, turned into renditions, and shown with <picture>."""

import io
import struct
import zlib
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage

from articles.images import SPECS, crop_box, recreate_renditions
from articles.models import Image, Rendition
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    RenderedImageFactory,
    picture_bytes,
    stored_files,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_image_add")


def post_image(client, name, content, **fields):
    return client.post(
        ADD,
        {
            "file": SimpleUploadedFile(name, content),
            "alt_text": "A MINI at Oxford",
            **fields,
        },
    )


def opened(field_file) -> PILImage.Image:
    """The stored picture, read back through the storage."""
    with field_file.open("rb"):
        data = field_file.read()
    picture = PILImage.open(io.BytesIO(data))
    picture.load()
    return picture


# Building hostile files cheaply


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body))
    )


def blank_png(width: int, height: int) -> bytes:
    """A real, complete black-and-white PNG of any size, made without drawing
    it: one bit a pixel, and zlib squeezes the zero rows to a few kilobytes."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(row * height, 9))
        + png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header claims ``width`` × ``height``: the classic
    decompression bomb, harmless until something believes it."""
    real = picture_bytes(1, 1, "PNG")
    header = struct.pack(">II", width, height) + real[24:29]
    return real[:8] + png_chunk(b"IHDR", header) + real[33:]


REFUSED = {
    "a text file named .jpg": (
        "notes.jpg",
        b"Not a picture, whatever the name says.\n" * 20,
        "not_an_image",
        "This file is not a complete image",
    ),
    "a truncated JPEG": (
        "cut.jpg",
        picture_bytes(400, 300)[:1500],
        "not_an_image",
        "This file is not a complete image",
    ),
    "a 20000×20000 header on a 1×1 PNG": (
        "bomb.png",
        png_claiming(20_000, 20_000),
        "too_many_pixels",
        "This image would take too much memory to open.",
    ),
    "a real 12000×12000 PNG": (
        "huge.png",
        blank_png(12_000, 12_000),
        "too_many_pixels",
        "This image would take too much memory to open.",
    ),
    "a real 8000×8000 PNG, over the newsroom's limit": (
        "large.png",
        blank_png(8_000, 8_000),
        "too_many_pixels",
        "This image is 8,000 × 8,000 pixels; the limit is 50 million pixels.",
    ),
    "a BMP": (
        "scan.bmp",
        picture_bytes(40, 30, "BMP"),
        "bad_format",
        "Upload a JPEG, PNG, WebP or GIF image.",
    ),
    "a TIFF": (
        "scan.tiff",
        picture_bytes(40, 30, "TIFF"),
        "bad_format",
        "Upload a JPEG, PNG, WebP or GIF image.",
    ),
    "a BMP named .jpg": (
        "scan.jpg",
        picture_bytes(40, 30, "BMP"),
        "bad_format",
        "Upload a JPEG, PNG, WebP or GIF image.",
    ),
}


def assert_refused(response, code, message, files_before):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["file"]] == [code]
    assert message in response.content.decode()
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files() == files_before


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_upload_is_refused_with_a_clear_error(editor_client, case):
    name, content, code, message = REFUSED[case]
    files_before = stored_files()

    response = post_image(editor_client, name, content)

    assert_refused(response, code, message, files_before)


def test_the_pixel_limit_is_a_setting(editor_client, settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    files_before = stored_files()

    response = post_image(editor_client, "wide.png", blank_png(2_000, 600))

    assert_refused(
        response,
        "too_many_pixels",
        "This image is 2,000 × 600 pixels; the limit is 1 million pixels.",
        files_before,
    )


def test_an_oversized_upload_is_refused(editor_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1024 * 1024
    content = picture_bytes(64, 36) + b"\0" * (1024 * 1024)
    files_before = stored_files()

    response = post_image(editor_client, "big.jpg", content)

    message = "This file is 1.0 MB; the limit is 1 MB."
    assert_refused(response, "file_too_large", message, files_before)


# A good upload and its renditions


def test_an_upload_is_stored_with_a_rendition_of_every_spec(editor_client, editor):
    response = post_image(
        editor_client, "DSC_0001.JPG", picture_bytes(4000, 3000, quality=60)
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (4000, 3000, editor)
    assert image.file.name.endswith(".jpg")
    assert "DSC_0001" not in image.file.name  # a name of our own
    assert image.file_size == image.file.size > 0
    made = {(r.spec, r.format, r.width, r.height) for r in image.renditions.all()}
    assert made == {
        ("full", "webp", 480, 360),
        ("full", "jpeg", 480, 360),
        ("full", "webp", 800, 600),
        ("full", "jpeg", 800, 600),
        ("full", "webp", 1200, 900),
        ("full", "jpeg", 1200, 900),
        ("full", "webp", 1600, 1200),
        ("full", "jpeg", 1600, 1200),
        ("card", "webp", 400, 225),
        ("card", "jpeg", 400, 225),
        ("card", "webp", 800, 450),
        ("card", "jpeg", 800, 450),
        ("card", "webp", 1200, 675),
        ("card", "jpeg", 1200, 675),
        ("thumb", "webp", 160, 160),
        ("thumb", "jpeg", 160, 160),
        ("thumb", "webp", 400, 400),
        ("thumb", "jpeg", 400, 400),
        ("social", "jpeg", 1200, 630),
    }
    for rendition in image.renditions.all():
        picture = opened(rendition.file)
        assert picture.format == rendition.format.upper(), rendition
        assert picture.size == (rendition.width, rendition.height), rendition
        assert rendition.file.name.endswith(
            ".webp" if rendition.format == "webp" else ".jpg"
        )


def test_renditions_are_never_larger_than_the_picture(editor_client):
    response = post_image(editor_client, "small.png", picture_bytes(600, 400, "PNG"))

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".png")
    widths = {}
    for rendition in image.renditions.all():
        widths.setdefault(rendition.spec, set()).add(rendition.width)
    assert widths == {
        "full": {480},
        "card": {400},
        "thumb": {160, 400},
        # Cropped to 600×315: no 1200 width to make, so the crop's own.
        "social": {600},
    }
    assert set(SPECS) == set(widths)


class PictureParser(HTMLParser):
    """Each <picture> of a page: its <source> and <img> attributes."""

    def __init__(self):
        super().__init__()
        self.pictures = []

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.pictures.append({"sources": []})
        elif self.pictures and tag == "source":
            self.pictures[-1]["sources"].append(dict(attrs))
        elif self.pictures and tag == "img" and "img" not in self.pictures[-1]:
            self.pictures[-1]["img"] = dict(attrs)


def srcset_widths(srcset: str) -> list[int]:
    return [int(part.split()[1].removesuffix("w")) for part in srcset.split(", ")]


def test_a_story_page_shows_responsive_pictures(client, frozen_now):
    lead = RenderedImageFactory(alt_text="The lead picture")
    story = ArticleFactory(published=True, lead_image=lead, tags=["mini"])
    ArticleFactory(
        published=True,
        lead_image=RenderedImageFactory(alt_text="A related picture"),
        tags=["mini"],
    )

    parser = PictureParser()
    parser.feed(client.get(story.get_absolute_url()).content.decode())

    first, card = parser.pictures
    # The lead picture, above the fold: loaded at once, at high priority.
    [source] = first["sources"]
    assert source["type"] == "image/webp"
    assert srcset_widths(source["srcset"]) == [480, 800, 1200]
    assert source["sizes"] == "(min-width: 46em) 42rem, 100vw"
    img = first["img"]
    assert srcset_widths(img["srcset"]) == [480, 800, 1200]
    assert img["sizes"] == source["sizes"]
    assert (img["width"], img["height"]) == ("1200", "675")
    assert img["alt"] == "The lead picture"
    assert img["fetchpriority"] == "high"
    assert "loading" not in img
    full_jpegs = lead.renditions.filter(spec="full", format="jpeg")
    assert img["src"] == full_jpegs.get(width=1200).file.url
    # A related story's card, below the fold: 16:9 crops, loaded lazily.
    [card_source] = card["sources"]
    assert srcset_widths(card_source["srcset"]) == [400, 800, 1200]
    assert card["img"]["loading"] == "lazy"
    assert "fetchpriority" not in card["img"]
    assert (card["img"]["width"], card["img"]["height"]) == ("1200", "675")
    assert card["img"]["alt"] == "A related picture"


def test_a_picture_without_renditions_falls_back_to_its_file(client, frozen_now):
    story = ArticleFactory(published=True, lead_image=ImageFactory())

    parser = PictureParser()
    parser.feed(client.get(story.get_absolute_url()).content.decode())

    [picture] = parser.pictures
    assert picture["sources"] == []
    assert picture["img"]["src"] == story.lead_image.file.url
    assert (picture["img"]["width"], picture["img"]["height"]) == ("64", "36")
    assert "srcset" not in picture["img"]


# Metadata


def camera_exif(orientation=None) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 45.0, 3.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 12.0, 41.0)
    return exif


def test_exif_orientation_is_applied(editor_client):
    # Stored 400×200 on its side, with "turn me 90°" in the EXIF.
    content = picture_bytes(400, 200, exif=camera_exif(orientation=6))

    response = post_image(editor_client, "phone.jpg", content)

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (200, 400)
    stored = opened(image.file)
    assert stored.size == (200, 400)
    assert ExifTags.Base.Orientation not in stored.getexif()
    full = image.renditions.get(spec="full", format="jpeg")
    assert full.height > full.width


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("JPEG", "phone.jpg"), ("PNG", "phone.png"), ("WEBP", "phone.webp")],
)
def test_location_and_camera_metadata_are_stripped(editor_client, image_format, name):
    content = picture_bytes(80, 60, image_format, exif=camera_exif())
    with PILImage.open(io.BytesIO(content)) as sent:
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's premise
    assert b"SecretCam" in content

    response = post_image(editor_client, name, content)

    assert response.status_code == 302
    image = Image.objects.get()
    with image.file.open("rb"):
        stored_bytes = image.file.read()
    assert b"SecretCam" not in stored_bytes
    stored = opened(image.file)
    assert stored.format == image_format
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not stored.getexif()
    for rendition in image.renditions.all():
        with rendition.file.open("rb"):
            assert b"SecretCam" not in rendition.file.read()


# Crops and the focal point


@pytest.mark.parametrize(
    ("size", "ratio", "focus", "box"),
    [
        # A 4:3 picture cut to 16:9 keeps its width; the focal point chooses
        # the band, as far as the edges allow.
        ((4000, 3000), 16 / 9, (0.5, 0.5), (0, 375, 4000, 2625)),
        ((4000, 3000), 16 / 9, (0.5, 0.05), (0, 0, 4000, 2250)),
        ((4000, 3000), 16 / 9, (0.5, 0.95), (0, 750, 4000, 3000)),
        # Cut to a square it keeps its height.
        ((4000, 3000), 1.0, (0.6, 0.5), (900, 0, 3900, 3000)),
        ((4000, 3000), 1.0, (0.0, 0.0), (0, 0, 3000, 3000)),
        ((4000, 3000), 1.0, (1.0, 1.0), (1000, 0, 4000, 3000)),
        # Already the right shape: the whole picture.
        ((1600, 900), 16 / 9, (0.1, 0.9), (0, 0, 1600, 900)),
    ],
)
def test_crop_box(size, ratio, focus, box):
    assert crop_box(*size, ratio, *focus) == box


@pytest.mark.parametrize("size", [(4000, 3000), (3000, 4000), (1200, 675), (7, 5)])
@pytest.mark.parametrize("ratio", [spec.ratio for spec in SPECS.values() if spec.ratio])
def test_crops_stay_inside_the_picture_and_keep_the_focal_point(size, ratio):
    width, height = size
    steps = [n / 10 for n in range(11)]
    for fx in steps:
        for fy in steps:
            left, top, right, bottom = crop_box(width, height, ratio, fx, fy)
            assert 0 <= left < right <= width
            assert 0 <= top < bottom <= height
            assert right - left == width or bottom - top == height
            assert abs((right - left) / (bottom - top) - ratio) < 0.5
            assert left <= fx * width <= right
            assert top <= fy * height <= bottom


def two_halves() -> bytes:
    """A 1600×800 picture, red on the left and blue on the right."""
    picture = PILImage.new("RGB", (1600, 800), (220, 0, 0))
    picture.paste((0, 0, 220), (800, 0, 1600, 800))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    return buffer.getvalue()


def thumb_colour(image) -> tuple[int, ...]:
    thumb = image.renditions.get(spec="thumb", format="jpeg", width=400)
    return opened(thumb.file).convert("RGB").getpixel((200, 200))


def is_red(colour):
    return colour[0] > 150 and colour[2] < 60


def is_blue(colour):
    return colour[2] > 150 and colour[0] < 60


def test_moving_the_focal_point_remakes_the_renditions(
    editor_client, django_capture_on_commit_callbacks
):
    post_image(editor_client, "halves.jpg", two_halves(), focal_x="0.1")
    image = Image.objects.get()
    assert is_red(thumb_colour(image))
    old_files = {r.file.name for r in image.renditions.all()}
    assert old_files <= stored_files()

    # The old files go once the new renditions are committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            {"alt_text": image.alt_text, "focal_x": "0.9", "focal_y": "0.5"},
        )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.focal_x == 0.9
    assert is_blue(thumb_colour(image))
    new_files = {r.file.name for r in image.renditions.all()}
    assert len(new_files) == len(old_files)
    assert new_files <= stored_files()
    assert not old_files & stored_files()


def test_recreate_renditions_replaces_every_rendition(
    db, django_capture_on_commit_callbacks
):
    image = RenderedImageFactory(focal_x=0.5)
    before = set(image.renditions.values_list("pk", flat=True))
    files_before = {r.file.name for r in image.renditions.all()}

    image.focal_x = 0.0
    image.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = recreate_renditions(image)

    assert made == len(before) == image.renditions.count()
    assert not before & set(image.renditions.values_list("pk", flat=True))
    assert not files_before & stored_files()
