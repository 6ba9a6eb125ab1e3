"""Hostile uploads, beyond tests/articles/test_images.py: other formats in
disguise, bombs of every allowed format, truncated files, names with path
tricks, files too big to keep in memory. Each is refused with a clear error,
and leaves nothing in the database, the media storage or the temp directory;
a picture sent under a tricky name is stored only under a name of our own."""

import io
import random
import struct

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from articles.images import validate_file_name
from articles.models import Image, Rendition
from tests.articles.test_images import (
    ADD,
    assert_refused,
    post_image,
    stored_files,
)
from tests.articles.test_images import REFUSED as REFUSED_ELSEWHERE
from tests.factories import picture_bytes

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = ("not_an_image", "This file is not a complete image")
BAD_FORMAT = ("bad_format", "Upload a JPEG, PNG, WebP or GIF image.")
BOMB = ("too_many_pixels", "This image would take too much memory to open.")
BAD_NAME = ("bad_file_name", "This file name is not a plain file name")
PHP = (
    "invalid_extension",
    "ends in .jpg, .png, .webp or .gif; this one ends in “.php”",
)
HTML = (
    "invalid_extension",
    "ends in .jpg, .png, .webp or .gif; this one ends in “.html”",
)


def noisy(image_format: str, **save) -> bytes:
    """A 300×200 picture of random pixels: it does not compress, so cutting
    the file short really loses picture data."""
    pixels = random.Random(7).randbytes(300 * 200 * 3)
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (300, 200), pixels).save(buffer, image_format, **save)
    return buffer.getvalue()


def gif_claiming(width: int, height: int) -> bytes:
    """A 1×1 GIF whose logical screen claims ``width`` × ``height``."""
    real = picture_bytes(1, 1, "GIF")
    return real[:6] + struct.pack("<HH", width, height) + real[10:]


def webp_claiming(width: int, height: int) -> bytes:
    """A 1×1 lossless WebP whose header claims ``width`` × ``height``."""
    real = bytearray(picture_bytes(1, 1, "WEBP", lossless=True))
    assert real[12:16] == b"VP8L" and real[20] == 0x2F
    (bits,) = struct.unpack("<I", real[21:25])
    bits = (width - 1) | (height - 1) << 14 | (bits >> 28) << 28
    real[21:25] = struct.pack("<I", bits)
    return bytes(real)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims ``width`` × ``height``."""
    real = bytearray(picture_bytes(8, 8))
    sof = real.index(b"\xff\xc0")
    real[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(real)


def gif_with_many_frames(frames: int) -> bytes:
    pictures = [PILImage.new("P", (1, 1), n % 255) for n in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:])
    return buffer.getvalue()


NOISY_PNG, NOISY_WEBP, NOISY_GIF = (noisy(kind) for kind in ("PNG", "WEBP", "GIF"))
NOISY_JPEG = noisy("JPEG", progressive=True)

REFUSED = {
    "an empty file": ("empty.jpg", b"", "empty", "The submitted file is empty."),
    "an SVG with a script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(1)</script></svg>",
        *NOT_AN_IMAGE,
    ),
    "an SVG named .png": (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        *NOT_AN_IMAGE,
    ),
    "an HTML page named .jpg": (
        "photo.jpg",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        *NOT_AN_IMAGE,
    ),
    "a PDF": (
        "scan.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        *NOT_AN_IMAGE,
    ),
    "a ZIP named .jpg": ("photos.jpg", b"PK\x03\x04" + b"\0" * 200, *NOT_AN_IMAGE),
    "an ICO": ("favicon.ico", picture_bytes(16, 16, "ICO"), *BAD_FORMAT),
    "a PPM": ("raw.jpg", picture_bytes(20, 20, "PPM"), *BAD_FORMAT),
    "a GIF header and nothing more": (
        "cut.gif",
        b"GIF89a\x01\x00\x01\x00",
        *NOT_AN_IMAGE,
    ),
    # Half of each file: the header promises a picture the data lacks.
    "a truncated PNG": ("cut.png", NOISY_PNG[: len(NOISY_PNG) // 2], *NOT_AN_IMAGE),
    "a truncated WebP": (
        "cut.webp",
        NOISY_WEBP[: len(NOISY_WEBP) // 2],
        *NOT_AN_IMAGE,
    ),
    "a truncated GIF": ("cut.gif", NOISY_GIF[: len(NOISY_GIF) // 2], *NOT_AN_IMAGE),
    "a truncated progressive JPEG": (
        "cut.jpg",
        NOISY_JPEG[: len(NOISY_JPEG) // 2],
        *NOT_AN_IMAGE,
    ),
    "a 65500×65500 header on a small JPEG": (
        "bomb.jpg",
        jpeg_claiming(65_500, 65_500),
        *BOMB,
    ),
    "a 60000×60000 header on a 1×1 GIF": (
        "bomb.gif",
        gif_claiming(60_000, 60_000),
        *BOMB,
    ),
    "a 16000×16000 header on a 1×1 WebP": (
        "bomb.webp",
        webp_claiming(16_000, 16_000),
        *BOMB,
    ),
    "a name that is a Windows drive path": (
        "C:photo.jpg",
        picture_bytes(40, 30),
        *BAD_NAME,
    ),
    "a JPEG named .php": ("shell.php", picture_bytes(40, 30), *PHP),
    "a JPEG named .jpg.php": ("photo.jpg.php", picture_bytes(40, 30), *PHP),
    "a JPEG named .html": ("page.html", picture_bytes(40, 30), *HTML),
}


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are spooled here."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_hostile_uploads_are_refused_and_leave_nothing_behind(
    editor_client, settings, upload_temp_dir, report_figure
):
    cases = {**REFUSED_ELSEWHERE, **REFUSED}
    refused_by_code: dict[str, int] = {}
    for case, (name, content, code, message) in cases.items():
        files_before = stored_files()
        response = post_image(editor_client, name, content)
        try:
            assert_refused(response, code, message, files_before)
        except AssertionError as error:
            raise AssertionError(f"{case}: {error}") from error
        refused_by_code[code] = refused_by_code.get(code, 0) + 1

    # Too big to hold in memory: spooled to a temp file, refused, removed.
    settings.MAX_IMAGE_UPLOAD_BYTES = 3 * 1024 * 1024
    big = picture_bytes(64, 36) + b"\0" * (4 * 1024 * 1024)
    files_before = stored_files()
    response = post_image(editor_client, "big.jpg", big)
    assert_refused(
        response,
        "file_too_large",
        "This file is 4.0 MB; the limit is 3 MB.",
        files_before,
    )
    refused_by_code["file_too_large"] = refused_by_code.get("file_too_large", 0) + 1
    assert list(upload_temp_dir.iterdir()) == []

    total = sum(refused_by_code.values())
    codes = ", ".join(f"{code} {n}" for code, n in sorted(refused_by_code.items()))
    report_figure(
        f"Upload refusals: {total} hostile files refused ({codes}); "
        "0 files left in storage, 0 rows in the database, 0 temp files"
    )


def test_an_animated_gif_of_many_frames_is_kept_whole_but_drawn_once(editor_client):
    response = post_image(editor_client, "flicker.gif", gif_with_many_frames(300))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".gif")
    assert Rendition.objects.filter(image=image).exists()


def post_raw_upload(client, file_name: str, content: bytes):
    """The image form posted as a browser would, but with ``file_name`` sent
    exactly as given (the test client would keep only its last part)."""
    boundary = "newsroom-boundary"
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="alt_text"\r\n\r\nA MINI\r\n',
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="'
            + file_name.encode()
            + b'"\r\nContent-Type: image/jpeg\r\n\r\n',
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return client.post(
        ADD, body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """The media storage on a real disk, under ``tmp_path``/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path


