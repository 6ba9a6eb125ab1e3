"""Uploaded images served from this machine's disk, for an install without
object storage (README, "Media in production").

Only files the database knows are served: an image's original or one of its
renditions, found by name. Readers get the pictures of what they may read
(``Image.objects.public()``); signed-in staff get every picture, a draft's
too, and so does the holder of a preview link for that story's pictures.
Anything else, a directory, a path that climbs out of MEDIA_ROOT, a file
that is not a picture, answers 404, the same as a file that does not exist,
so that the answer tells nothing about what is on the disk.

The check is the same whoever sends the bytes. With MEDIA_ACCEL_REDIRECT
set (nginx in front, deploy/nginx/newsroom.conf), the answer carries only
headers and an ``X-Accel-Redirect`` to nginx's internal location, and nginx
sends the file; without it, gunicorn streams the file itself.
"""

import os
import posixpath
import stat as file_mode
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Exists, F, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles.models import Image, PreviewLink, Rendition

# The formats images.py accepts and makes; nothing else is ever served.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
# Set by the preview page on the media path: the link whose story's pictures
# its holder may fetch.
PREVIEW_COOKIE = "newsroom_preview"
# Renditions get a new random name whenever they are made again, so a copy
# never goes stale; an original keeps its name while its focal point moves.
RENDITION_MAX_AGE = 365 * 24 * 60 * 60
ORIGINAL_MAX_AGE = 24 * 60 * 60


def stored_name(path: str) -> str | None:
    """The storage name ``path`` asks for, or None for anything that is not a
    plain relative name of a picture (climbing out, absolute, NUL, a folder)."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return None
    parts = PurePosixPath(path).parts
    if any(part in {"", ".", ".."} for part in parts) or path.endswith("/"):
        return None
    if posixpath.splitext(path)[1].lower() not in CONTENT_TYPES:
        return None
    return path


@require_safe
def serve_media(request, path: str):
    name = stored_name(path)
    if name is None or not isinstance(default_storage, FileSystemStorage):
        # With object storage, pages link the bucket, never this address.
        raise Http404("No such file.")
    is_rendition = name.startswith("renditions/")
    found = find_image(name, rendition=is_rendition)
    if found is None:
        raise Http404("No such file.")
    image_id, public = found
    if not public and not may_see_unpublished(request, image_id):
        raise Http404("No such file.")

    try:
        response = file_response(request, name, default_storage.path(name))
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("No such file.") from None
    response["X-Content-Type-Options"] = "nosniff"
    # A picture is never a page: nothing in it may run or be framed.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        max_age = RENDITION_MAX_AGE if is_rendition else ORIGINAL_MAX_AGE
        patch_cache_control(response, public=True, max_age=max_age)
        if is_rendition:
            patch_cache_control(response, immutable=True)
    else:
        # A draft's picture, for the staff or a preview link: no shared
        # cache may keep it, and it must not outlive a withdrawal.
        patch_cache_control(response, private=True, no_store=True)
    return response


def find_image(name: str, *, rendition: bool) -> tuple[int, bool] | None:
    """The id of the image whose original (or rendition) is stored as
    ``name``, and whether readers may see it: one query."""
    public = Image.objects.public().filter(pk=OuterRef("image_id"))
    if rendition:
        files = Rendition.objects.filter(file=name)
    else:
        files = Image.objects.filter(file=name).annotate(image_id=F("pk"))
    return files.values_list("image_id", Exists(public)).first()


def file_response(request, name: str, full_path: str):
    """The file's answer: its bytes from gunicorn, or only its headers and an
    internal redirect for nginx to send them (MEDIA_ACCEL_REDIRECT). A
    conditional GET that still holds, and a HEAD, open no file."""
    stat = os.stat(full_path)
    if not file_mode.S_ISREG(stat.st_mode):
        raise IsADirectoryError(full_path)
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    last_modified = int(stat.st_mtime)
    content_type = CONTENT_TYPES[posixpath.splitext(name)[1].lower()]
    accel = settings.MEDIA_ACCEL_REDIRECT
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None and accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name)
    elif response is None and request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
        response["Content-Length"] = str(stat.st_size)
    elif response is None:
        # FileResponse closes the file once it has been sent.
        response = FileResponse(open(full_path, "rb"), content_type=content_type)  # noqa: SIM115
    response["Last-Modified"] = http_date(last_modified)
    response["ETag"] = etag
    return response


def may_see_unpublished(request, image_id: int) -> bool:
    """Staff see every picture; a preview link's holder sees its story's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    token = request.COOKIES.get(PREVIEW_COOKIE)
    if not token:
        return False
    link = PreviewLink.objects.from_token(token)
    if link is None or not link.is_active:
        return False
    article = link.article
    return article.lead_image_id == image_id


def remember_preview(response, link: PreviewLink) -> None:
    """Let the holder of ``link`` fetch its story's pictures until it expires."""
    response.set_cookie(
        PREVIEW_COOKIE,
        link.token,
        expires=link.expires_at,
        path=settings.MEDIA_URL,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
