"""Uploaded images: refused unless they are real pictures of sane size,
cleaned of metadata, and turned into renditions for responsive pages.

Renditions are made once, when an image is uploaded (or when load_demo adds
one), and stored through Django's storage API, so they can live on object
storage; pages only read them.

Files are not part of a database transaction, so ``store_image`` keeps the two
in step: an image and its renditions are saved all or nothing, the files of a
failed save are deleted again, and files that a save replaces are deleted
only once it has committed.
"""

import io
import logging
import re
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]  # disks, sockets, timeouts
    try:  # object storage through django-storages
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


# What a media storage raises when it cannot take or give back a file.
STORAGE_ERRORS = _storage_errors()


class MediaStorageError(Exception):
    """The media storage did not take a file; nothing of the save was kept."""


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_IMAGE_UPLOAD_BYTES", 20 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "MAX_IMAGE_PIXELS", 50_000_000)


@dataclass(frozen=True)
class Spec:
    """One family of renditions: a crop ratio (None keeps the picture's own)
    and the widths to make."""

    name: str
    ratio: float | None
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("webp", "jpeg")


SPECS = {
    spec.name: spec
    for spec in [
        Spec("full", None, (480, 800, 1200, 1600)),
        Spec("card", 16 / 9, (400, 800, 1200)),
        Spec("thumb", 1.0, (160, 400)),
        Spec("social", 1200 / 630, (1200,), ("jpeg",)),
    ]
}


_DRIVE = re.compile(r"^[A-Za-z]:")


def validate_file_name(name: str) -> None:
    """Refuse a name that is not a plain file name: one that reaches into
    directories ("../", "C:"), hides characters (controls, right-to-left
    overrides) or no file system would take. The name is never used to store
    the file; a request that sends such a name is not a photographer's."""
    if (
        not name
        or name in {".", ".."}
        or "/" in name
        or "\\" in name
        or _DRIVE.match(name)
        or len(name) > 255
        or not name.isprintable()
    ):
        raise ValidationError(
            "This file name is not a plain file name: rename the file (letters, "
            "digits, spaces, dots and dashes) and upload it again.",
            code="bad_file_name",
        )


def validate_upload(upload) -> str:
    """Refuse anything but a real, complete JPEG, PNG, WebP or GIF of
    reasonable size; return its format. Judged by content, not by name."""
    validate_file_name(upload.name or "")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_upload_bytes() / 1024 / 1024:.0f} MB.",
            code="file_too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as picture:
                image_format = picture.format
                width, height = picture.size
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG, WebP or GIF image.", code="bad_format"
                    )
                if width * height > max_pixels():
                    raise ValidationError(
                        f"This image is {width:,} × {height:,} pixels; the limit is "
                        f"{max_pixels() / 1_000_000:.0f} million pixels.",
                        code="too_many_pixels",
                    )
                picture.verify()
            upload.seek(0)
            with PILImage.open(upload) as picture:
                picture.load()  # verify() does not notice a truncated file
    except ValidationError:
        raise
    except (
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
    ) as error:
        raise ValidationError(
            "This image would take too much memory to open.", code="too_many_pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This file is not a complete image: upload a JPEG, PNG, WebP or GIF.",
            code="not_an_image",
        ) from error
    finally:
        upload.seek(0)
    return image_format


def cleaned_upload(upload, image_format: str) -> ContentFile:
    """The upload turned the right way up and stripped of its metadata
    (location included), under a name of our own."""
    upload.seek(0)
    extension = ALLOWED_FORMATS[image_format]
    name = f"{uuid.uuid4().hex}.{extension}"
    if image_format == "GIF":
        return ContentFile(upload.read(), name=name)  # no EXIF; keep animation
    with PILImage.open(upload) as picture:
        picture = ImageOps.exif_transpose(picture)
        buffer = io.BytesIO()
        if image_format == "JPEG":
            picture.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True)
        elif image_format == "PNG":
            picture.save(buffer, "PNG", optimize=True)
        else:
            picture.save(buffer, "WEBP", quality=88)
    return ContentFile(buffer.getvalue(), name=name)