def files_under(path) -> list:
    return [p.relative_to(path) for p in path.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.jpg",
        "..\\..\\windows\\win.ini.jpg",
        "/etc/cron.d/photo.jpg",
        "&#46;&#46;&#47;&#46;&#46;&#47;photo.jpg",
        "....//....//photo.jpg",
        "photo\u202e.jpg",
        "Harald Krüger at the Frankfurt motor show, 2019, BMW Group press "
        "photograph, free for editorial use in reports about the company.jpg",
    ],
)
def test_a_picture_sent_under_a_path_is_stored_only_under_our_own_name(
    editor_client, media_on_disk, name
):
    """Over HTTP, Django keeps only the last part of a file name and drops
    what is not printable; the newsroom then never uses the name at all."""
    response = post_raw_upload(editor_client, name, picture_bytes(40, 30))
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    stored = files_under(media_on_disk)
    assert len(stored) == 1 + image.renditions.count()
    for path in stored:
        assert path.parts[:2] in {("media", "images"), ("media", "renditions")}, path
        assert path.suffix in {".jpg", ".webp"}, path
    assert image.file.name.rsplit("/", 1)[-1][:-4].isalnum()  # a uuid of ours


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("photo.jpg\x00.php", "invalid_extension"),
        ("photo\u202egpj.exe", "invalid_extension"),
        ("C:\\photo.jpg.asp", "invalid_extension"),
        ("..", "required"),
        ("C:photo.jpg", "bad_file_name"),
    ],
)
def test_a_tricky_name_over_http_is_refused_and_nothing_is_written(
    editor_client, media_on_disk, name, code
):
    response = post_raw_upload(editor_client, name, picture_bytes(40, 30))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["file"]] == [code]
    assert not Image.objects.exists()
    assert files_under(media_on_disk) == []


@pytest.mark.parametrize(
    "name",
    [
        "../x.jpg",
        "a/b.jpg",
        "a\\b.jpg",
        "C:x.jpg",
        "..",
        "",
        "x\x00.jpg",
        "x\u202e.jpg",
        "a" * 252 + ".jpg",
    ],
)
def test_a_name_that_is_not_a_plain_file_name_is_refused(name):
    """Django's uploads never carry a path, but an import or a future API
    might: validate_upload is the guard of its own."""
    with pytest.raises(ValidationError) as refused:
        validate_file_name(name)
    assert refused.value.code == "bad_file_name"


@pytest.mark.parametrize(
    "name", ["photo.jpg", "Krüger, BMW AG (2019).JPEG", "a" * 251 + ".jpg"]
)
def test_a_plain_file_name_passes(name):
    validate_file_name(name)
