"""The masthead and footer ({% site_chrome %}): rendered once per process
for what they show, and never showing another page's state."""

import datetime
import re
import zoneinfo

import pytest

from articles.templatetags import newsroom as tags
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def nothing_kept():
    tags._chrome.clear()
    yield
    tags._chrome.clear()


def current_links(html: str) -> list[str]:
    nav = html.split('<nav class="section-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def masthead(html: str) -> str:
    return html.split('<header class="masthead"', 1)[1].split("</header>", 1)[0]


def test_each_page_marks_its_own_place_in_the_navigation(client):
    business = SectionFactory(name="Business", slug="business")
    SectionFactory(name="Auto", slug="auto")
    story = ArticleFactory(published=True, section=business)

    home = client.get("/").content.decode()
    assert current_links(home) == ["/"]
    assert current_links(client.get("/sections/business/").content.decode()) == [
        "/sections/business/"
    ]
    assert current_links(client.get("/sections/auto/").content.decode()) == [
        "/sections/auto/"
    ]
    # A story is in a section, but its page is not the section's.
    assert current_links(client.get(story.get_absolute_url()).content.decode()) == []
    # Asked again, each is what it was: kept, not mixed up.
    assert client.get("/").content.decode().count('aria-current="page"') == 1
    assert current_links(client.get("/").content.decode()) == ["/"]
    assert masthead(client.get("/").content.decode()) == masthead(home)


def test_a_renamed_section_is_shown_at_once(client):
    section = SectionFactory(name="Business", slug="business")
    assert ">Business</a>" in client.get("/").content.decode()

    section.name = "Business and markets"
    section.save()

    page = client.get("/").content.decode()
    assert ">Business and markets</a>" in masthead(page)
    assert ">Business</a>" not in page


def test_search_words_are_the_readers_own_and_never_kept(client):
    first = client.get("/search/", {"q": '"><script>alert(1)</script>'})
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in (
        first.content.decode()
    )
    second = client.get("/search/", {"q": "Great Wall"}).content.decode()
    assert 'value="Great Wall"' in second
    assert "script" not in masthead(second)
    # Nothing with words in it was kept for another reader.
    assert all("Great Wall" not in html for html in tags._chrome.values())
    # The next page without words has an empty box again.
    assert 'name="q" type="search" placeholder="Search" value=""' in (
        client.get("/").content.decode()
    )


def test_the_footer_has_the_years_date(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=LONDON))
    assert "&copy; 2026 " in client.get("/").content.decode()
    time_machine.move_to(datetime.datetime(2027, 1, 1, 0, 1, tzinfo=LONDON))
    assert "&copy; 2027 " in client.get("/").content.decode()
