"""The admin in the newsroom's words: names of apps and models, labels of
filters, one way of writing a time (the newsroom's clock), a scheduled
story called scheduled; and pictures: a focal point set by clicking, a
warning for an upload smaller than the layout asks for."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.images import SPECS, layout_shortfall
from articles.models import Image
from articles.workflow import Action, perform
from tests.factories import (
    CompanyFactory,
    ImageFactory,
    picture_bytes,
)

# A filter choice that is a code, not words: "request_changes", "in_review".
RAW_CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")


def test_apps_and_models_have_the_newsrooms_names(client_as):
    response = client_as("superuser").get(reverse("admin:index"))

    apps = {app["app_label"]: app for app in response.context["app_list"]}
    assert apps["articles"]["name"] == "Stories and pictures"
    assert apps["entities"]["name"] == "Companies, people and brands"
    assert apps["taggit"]["name"] == "Tags"
    # The desk's apps first.
    labels = [app["app_label"] for app in response.context["app_list"]]
    assert labels[:3] == ["articles", "entities", "taggit"]
    models = {
        model["object_name"]: model["name"] for model in apps["articles"]["models"]
    }
    assert models["Article"] == "Stories"
    assert models["Transition"] == "Workflow steps"
    html = response.content.decode()
    assert "Taggit" not in html and "TAGGIT" not in html


def changelists():
    return [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    ]


@pytest.mark.parametrize("url_name", changelists())
def test_every_filter_speaks_the_desks_words(client_as, users, story, url_name):
    article = story("in_review")
    perform(article, Action.REQUEST_CHANGES, users["editor"], comment="Why?")
    CompanyFactory()

    response = client_as("superuser").get(reverse(url_name), follow=True)

    assert response.status_code == 200
    if "cl" not in response.context:
        return  # a page of one row (detection settings) opens that row
    for spec in response.context["cl"].filter_specs:
        if isinstance(spec, RelatedFieldListFilter):
            continue  # people, sections, companies: listed by their names
        assert not RAW_CODE.match(str(spec.title)), (url_name, spec.title)
        for choice in spec.choices(response.context["cl"]):
            display = str(choice["display"])
            assert not RAW_CODE.match(display), (url_name, spec.title, display)


def test_the_story_list_filters_by_state_with_scheduled_apart(client_as, story):
    story("draft", headline="A draft")
    story("scheduled", headline="Tomorrow's")
    story("published", headline="Out now")
    client = client_as("editor")
    url = reverse("admin:articles_article_changelist")

    def headlines(**params):
        response = client.get(url, params)
        return [a.headline for a in response.context["cl"].result_list]

    assert headlines(state="scheduled") == ["Tomorrow's"]
    assert headlines(state="published") == ["Out now"]
    assert headlines(state="draft") == ["A draft"]


def test_a_scheduled_story_is_labelled_scheduled_in_newsroom_time(
    client_as, story, frozen_now
):
    # 09:30 tomorrow in London is 08:30 UTC: the admin writes London's time.
    article = story("scheduled", headline="Tomorrow's")
    client = client_as("editor")

    listed = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Scheduled for 11 Jun 2025, 09:30" in listed
    form = client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "Scheduled for 11 Jun 2025, 09:30" in form
    assert "story-state--scheduled" in form


def test_times_read_the_same_everywhere_in_the_admin(client_as, story, frozen_now):
    story("draft")  # modified now: 09:30 in London
    page = client_as("editor").get(reverse("admin:articles_article_changelist"))

    html = page.content.decode()
    assert "10 Jun 2025, 09:30" in html
    assert "a.m." not in html and "p.m." not in html


# Pictures


def test_the_focal_point_is_set_by_clicking_the_picture(client_as, media_on_disk):
    image = ImageFactory(file=SimpleUploadedFile("car.jpg", picture_bytes(1600, 900)))

    page = client_as("editor").get(
        reverse("admin:articles_image_change", args=[image.pk])
    )

    html = page.content.decode()
    assert "data-focal-picker" in html
    assert 'src="/static/js/image_focal_point.js"' in html
    assert 'id="id_focal_x"' in html and 'id="id_focal_y"' in html
    # The picker is driven from the static script: no inline script or style.
    picker = html[html.index("data-focal-picker") : html.index("focal-picker__marker")]
    assert "<script" not in picker and "style=" not in picker


def test_a_new_image_form_has_no_picker_yet(client_as):
    page = client_as("editor").get(reverse("admin:articles_image_add"))
    assert "data-focal-picker" not in page.content.decode()


def largest_width():
    return max(width for spec in SPECS.values() for width in spec.widths)


@pytest.mark.parametrize(
    ("size", "warned"),
    [
        ((2400, 1600), False),
        ((1600, 900), False),  # the layout's own size: every rendition full
        ((1024, 683), True),
        ((1600, 600), True),  # wide enough, too short for the 16:9 crop
    ],
)
def test_layout_shortfall(size, warned):
    message = layout_shortfall(*size)
    assert bool(message) is warned
    if size == (1024, 683):
        assert message == (
            f"This picture is 1024 × 683 px; the layout shows pictures up to "
            f"{largest_width()} px wide, so it will look soft on large screens. "
            "Upload a larger original if there is one."
        )
    if size == (1600, 600):
        assert "cropped to the card shape it is 1067 px wide" in message


def upload(client, width, height):
    return client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile(
                "car.jpg", picture_bytes(width, height), content_type="image/jpeg"
            ),
            "alt_text": "A MINI at Oxford",
        },
        follow=True,
    )


def test_a_small_upload_is_kept_with_a_warning(client_as, media_on_disk):
    response = upload(client_as("editor"), 800, 450)

    assert Image.objects.get().width == 800
    warnings = [
        str(m) for m in response.context["messages"] if m.level_tag == "warning"
    ]
    assert warnings == [layout_shortfall(800, 450)]
    image = Image.objects.get()
    page = client_as("editor").get(
        reverse("admin:articles_image_change", args=[image.pk])
    )
    assert "image-too-small" in page.content.decode()


def test_a_large_enough_upload_has_no_warning(client_as, media_on_disk):
    response = upload(client_as("editor"), 1600, 900)

    assert Image.objects.get().width == 1600
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]
