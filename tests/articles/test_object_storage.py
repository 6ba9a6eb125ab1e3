"""Media on S3-compatible object storage (django-storages), configured by the
environment, against a real S3 server on 127.0.0.1 (moto in server mode):
uploads and every rendition land in the bucket, and pages link readers to it."""

import json
import runpy
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from articles.models import Image
from demo.servers import free_port
from tests.articles.test_images import PictureParser, post_image
from tests.factories import ArticleFactory, picture_bytes

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-media"
REGION = "eu-west-2"


def settings_under(monkeypatch, **environment) -> dict:
    """newsroom/settings/__init__.py as it reads with these environment variables."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(
        str(Path(django_settings.BASE_DIR, "newsroom/settings/__init__.py"))
    )


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server of our own on a free port, with the bucket the
    newsroom writes to, readable by anyone as a public media bucket is."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, settings):
    """The newsroom configured, through its environment variables, to keep
    media in the bucket; the bucket's client, emptied after the test."""
    environment = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
    }
    configured = settings_under(monkeypatch, **environment)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": configured["STORAGES"]["default"],
    }
    settings.CONTENT_SECURITY_POLICY = configured["CONTENT_SECURITY_POLICY"]
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    yield client
    for key in keys_in(client):
        client.delete_object(Bucket=BUCKET, Key=key)


def keys_in(client) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def test_media_stay_on_disk_unless_a_bucket_is_named(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    configured = settings_under(monkeypatch)
    assert configured["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_an_upload_and_every_rendition_are_stored_in_the_bucket(bucket, editor_client):
    response = post_image(editor_client, "DSC_0001.JPG", picture_bytes(800, 600))

    assert response.status_code == 302
    image = Image.objects.get()
    renditions = list(image.renditions.all())
    assert len(renditions) == 13  # every spec's widths up to 800 px
    stored = keys_in(bucket)
    assert stored == {image.file.name} | {r.file.name for r in renditions}
    assert image.file_size == image.file.size > 0
    for rendition in renditions:
        head = bucket.head_object(Bucket=BUCKET, Key=rendition.file.name)
        assert head["ContentType"] == f"image/{rendition.format}"
        # Names are never reused, so a browser or CDN may keep a file forever.
        assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_story_pages_send_readers_to_the_bucket(
    bucket, s3_endpoint, editor_client, frozen_now
):
    post_image(editor_client, "lead.jpg", picture_bytes(480, 270))
    story = ArticleFactory(published=True, lead_image=Image.objects.get())

    page = editor_client.get(story.get_absolute_url())

    parser = PictureParser()
    parser.feed(page.content.decode())
    [picture] = parser.pictures
    urls = [picture["img"]["src"]] + [
        candidate.split()[0]
        for srcset in [picture["img"]["srcset"], picture["sources"][0]["srcset"]]
        for candidate in srcset.split(", ")
    ]
    media = f"{s3_endpoint}/{BUCKET}/"
    assert all(url.startswith(media) for url in urls), urls
    # The page's Content-Security-Policy lets the browser load them.
    img_src = next(
        directive.split()[1:]
        for directive in page["Content-Security-Policy"].split(";")
        if directive.split()[0] == "img-src"
    )
    assert s3_endpoint in img_src
    assert "X-Amz-Signature" not in page.content.decode()  # cacheable links
    # A reader's browser gets the picture straight from the bucket.
    with urllib.request.urlopen(picture["img"]["src"]) as served:
        assert served.status == 200
        assert served.headers["Content-Type"] == "image/jpeg"
        assert (
            served.read()
            == bucket.get_object(
                Bucket=BUCKET, Key=picture["img"]["src"].removeprefix(media)
            )["Body"].read()
        )


def test_a_cdn_domain_serves_the_media(bucket, monkeypatch, settings):
    configured = settings_under(
        monkeypatch,
        AWS_S3_CUSTOM_DOMAIN="media.newsroom.test",
        AWS_LOCATION="uploads",
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": configured["STORAGES"]["default"],
    }

    name = default_storage.save("images/lead.jpg", ContentFile(picture_bytes()))

    assert name == "images/lead.jpg"
    assert keys_in(bucket) == {"uploads/images/lead.jpg"}
    assert (
        default_storage.url(name)
        == "https://media.newsroom.test/uploads/images/lead.jpg"
    )


def test_moving_the_focal_point_removes_the_old_renditions_from_the_bucket(
    bucket, editor_client, django_capture_on_commit_callbacks
):
    post_image(editor_client, "lead.jpg", picture_bytes(400, 225))
    image = Image.objects.get()
    old = {r.file.name for r in image.renditions.all()}

    # The old files go once the new ones are committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            {"alt_text": image.alt_text, "focal_x": "0.9", "focal_y": "0.5"},
        )

    assert response.status_code == 302
    new = {r.file.name for r in image.renditions.all()}
    assert len(new) == len(old)
    assert keys_in(bucket) == {image.file.name} | new