def crop_box(width: int, height: int, ratio: float, fx: float, fy: float):
    """The largest box of ``ratio`` inside the picture, centred on the focal
    point as far as the edges allow."""
    if width / height > ratio:
        crop_w, crop_h = round(height * ratio), height
    else:
        crop_w, crop_h = width, round(width / ratio)
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def layout_shortfall(width: int, height: int) -> str | None:
    """Why a picture of this size is smaller than the layout asks for, or
    None: every family of renditions (SPECS) wants its widest size, cropped
    to its ratio. A smaller picture is still used, at its own size, so this
    is a warning, not a refusal."""
    if not width or not height:
        return None
    worst = None
    for spec in SPECS.values():
        wanted = max(spec.widths)
        if spec.ratio is None:
            have = width
        else:
            left, _, right, _ = crop_box(width, height, spec.ratio, 0.5, 0.5)
            have = right - left
        if have < wanted and (worst is None or have / wanted < worst[0]):
            worst = (have / wanted, spec, have, wanted)
    if worst is None:
        return None
    _, spec, have, wanted = worst
    if spec.ratio is None:
        gap = f"the layout shows pictures up to {wanted} px wide"
    else:
        gap = (
            f"cropped to the {spec.name} shape it is {have} px wide, "
            f"where the layout shows up to {wanted} px"
        )
    return (
        f"This picture is {width} × {height} px; {gap}, so it will look soft "
        "on large screens. Upload a larger original if there is one."
    )


def _encode(picture, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "webp":
        picture.save(buffer, "WEBP", quality=80, method=4)
    else:
        picture.convert("RGB").save(
            buffer, "JPEG", quality=82, optimize=True, progressive=True
        )
    return buffer.getvalue()


def create_renditions(image, written: list[str] | None = None) -> int:
    """Make every missing rendition of ``image``; return how many were made.
    The stored names are added to ``written`` as they are made."""
    from articles.models import Rendition

    existing = set(image.renditions.values_list("spec", "format", "width"))
    made = 0
    image.file.open("rb")
    try:
        with PILImage.open(image.file) as source:
            source.load()
            source = source.convert(
                "RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB"
            )
    finally:
        image.file.close()
    for spec in SPECS.values():
        picture = source
        if spec.ratio is not None:
            picture = source.crop(
                crop_box(*source.size, spec.ratio, image.focal_x, image.focal_y)
            )
        widths = [w for w in spec.widths if w <= picture.width] or [picture.width]
        for width in widths:
            height = round(picture.height * width / picture.width)
            resized = None
            for image_format in spec.formats:
                if (spec.name, image_format, width) in existing:
                    continue
                if resized is None:
                    resized = picture.resize(
                        (width, height), PILImage.Resampling.LANCZOS
                    )
                extension = "webp" if image_format == "webp" else "jpg"
                # A new name each time: a remade rendition (the focal point
                # moved) must not be served from a browser's or CDN's cache.
                token = uuid.uuid4().hex[:8]
                rendition = Rendition(
                    image=image,
                    spec=spec.name,
                    format=image_format,
                    file=ContentFile(
                        _encode(resized, image_format),
                        name=f"{image.pk}-{spec.name}-{width}-{token}.{extension}",
                    ),
                )
                try:
                    rendition.save()
                finally:
                    # Stored even if the row then failed: the caller may
                    # have to delete it again.
                    if written is not None and rendition.file._committed:
                        written.append(rendition.file.name)
                made += 1
    return made


def recreate_renditions(image, written: list[str] | None = None) -> int:
    """After the focal point moves: replace every rendition. The old files
    go once the new ones are committed, so a failure keeps the old set whole."""
    from articles.models import Rendition

    with transaction.atomic():
        old_files = list(image.renditions.values_list("file", flat=True))
        image.renditions.all().delete()
        made = create_renditions(image, written)
        storage = Rendition._meta.get_field("file").storage
        transaction.on_commit(lambda: delete_files(storage, old_files))
        return made


def delete_files(storage, names) -> None:
    """Delete stored files, logging (not raising) what could not go: a file
    left behind is only waste, which ``check_restore`` reports."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete media file %s", name, exc_info=True)


def store_image(image, *, remake_renditions: bool = False) -> None:
    """Save ``image`` (writing its file if it is new) and make its renditions,
    all or nothing: in one transaction, and if any step fails, the files this
    call wrote are deleted again. A failure of the media storage is raised as
    MediaStorageError, with nothing saved."""
    from articles.models import Image

    storage = Image._meta.get_field("file").storage
    new_file = bool(image.file) and not image.file._committed
    written: list[str] = []
    try:
        with transaction.atomic():
            try:
                image.save()
            finally:
                if new_file and image.file._committed:
                    written.append(image.file.name)
            if remake_renditions:
                recreate_renditions(image, written)
            else:
                create_renditions(image, written)
    except Exception as error:
        delete_files(storage, written)
        if isinstance(error, STORAGE_ERRORS):
            logger.exception("The media storage failed while saving an image")
            raise MediaStorageError(
                "The image could not be stored: the media storage did not "
                "accept the file. Nothing was saved; please try again."
            ) from error
        raise
