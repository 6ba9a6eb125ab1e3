import pytest
from django.urls import reverse

from articles import history
from articles.models import Article, Image
from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    ImageFactory,
    PersonFactory,
    article_form_data,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


def test_editor_creates_a_story_with_bylines_tags_and_entities(editor_client):
    second, first = AuthorFactory(name="Zoe Second"), AuthorFactory(name="Adam First")
    company, person = CompanyFactory(), PersonFactory()
    data = article_form_data(
        byline_authors=[str(second.pk), str(first.pk)],
        linked_entities=[str(company.pk), str(person.pk)],
        tags=["electric cars", "China"],
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.slug == "bmw-and-great-wall-in-talks"
    assert article.byline_authors == [second, first]
    assert set(article.entities.all()) == {company.entity_ptr, person.entity_ptr}
    assert sorted(t.name for t in article.tags.all()) == ["China", "electric cars"]
    assert "script" not in article.body


def test_change_form_shows_current_values(editor_client):
    author, company = AuthorFactory(name="Anna Schmidt"), CompanyFactory(name="BMW")
    article = ArticleFactory(authors=[author], entities=[company], tags=["mini"])
    response = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    for expected in ["Anna Schmidt", '<option value="mini" selected>mini</option>']:
        assert expected in html
    assert f'<option value="{company.pk}" selected>BMW</option>' in html


def test_a_form_error_keeps_new_tags(editor_client):
    data = article_form_data(headline="", tags=["brand new tag"])
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "brand new tag" in response.content.decode()
    assert not Article.objects.exists()


def test_tag_autocomplete(editor_client):
    ArticleFactory(tags=["electric cars", "China"])
    url = reverse("admin:articles_article_tag_autocomplete")
    response = editor_client.get(url, {"term": "elec"})
    assert response.json()["results"] == [
        {"id": "electric cars", "text": "electric cars"}
    ]


def test_entity_autocomplete_finds_companies_people_and_brands(editor_client):
    CompanyFactory(name="Great Wall Motor")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "great",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "entities",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Great Wall Motor"]


def test_image_upload_requires_alt_text(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("car.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = editor_client.post(
        reverse("admin:articles_image_add"), {"file": upload, "alt_text": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Image.objects.exists()

    upload.seek(0)
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"file": upload, "alt_text": "A MINI at Oxford"},
    )
    assert response.status_code == 302
    assert Image.objects.get().width == 64


def grow_articles(n):
    authors = [AuthorFactory(), AuthorFactory()]
    for _ in range(n):
        ArticleFactory(authors=authors, tags=["x"], lead_image=ImageFactory())


def grow_entities(n):
    for _ in range(n):
        company = CompanyFactory()
        BrandFactory(owner=company)
        PersonFactory()
        ArticleFactory(entities=[company])


@pytest.mark.parametrize(
    ("admin_url", "grow", "budget"),
    [
        ("admin:articles_article_changelist", grow_articles, 10),
        ("admin:articles_image_changelist", grow_articles, 7),
        ("admin:articles_author_changelist", grow_articles, 7),
        ("admin:articles_section_changelist", grow_articles, 7),
        ("admin:entities_company_changelist", grow_entities, 8),
        ("admin:entities_person_changelist", grow_entities, 8),
        ("admin:entities_brand_changelist", grow_entities, 8),
        ("admin:entities_entity_changelist", grow_entities, 7),
    ],
)
def test_changelist_query_budget(editor_client, admin_url, grow, budget):
    grow(5)
    assert_budget(editor_client, reverse(admin_url), lambda: grow(45), budget)


def test_a_journalist_without_a_byline_gets_one_and_keeps_editing(client, journalist):
    client.force_login(journalist)
    response = client.post(reverse("admin:articles_article_add"), article_form_data())
    assert response.status_code == 302
    article = Article.objects.get()
    assert [a.user for a in article.byline_authors] == [journalist]
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert 'name="headline"' in client.get(change_url).content.decode()


def test_a_correction_links_to_the_change_it_came_with(editor_client):
    article = ArticleFactory(published=True, body="<p>The plant is in Cowley.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.post(url, article_form_data(article))  # a version to compare with
    data = article_form_data(article)
    data |= {
        "body": "<p>The plant is in Oxford.</p>",
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-text": "An earlier version gave the wrong plant.",
        "corrections-0-published_at_0": "2026-11-26",
        "corrections-0-published_at_1": "10:00:00",
    }
    assert editor_client.post(url, data).status_code == 302
    correction = article.corrections.get()
    assert correction.version == history.versions_of(article).first()
    html = editor_client.get(url).content.decode()
    assert "Compare the versions" in html


def test_large_story_lists_are_counted_by_estimate(editor_client, monkeypatch):
    from newsroom.paginators import EstimatedCountPaginator

    for _ in range(3):
        ArticleFactory()
    url = reverse("admin:articles_article_changelist")
    assert editor_client.get(url).context["cl"].result_count == 3
    # Past the threshold the planner's estimate stands in for COUNT(*).
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", -1)
    monkeypatch.setattr(
        EstimatedCountPaginator, "estimate", staticmethod(lambda qs, conn: 123_456)
    )
    changelist = editor_client.get(url).context["cl"]
    assert changelist.result_count == 123_456
    assert changelist.full_result_count is None
