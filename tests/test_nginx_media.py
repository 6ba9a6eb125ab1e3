"""nginx in front, as deploy/nginx recommends for media on local disk: the
app checks every picture, nginx sends the file (X-Accel-Redirect), and a
draft's picture, the internal location and a climb out of the media folder
all stay closed.

A real nginx (Debian's nginx-light, which ``make test`` installs) runs the
shipped newsroom-media.conf and newsroom-proxy.conf in front of gunicorn
started from gunicorn.conf.py with the production settings.
"""

import pytest

from demo.servers import (
    Gunicorn,
    Nginx,
    app_server_environment,
    shut_down,
)
from tests.factories import RenderedImageFactory

pytestmark = [
    pytest.mark.scale_out,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


@pytest.fixture
def nginx(media_on_disk, tmp_path):
    if reason := Nginx.unavailable():
        pytest.fail(reason)
    app = Gunicorn(
        app_server_environment(
            tmp_path,
            MEDIA_ROOT=str(media_on_disk),
            MEDIA_ACCEL_REDIRECT="/_media_files/",
        ),
        workers=1,
    )
    front = Nginx(backend_port=app.port, media_root=media_on_disk)
    try:
        app.start()
        front.start()
        yield front
    finally:
        front.stop()
        shut_down(app)


def headers_named(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]


def test_nginx_sends_what_the_app_allows_and_nothing_else(nginx, story):
    public = story("published", lead_image=RenderedImageFactory()).lead_image
    draft = story("draft", lead_image=RenderedImageFactory()).lead_image
    rendition = public.renditions.get(spec="full", format="webp", width=800)

    status, headers, body = nginx.get(rendition.file.url)
    assert status == 200
    with rendition.file.open("rb") as stored:
        assert body == stored.read()
    assert headers_named(headers, "Content-Type") == ["image/webp"]
    assert headers_named(headers, "Cache-Control") == [
        "public, max-age=31536000, immutable"
    ]
    assert headers_named(headers, "X-Content-Type-Options") == ["nosniff"]
    # nginx sent the bytes (its byte ranges): the app's own answer was an
    # empty body with the internal redirect, which nginx keeps to itself.
    assert headers_named(headers, "Accept-Ranges") == ["bytes"]
    assert not headers_named(headers, "X-Accel-Redirect")
    assert nginx.get(public.file.url)[0] == 200

    # A draft's picture, the internal location asked for directly, and
    # climbs out of the media folder: never a file.
    for path in [
        draft.file.url,
        *(r.file.url for r in draft.renditions.all()[:2]),
        f"/_media_files/{public.file.name}",
        "/media/../secret.jpg",
        "/media/%2e%2e/secret.jpg",
        "/_media_files/../secret.jpg",
        "/media/images/stray.jpg",
        "/media/images/",
    ]:
        status, _, body = nginx.get(path)
        assert status in {400, 403, 404}, path
        assert b"not for readers" not in body and b"a file no image" not in body
