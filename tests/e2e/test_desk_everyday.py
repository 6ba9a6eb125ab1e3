"""The desk's everyday, in a browser: the mail a publish sends arrives at a
real SMTP server and its link opens the story; a misspelled search finds the
seed story; a correction's "what changed" page; an autosave sent as the tab
is hidden. Screenshots at 375 and 1280 px in screenshots/."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from tests.e2e.desk import open_story, press_workflow

pytestmark = pytest.mark.e2e

WIDTHS = (375, 1280)
SEED_HEADLINE = (
    "BMW says Great Wall talks on China-built electric MINIs are ‘going well’"
)
SEED_SLUG = "bmw-great-wall-talks-electric-mini-china-going-well"

# A story the journalist has sent for review, made on the server for this
# test, so that the demo's own story in review stays for the other tests.
IN_REVIEW = """
from articles.models import Article, Author, Byline, Section
story = Article.objects.create(
    headline="Great Wall opens a design studio in Munich",
    slug="great-wall-design-studio-munich",
    dek="The studio will work on the electric MINI's interior.",
    body="<p>Great Wall Motor has opened a design studio in Munich.</p>",
    section=Section.objects.get(slug="automotive"),
    status=Article.Status.IN_REVIEW,
)
Byline.objects.create(article=story, author=Author.objects.get(slug="clara-ashdown"))
"""


class Inbox:
    """What the SMTP server was handed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def server(newsroom):
    if newsroom.server is None:
        pytest.skip("needs the server this run starts (not E2E_SERVER_URL)")
    return newsroom.server


@pytest.fixture
def smtp_inbox(server):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, where the newsroom's mail
    goes."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=server.smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def at_widths(page: Page, name: str, screenshots) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        # Nothing wider than the screen.
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        ), f"{name} scrolls sideways at {width} px"


def test_the_publish_mail_arrives_and_its_link_opens_the_story(
    sign_in, reader: Page, server, smtp_inbox, screenshots, new_context
):
    server.shell(IN_REVIEW)
    editor = sign_in("editor")
    open_story(editor, "Great Wall opens a design studio in Munich")
    press_workflow(editor, "Publish")
    expect(editor.locator(".story-state strong")).to_have_text("Published")
    # The click only queued the mail: nothing has been sent yet.
    assert smtp_inbox.messages == []

    server.run_worker()

    # The demo's budget mails (load_demo plans tomorrow) wait in the same
    # queue and go out with it; the publish mail is the one to follow.
    (message,) = [
        m
        for m in smtp_inbox.messages
        if m["Subject"] == "Published: Great Wall opens a design studio in Munich"
    ]
    assert message["To"] == "journalist@newsroom.example"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Hello Clara,")
    assert "Maren Holloway has published" in text
    public_url = re.search(r"^(http://\S+/stories/\S+/)$", text, re.M)[1]
    assert public_url == f"{server.url}/stories/great-wall-design-studio-munich/"

    reader.goto(public_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Great Wall opens a design studio in Munich"
    )

    # The HTML part, as a mail program shows it.
    html = message.get_body(("html",)).get_content()
    mail_view = new_context().new_page()
    mail_view.set_content(html)
    link = mail_view.get_by_role("link", name=public_url)
    assert link.get_attribute("href") == public_url
    at_widths(mail_view, "desk-publish-mail", screenshots)


@pytest.mark.parametrize(
    ("typed", "meant", "card"),
    [
        ("Brillaince", "Brilliance", "Brilliance Auto"),
        ("Grate Wall", "Great Wall", "Great Wall Motor"),
        ("Krugger", "Krueger", "Harald Krueger"),
    ],
)
def test_a_misspelled_search_finds_the_seed_story(
    reader: Page, screenshots, typed, meant, card
):
    reader.goto("/search/")
    main = reader.locator("#main")
    main.get_by_label("Search for").fill(typed)
    main.get_by_role("button", name="Search").click()

    expect(reader.locator(".search-spelling")).to_contain_text(
        f"Showing results for {meant}"
    )
    expect(reader.get_by_role("link", name=SEED_HEADLINE)).to_be_visible()
    expect(
        reader.locator(".entity-card__name").get_by_role("link", name=card, exact=True)
    ).to_be_visible()
    if typed == "Brillaince":
        at_widths(reader, "desk-search-misspelled", screenshots)
        # The reader's own words, if they meant them.
        reader.get_by_role("link", name="search for it anyway").click()
        expect(main.get_by_label("Search for")).to_have_value("Brillaince")
        expect(reader.get_by_role("heading", name="0 stories")).to_be_visible()


def test_a_correction_shows_readers_what_it_changed(sign_in, reader: Page, screenshots):
    editor = sign_in("editor")
    open_story(editor, SEED_HEADLINE)
    dek = editor.get_by_label("Standfirst")
    dek.fill(dek.input_value().replace("take months", "take at least six months"))
    editor.locator("#corrections-group .add-row a").click()
    editor.locator("textarea[name='corrections-0-text']").fill(
        "An earlier version of this story understated how long the talks "
        "were expected to last."
    )
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("changed successfully")

    reader.goto(f"/stories/{SEED_SLUG}/")
    reader.get_by_role("link", name="See what this correction changed").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(
        "What we corrected in"
    )
    change = reader.locator(".correction-change").first
    expect(change.locator(".correction-change__label")).to_have_text("Standfirst")
    expect(change.locator(".correction-change__side--before")).to_contain_text(
        "negotiations to take months"
    )
    expect(change.locator("ins")).to_have_text("at least six")
    at_widths(reader, "desk-correction-what-changed", screenshots)
    reader.get_by_role("link", name="Back to the story").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(SEED_HEADLINE)


def test_the_autosave_goes_when_the_tab_is_hidden(sign_in, screenshots):
    journalist = sign_in("journalist")
    open_story(journalist, "Electric MINI: five questions for its launch year")
    url = journalist.url
    journalist.get_by_label("Headline").fill("Typed just before the tab was hidden")
    # The tab goes to the background (another tab, the phone's home screen):
    # the autosave leaves now, by a beacon, not at the next ten-second tick.
    with journalist.expect_request("**/autosave/") as sent:
        journalist.evaluate(
            """() => {
              Object.defineProperty(document, "visibilityState",
                                    {value: "hidden", configurable: true});
              document.dispatchEvent(new Event("visibilitychange"));
            }"""
        )
    beacon = sent.value
    assert "Typed just before the tab was hidden" in (beacon.post_data or "")
    assert "csrfmiddlewaretoken" in beacon.post_data
    assert beacon.response().status == 200

    # Back at the story in another tab, the text is offered again.
    again = journalist.context.new_page()
    again.goto(url)
    expect(again.get_by_text("You have unsaved work on this story")).to_be_visible()
    again.screenshot(path=screenshots / "desk-autosave-offered-1280.png")
    again.locator('a[href="?restore=autosave"]').first.click()
    expect(again.get_by_label("Headline")).to_have_value(
        "Typed just before the tab was hidden"
    )
