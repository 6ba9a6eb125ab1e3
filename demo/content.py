"""The demo newsroom's content, kept apart from the code that loads it.

`python manage.py load_demo` reads this module. Everything here is keyed by a
stable slug or username, so the loader can find what an earlier run created.

The stories follow the reference story in the design notes (BMW's talks with
Great Wall over electric MINIs built in China) and stay within the facts it
gives, written in the newsroom's own words. The journalists are invented.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# The desk works on London time, whatever TIME_ZONE a deployment uses.
LONDON = ZoneInfo("Europe/London")


def london(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


SECTIONS = [
    {
        "slug": "automotive",
        "name": "Automotive",
        "order": 1,
        "description": (
            "Carmakers, their brands and their factories, and the industry's "
            "shift to electric driving."
        ),
    },
    {
        "slug": "business",
        "name": "Business",
        "order": 2,
        "description": (
            "Deals, joint ventures and strategy, and the people who run the "
            "companies we cover."
        ),
    },
    {
        "slug": "technology",
        "name": "Technology",
        "order": 3,
        "description": (
            "Platforms, batteries and the engineering behind the industry's next cars."
        ),
    },
]

# Entity slugs are unique across kinds in the demo, so stories can name them by
# slug alone. An alias is (name, case_sensitive).
COMPANIES = [
    {
        "slug": "bmw-group",
        "name": "BMW Group",
        # "BMW" alone names the group in most business copy, and the car brand
        # too: detection reads the story's context (these words, the brands
        # and partners it names) and offers the choice when nothing decides.
        "aliases": [
            ("BMW AG", False),
            ("Bayerische Motoren Werke", False),
            ("BMW", True),
        ],
        "context_words": "shares, profit, investors, board, results, Munich",
        "country": "Germany",
        "headquarters": "Munich",
        "founded": 1916,
        "website": "https://www.bmwgroup.com",
        "description": (
            "The Munich-based maker of BMW, MINI and Rolls-Royce cars and BMW "
            "motorcycles, whose origins go back to an aircraft-engine business "
            "founded in 1916. It builds cars in Germany and at plants around the "
            "world, among them Oxford in England and, through its joint venture "
            "with Brilliance Auto, Shenyang in China."
        ),
    },
    {
        "slug": "great-wall-motor",
        "name": "Great Wall Motor",
        # "GWM" only in capitals: lower-case it is not the company.
        "aliases": [("Great Wall", False), ("GWM", True)],
        # The landmark is not the carmaker.
        "not_this": ["Great Wall of China"],
        "country": "China",
        "headquarters": "Baoding",
        "founded": 1984,
        "website": "https://www.gwm-global.com",
        "description": (
            "A privately controlled Chinese carmaker, founded in 1984 and based in "
            "Baoding, in Hebei province. It is best known for its pickup trucks "
            "and for SUVs sold under the Haval brand. In July 2018 it signed a "
            "letter of intent with BMW Group about building electric MINIs in "
            "China."
        ),
    },
    {
        "slug": "brilliance-auto",
        "name": "Brilliance Auto",
        # Case-sensitive: "brilliance" is also a word, and at the start of a
        # sentence the name needs support from the rest of the story.
        "aliases": [("Brilliance", True)],
        "country": "China",
        "headquarters": "Shenyang",
        "founded": None,
        "website": "",
        "description": (
            "A Chinese vehicle maker based in Shenyang, in the north-eastern "
            "province of Liaoning. It is BMW Group's partner in BMW Brilliance "
            "Automotive, the joint venture the two companies set up in 2003 to "
            "build BMW cars in China."
        ),
    },
    {
        "slug": "bmw-brilliance-automotive",
        "name": "BMW Brilliance Automotive",
        "aliases": [("BMW Brilliance", False)],
        "country": "China",
        "headquarters": "Shenyang",
        "founded": 2003,
        "website": "",
        "description": (
            "The joint venture of BMW Group and Brilliance Auto, founded in 2003 "
            "and based in Shenyang. It builds BMW cars for Chinese customers at "
            "its plants in the city."
        ),
    },
    {
        "slug": "automotive-news",
        "name": "Automotive News",
        # The title, not "automotive news" in a sentence.
        "case_sensitive": True,
        "aliases": [],
        "country": "United States",
        "headquarters": "Detroit",
        "founded": None,
        "website": "https://www.autonews.com",
        "description": (
            "A trade publication covering the car industry, based in Detroit and "
            "published by Crain Communications. Industry executives often give it "
            "interviews, which other outlets then quote."
        ),
    },
]

BRANDS = [
    {
        "slug": "mini",
        "name": "MINI",
        # No aliases on purpose: "mini" in lower case is an ordinary word, and
        # an alias such as "Mini" would make detection flag it everywhere.
        # "Mini" in running text is still found, as the Title Case of a name
        # in capitals, where the story gives evidence: these context words,
        # BMW Group named, or the cars in the plural ("Minis").
        "aliases": [],
        "context_words": (
            "Cooper, Countryman, Aceman, Clubman, John Cooper Works, hatchback, "
            "Oxford, Cowley"
        ),
        "owner": "bmw-group",
        "country": "United Kingdom",
        "founded": 1959,
        "website": "https://www.mini.com",
        "description": (
            "The British small-car brand owned by BMW Group. It takes its name "
            "from the original Mini of 1959, whose sideways-mounted engine and "
            "front-wheel drive made it a design landmark. BMW relaunched the "
            "brand in 2001, and its home factory is Plant Oxford in England."
        ),
    },
    {
        "slug": "bmw",
        "name": "BMW",
        "aliases": [],
        "context_words": "3 Series, 5 Series, X3, X5, iX, i4, saloon, test drive",
        "owner": "bmw-group",
        "country": "Germany",
        "founded": 1916,
        "website": "https://www.bmw.com",
        "description": (
            "BMW Group's core brand of cars and motorcycles. It made its name with "
            "rear-wheel-drive saloons and coupés, though several of its newer "
            "compact models use the front-wheel-drive architecture it shares "
            "with MINI."
        ),
    },
]

PEOPLE = [
    {
        "slug": "harald-krueger",
        "name": "Harald Krueger",
        "aliases": [("Harald Krüger", False), ("Krueger", False)],
        "country": "Germany",
        "description": (
            "A mechanical engineer who was chairman of BMW AG's board of "
            "management from May 2015 to August 2019. Before taking the top job "
            "he was the board member responsible for production. He led BMW's "
            "talks with Great Wall Motor over electric MINIs built in China."
        ),
    },
]

ROLES = [
    {
        "person": "harald-krueger",
        "company": "bmw-group",
        "title": "Chairman of the Board of Management",
        # How the press usually puts it.
        "press_titles": "CEO, chief executive, chairman",
        "start_date": datetime.date(2015, 5, 13),
        "end_date": datetime.date(2019, 8, 15),
    },
]

RELATIONSHIPS = [
    {
        "from_company": "bmw-group",
        "to_company": "brilliance-auto",
        "kind": "joint_venture",
        "status": "active",
        "start_date": datetime.date(2003, 5, 1),
        "note": (
            "BMW Brilliance Automotive, set up in 2003 and based in Shenyang, "
            "builds BMW cars for Chinese customers."
        ),
    },
    {
        "from_company": "bmw-group",
        "to_company": "great-wall-motor",
        "kind": "letter_of_intent",
        "status": "in_talks",
        "start_date": datetime.date(2018, 7, 10),
        "note": (
            "Letter of intent signed in July 2018, followed by talks about a joint "
            "venture to build electric MINIs in China."
        ),
    },
]

# The staff accounts the demo logs in with. Each writes under the byline named
# by "author"; "group" is created by a migration, not here.
ACCOUNTS = [
    {
        "username": "journalist",
        "first_name": "Clara",
        "last_name": "Ashdown",
        "email": "journalist@newsroom.example",
        "group": "Journalists",
        "author": "clara-ashdown",
    },
    {
        "username": "editor",
        "first_name": "Maren",
        "last_name": "Holloway",
        "email": "editor@newsroom.example",
        "group": "Editors",
        "author": "maren-holloway",
    },
]

AUTHORS = [
    {
        "slug": "clara-ashdown",
        "name": "Clara Ashdown",
        "job_title": "Automotive correspondent",
        "bio": (
            "Clara covers carmakers, their factories and the move to electric "
            "cars, with a particular eye on British manufacturing. She has "
            "reported from motor shows in Frankfurt, Geneva and Shanghai."
        ),
    },
    {
        "slug": "maren-holloway",
        "name": "Maren Holloway",
        "job_title": "Business editor",
        "bio": (
            "Maren runs the business desk and writes about industrial strategy "
            "and European manufacturing. She spent a decade reporting from "
            "Frankfurt and Munich."
        ),
    },
    {
        "slug": "tomas-wexford",
        "name": "Tomas Wexford",
        "job_title": "China business correspondent",
        "bio": (
            "Tomas reports on Chinese companies and the foreign firms that work "
            "with them, from joint ventures to listings in Hong Kong and "
            "Shanghai."
        ),
    },
    {
        "slug": "idris-penhallow",
        "name": "Idris Penhallow",
        "job_title": "Technology reporter",
        "bio": (
            "Idris writes about the engineering behind new cars: platforms, "
            "batteries and software. He trained as an automotive engineer "
            "before turning to journalism."
        ),
    },
]


@dataclass(frozen=True)
class LeadImage:
    """A generated graphic; the alt text identifies it between runs."""

    stem: str
    alt_text: str
    caption: str
    word: str
    # Gradient start, gradient end, accent: a palette of its own per story.
    palette: tuple[str, str, str]
    motif: str  # "rings", "bands", "grid" or "arcs"


@dataclass(frozen=True)
class Story:
    slug: str
    headline: str
    dek: str
    section: str
    status: str
    filed_at: datetime.datetime
    published_at: datetime.datetime | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    # Exactly the companies, people and brands the story mentions.
    entities: tuple[str, ...]
    image: LeadImage
    body: str
    updated_at: datetime.datetime | None = None
    # (when, text) of a correction appended after publication.
    correction: tuple[datetime.datetime, str] | None = None


LEAD_STORY = Story(
    slug="bmw-great-wall-talks-electric-mini-china-going-well",
    headline="BMW says Great Wall talks on China-built electric MINIs are ‘going well’",
    dek=(
        "Harald Krueger expects the joint-venture negotiations to take months, "
        "and says a MINI must still look like a MINI whatever platform it uses."
    ),
    section="automotive",
    status="published",
    filed_at=london(2019, 5, 27, 18, 10),
    published_at=london(2019, 5, 28, 7, 0),
    authors=("clara-ashdown", "tomas-wexford"),
    tags=("China", "electric vehicles", "joint ventures", "MINI"),
    entities=(
        "bmw-group",
        "great-wall-motor",
        "mini",
        "harald-krueger",
        "brilliance-auto",
        "automotive-news",
    ),
    image=LeadImage(
        stem="bmw-great-wall-talks",
        alt_text="The letters BMW + GWM over rings of teal on a deep navy gradient",
        caption=(
            "BMW Group and Great Wall Motor signed a letter of intent in July 2018."
        ),
        word="BMW + GWM",
        palette=("#0b1d3a", "#0f5e6e", "#5fd4c4"),
        motif="rings",
    ),
    body="""
<p>BMW Group’s negotiations with Great Wall Motor over a joint venture to make
electric MINIs in China are making progress, according to Harald Krueger, the
chairman of BMW’s board of management, though he warned that a deal will not
be done quickly.</p>
<p>Krueger told Automotive News that the talks were “going well”. The two
carmakers have been in discussions since July 2018, when BMW and the
Baoding-based manufacturer signed a letter of intent.</p>
<p>He pointed to BMW’s own history in China as a reason for patience.
Negotiating its first Chinese joint venture, with Brilliance Auto in Shenyang,
“took a while”, he said, and he expects the Great Wall talks to run for weeks
and months, which he described as normal at this stage.</p>
<h2>Oxford first</h2>
<p>A Chinese production line would come on top of MINI’s electric plans in
Britain, not in place of them. The brand’s first fully electric car is to be
built at its home plant in Oxford, and BMW says it will go on sale in 2019.
When BMW previewed that car with a concept at the Frankfurt motor show in
2017, it promised a MINI “quick off the mark with a precision-tuned
suspension” that would keep the brand’s familiar character on the road.</p>
<p>BMW’s record suggests that growing abroad need not mean shrinking at home.
Between 2007 and 2017 the group’s output in Germany rose by close to a
quarter, to around 1.15 million vehicles a year, even as almost half of its
production came to be built at plants in other countries. A similar approach
could let MINI grow faster without calling BMW’s commitment to the UK into
question.</p>
<h2>Engineering before signatures</h2>
<p>For Krueger, the first task is technical: settling which architecture a
China-built MINI would use.</p>
<blockquote><p>“If a Mini doesn’t end up looking like a Mini because of an
architecture issue then it won’t work. That’s why the technical questions are
the priority.”</p><p>— Harald Krueger, BMW</p></blockquote>
<p>BMW has yet to say what electric architecture will carry future MINIs. The
brand made its reputation on front-wheel drive, the layout that now also
underpins many newer BMW models. Automobile magazine has reported that the
discussions with Great Wall include co-developing a new platform for MINIs
built after 2023.</p>
<p>Asked when he expected to know more, Krueger pointed to the autumn.</p>
""",
)

STORIES = [
    Story(
        slug="mini-electric-concept-frankfurt-promise",
        headline="What the MINI Electric Concept promised about the car due in 2019",
        dek=(
            "Shown at the Frankfurt motor show in 2017, the concept is still the "
            "best guide to MINI’s first fully electric production car."
        ),
        section="technology",
        status="published",
        filed_at=london(2019, 1, 14, 16, 20),
        published_at=london(2019, 1, 15, 7, 30),
        authors=("idris-penhallow",),
        tags=("MINI", "electric vehicles", "Frankfurt motor show", "design"),
        entities=("mini", "bmw-group"),
        image=LeadImage(
            stem="mini-electric-concept",
            alt_text=(
                "The word FRANKFURT in white across diagonal yellow bands on a "
                "charcoal gradient"
            ),
            caption="The MINI Electric Concept was shown in Frankfurt in 2017.",
            word="FRANKFURT",
            palette=("#1c1c1e", "#3a3a40", "#f2c94c"),
            motif="bands",
        ),
        body="""
<p>The best guide to what MINI’s first fully electric car will be like is
still the show car BMW Group unveiled at the Frankfurt motor show in September
2017.</p>
<p>The MINI Electric Concept looked much like the familiar three-door
hatchback, with details that marked it out as battery-powered. BMW presented it
as a preview of a production model and said the car would go on sale in
2019.</p>
<h2>The promise</h2>
<p>BMW’s description of the concept dwelt on how it would drive rather than on
batteries and range.</p>
<blockquote><p>“Quick off the mark with a precision-tuned suspension.”</p>
<p>— BMW, describing the MINI Electric Concept in Frankfurt</p></blockquote>
<p>The company also said the electric car would have the dynamic character of
a standard MINI on the road. That matters for a brand whose appeal rests on how
its cars feel: small, nimble and entertaining at town speeds. An electric
motor’s instant response suits that character. The weight of a battery pack
works against it, and the suspension tuning BMW talked about in Frankfurt is
where that tension will be resolved.</p>
<h2>Not the first electric MINI</h2>
<p>The concept was not BMW’s first experiment with an electric MINI. About a
decade ago the MINI E, a converted hatchback built in small numbers, was leased
to drivers in a field trial that showed BMW how people used electric cars day
to day. What the company learned fed into its later electric models.</p>
<p>The difference this time is that the electric MINI is meant to be a regular
part of the range, sold alongside petrol models rather than lent out to a
few hundred volunteers.</p>
<h2>What to watch</h2>
<p>The production car is due in 2019 from Plant Oxford, MINI’s home factory in
England. BMW has shown the shape and described the driving character; what it
has still to publish are the numbers buyers compare, from range to price. When
they arrive, the test will be simple: whether the car that goes on sale keeps
the promise made by the one on the Frankfurt stand.</p>
""",
    ),
    Story(
        slug="great-wall-motor-profile",
        headline="Great Wall Motor: the pickup and SUV maker BMW wants for MINI",
        dek=(
            "Founded in 1984 and based in Baoding, Great Wall is little known in "
            "Europe. Here is what it could bring to a joint venture with BMW."
        ),
        section="business",
        status="published",
        filed_at=london(2019, 2, 4, 15, 0),
        published_at=london(2019, 2, 5, 8, 0),
        authors=("tomas-wexford",),
        tags=("China", "Great Wall", "company profiles"),
        entities=(
            "great-wall-motor",
            "bmw-group",
            "mini",
            "bmw-brilliance-automotive",
        ),
        image=LeadImage(
            stem="great-wall-motor-profile",
            alt_text="The letters GWM in white over a dot grid on a crimson gradient",
            caption="Great Wall Motor is based in Baoding, in Hebei province.",
            word="GWM",
            palette=("#5c0f1b", "#a3202f", "#f7c6a3"),
            motif="grid",
        ),
        body="""
<p>To most European drivers Great Wall Motor is an unfamiliar name. In China
it is an established carmaker, and since July 2018 it has been talking to BMW
Group about building electric MINIs together.</p>
<h2>From Baoding</h2>
<p>Great Wall was founded in 1984 and is based in Baoding, in Hebei province,
south-west of Beijing. Unlike several of China’s biggest carmakers it is not
owned by the state: it is privately controlled, and its shares trade in Hong
Kong and Shanghai.</p>
<p>The company made its name with pickup trucks, a segment in which it remains
a leading player at home. Most of its business today comes from SUVs sold
under the Haval brand, and in recent years it has added Wey, a more upmarket
SUV brand.</p>
<h2>What each side would bring</h2>
<ul>
<li><strong>Great Wall:</strong> factories, suppliers and long experience of
selling cars to Chinese buyers in large numbers.</li>
<li><strong>BMW Group:</strong> the MINI brand, its design and engineering
standards, and experience of running a Chinese joint venture through BMW
Brilliance Automotive in Shenyang.</li>
</ul>
<h2>A statement of intent</h2>
<p>The document the two companies signed in July 2018 was a letter of intent:
a statement of purpose rather than a binding agreement. It opened talks about a
joint venture to build electric MINIs in China. The terms of any venture,
from ownership and location to the models it would build and when, are still
to be settled.</p>
<p>For Great Wall, a partnership with one of Germany’s premium carmakers would
be a mark of how far it has come since its pickup-truck beginnings. For BMW, a
partner of Great Wall’s size could help MINI grow in China faster than the
brand could manage alone, and spread the cost of developing electric cars that
will be built and sold in large numbers there.</p>
<p>Neither outcome is certain yet. Joint ventures between carmakers take a
long time to negotiate, and the engineering questions, beginning with the
platform a Chinese-built MINI would use, are the hardest part.</p>
""",
    ),
    Story(
        slug="bmw-brilliance-shenyang-joint-venture",
        headline="BMW Brilliance: the Shenyang joint venture behind BMW in China",
        dek=(
            "Set up with Brilliance Auto in 2003, BMW’s first Chinese joint "
            "venture is the precedent for its talks with Great Wall Motor."
        ),
        section="business",
        status="published",
        filed_at=london(2019, 2, 18, 17, 45),
        published_at=london(2019, 2, 19, 9, 15),
        authors=("tomas-wexford",),
        tags=("China", "joint ventures", "manufacturing"),
        entities=(
            "bmw-group",
            "brilliance-auto",
            "bmw-brilliance-automotive",
            "great-wall-motor",
            "mini",
        ),
        image=LeadImage(
            stem="bmw-brilliance-shenyang",
            alt_text=(
                "The word SHENYANG in white over sweeping gold arcs on a dark red "
                "gradient"
            ),
            caption="BMW Brilliance Automotive is based in Shenyang.",
            word="SHENYANG",
            palette=("#3b0a0a", "#7a1f12", "#e8b04a"),
            motif="arcs",
        ),
        body="""
<p>Long before BMW Group began talking to Great Wall Motor about electric
MINIs, it learned how to build cars in China through a partnership with
Brilliance Auto in Shenyang.</p>
<p>BMW Brilliance Automotive, the joint venture the two companies set up in
2003, makes BMW cars for Chinese customers at its plants in the north-eastern
city. Its range has included long-wheelbase versions of BMW saloons developed
with Chinese buyers in mind, and it gave BMW a manufacturing base in what has
become one of its largest markets.</p>
<h2>Why a joint venture</h2>
<p>The structure reflected the rules. Foreign carmakers that wanted to build
cars in China have generally had to do so through joint ventures with Chinese
partners, sharing ownership of the local business.</p>
<p>For BMW, the arrangement brought access to the market and a partner that
knew local suppliers, officials and customers. For Brilliance, it brought
BMW’s products, engineering and manufacturing methods. Both sides had to learn
how to share control of a business in which each depended on the other.</p>
<h2>What Shenyang taught</h2>
<p>Joint ventures of this kind are slow to agree and slow to build. Terms have
to be set for who owns what, who decides which models are made, how profits
are shared and how a partner’s factories are brought up to the foreign
carmaker’s standards. Once agreed, they tend to last: the Shenyang venture is
now more than fifteen years old.</p>
<p>Those are the questions BMW will face again with Great Wall. The two
companies signed a letter of intent in July 2018 to explore a joint venture
for electric MINIs built in China.</p>
<h2>Two partners, two brands</h2>
<p>The Great Wall talks concern MINI; the Shenyang venture builds BMW-brand
cars. A second partnership would therefore sit alongside the first rather
than replace it, giving each brand its own route into Chinese production.</p>
<p>What the two would have in common is the logic behind them: building close
to Chinese customers, with a Chinese partner who knows the market, to the
standards BMW sets for its plants everywhere else.</p>
""",
    ),
    Story(
        slug="first-electric-mini-built-in-oxford",
        headline="MINI’s first fully electric car will be built in Oxford",
        dek=(
            "BMW is keeping production of the battery-powered MINI at the brand’s "
            "home plant, with sales due to start in 2019."
        ),
        section="automotive",
        status="published",
        filed_at=london(2019, 3, 4, 19, 30),
        published_at=london(2019, 3, 5, 7, 0),
        # A substantive change the next day: readers see "Updated".
        updated_at=london(2019, 3, 6, 12, 40),
        authors=("clara-ashdown",),
        tags=("MINI", "electric vehicles", "Oxford", "manufacturing"),
        entities=("mini", "bmw-group", "great-wall-motor"),
        image=LeadImage(
            stem="electric-mini-oxford",
            alt_text=(
                "The word OXFORD in white over concentric lime rings on a "
                "racing-green gradient"
            ),
            caption="Plant Oxford has built the modern MINI since 2001.",
            word="OXFORD",
            palette=("#06281f", "#0f5132", "#b5e655"),
            motif="rings",
        ),
        body="""
<p>MINI’s first fully electric car will be built at Plant Oxford, the factory
in England where the brand’s cars have been made since BMW Group relaunched it
in 2001. BMW says the car will go on sale in 2019.</p>
<p>The choice keeps the most important new MINI in years at the brand’s home.
The plant has built every generation of the modern MINI hatchback, and electric
production gives it a part in the technology that will shape the brand’s next
decade.</p>
<h2>What we know so far</h2>
<ul>
<li><strong>Where it will be built:</strong> Plant Oxford, MINI’s home
factory.</li>
<li><strong>When it goes on sale:</strong> 2019, according to BMW.</li>
<li><strong>How it was previewed:</strong> by the MINI Electric Concept, shown
at the Frankfurt motor show in 2017.</li>
<li><strong>What BMW promises:</strong> the dynamic character of a standard
MINI on the road.</li>
</ul>
<p>Much is still to be announced. BMW has yet to publish the car’s range,
battery size or price, the figures that will decide how it compares with the
electric small cars already on sale.</p>
<h2>China in parallel</h2>
<p>Oxford may not be the only place that builds electric MINIs. BMW Group is in
talks with Great Wall Motor, the Chinese carmaker based in Baoding, about a
joint venture to make them in China; the two companies signed a letter of
intent in July 2018. Production there would come in addition to the Oxford
car, not in place of it.</p>
<p>For Oxford, the electric car is a vote of confidence at an uncertain time for
British car manufacturing. For BMW, it is the chance to show that one of the
best-known names in small cars can move to batteries without losing what made
it popular.</p>
<p><em>This story was updated on 6 March 2019 with details of the Frankfurt
concept car.</em></p>
""",
    ),
    Story(
        slug="bmw-german-production-grows-while-expanding-abroad",
        headline="Growing abroad has not shrunk BMW at home",
        dek=(
            "German output rose by close to a quarter between 2007 and 2017, even "
            "as almost half of BMW’s production moved abroad: a pattern MINI "
            "could follow."
        ),
        section="business",
        status="published",
        filed_at=london(2019, 3, 25, 16, 0),
        published_at=london(2019, 3, 26, 8, 45),
        authors=("maren-holloway",),
        tags=("manufacturing", "Germany", "China"),
        entities=(
            "bmw-group",
            "bmw-brilliance-automotive",
            "great-wall-motor",
            "mini",
        ),
        image=LeadImage(
            stem="bmw-german-production",
            alt_text=(
                "The figure 1.15M in white over pale blue diagonal bands on a "
                "slate gradient"
            ),
            caption=("BMW’s German plants build around 1.15 million vehicles a year."),
            word="1.15M",
            palette=("#1f2a36", "#3d566e", "#9cc9f0"),
            motif="bands",
        ),
        body="""
<p>A common fear when a carmaker builds more of its cars abroad is that its
home factories will pay the price. BMW Group’s record over the past decade
points the other way.</p>
<p>Between 2007 and 2017 the group’s production in Germany rose by close to a
quarter, to around 1.15 million vehicles a year. At the same time, almost half
of everything BMW builds now comes from plants outside Germany.</p>
<h2>The numbers</h2>
<ul>
<li>German output, 2007 to 2017: up by close to a quarter.</li>
<li>German output in 2017: around 1.15 million vehicles.</li>
<li>Share of production outside Germany: almost half.</li>
</ul>
<h2>Following demand</h2>
<p>The growth abroad has followed customers. BMW builds cars in the United
States at Spartanburg, South Carolina, and in China through BMW Brilliance
Automotive, its joint venture in Shenyang. Building close to large markets
reduces shipping costs and exposure to currency swings and, in China, has long
been the way in for foreign carmakers.</p>
<p>Meanwhile the German plants, among them Munich, Dingolfing, Regensburg and
Leipzig, have kept their place at the centre of the network. Expansion
elsewhere added capacity to meet demand that German factories alone could not
have served; it did not take work away from them.</p>
<h2>A lesson for MINI</h2>
<p>The same pattern could apply to MINI. BMW is in talks with Great Wall Motor
about building electric MINIs in China, while the first fully electric MINI is
to be built at Plant Oxford. If the German experience is a guide, a Chinese
production line could help the brand grow faster without calling BMW’s
commitment to its British plants into question.</p>
<p>It is not a guarantee. Germany’s plants grew because demand for BMW cars grew
faster than any single country could supply. For MINI, the same outcome
depends on the brand finding enough new buyers, in China and elsewhere, to keep
both its old and its new factories busy.</p>
""",
    ),
    Story(
        slug="bmw-great-wall-platform-minis-after-2023",
        headline="BMW and Great Wall talks reportedly include a platform for MINIs",
        dek=(
            "Automobile magazine reports that the companies could co-develop the "
            "architecture for MINIs built after 2023, not only build the cars."
        ),
        section="technology",
        status="published",
        filed_at=london(2019, 4, 29, 18, 0),
        published_at=london(2019, 4, 30, 7, 45),
        authors=("idris-penhallow", "tomas-wexford"),
        tags=("MINI", "platforms", "China", "electric vehicles"),
        entities=("bmw-group", "great-wall-motor", "mini"),
        image=LeadImage(
            stem="great-wall-mini-platform",
            alt_text=(
                "The year 2023 in white over a violet dot grid on an indigo gradient"
            ),
            caption=(
                "Automobile magazine reports the platform would underpin MINIs "
                "after 2023."
            ),
            word="2023",
            palette=("#1a1040", "#3b2a85", "#c9a7ff"),
            motif="grid",
        ),
        body="""
<p>BMW Group’s discussions with Great Wall Motor may go further than building
electric MINIs in a Chinese factory. According to Automobile magazine, the
talks include co-developing a new platform to underpin MINIs after 2023.</p>
<p>A platform is the shared engineering base beneath a family of cars: the
floor structure, the position of the wheels, the space for an engine or a
battery and the electrical systems everything else connects to. Once chosen, it
shapes a car’s proportions, its cabin and how it drives for the whole of the
model’s life.</p>
<h2>Why it matters for MINI</h2>
<p>Today’s MINIs share a front-wheel-drive architecture with several compact
BMW models. That brings scale. But an electric MINI designed around a battery
from the start might be better served by an architecture of its own, and
developing one with a partner would share the cost.</p>
<p>It would also raise the stakes of the talks. Assembling cars with a partner
is a manufacturing arrangement. Designing the foundations of the next
generation of MINIs together would make Great Wall a partner in the brand’s
engineering.</p>
<h2>What is still unknown</h2>
<p>Important questions remain open: which company would lead the engineering,
which markets the cars on the new platform would be sold in, and whether MINIs
built in Britain would use it too.</p>
<p>BMW and Great Wall signed a letter of intent in July 2018. Negotiations over
projects of this size usually take many months, and a shared platform is the
kind of commitment that is hard to reverse once made.</p>
<p>For MINI, the report points to a future in which one of the brand’s most
important engineering decisions is taken jointly with a Chinese carmaker.
Whether that happens, and on whose terms, is what the talks will decide.</p>
""",
    ),
    Story(
        slug="mini-front-wheel-drive-electric-architecture",
        headline="Front-wheel drive made MINI. What will an electric MINI stand on?",
        dek=(
            "The layout that defined the original Mini in 1959 now underpins many "
            "compact BMWs. Choosing an electric architecture is the harder call."
        ),
        section="technology",
        status="published",
        filed_at=london(2019, 5, 6, 15, 30),
        published_at=london(2019, 5, 7, 10, 0),
        authors=("idris-penhallow",),
        tags=("MINI", "platforms", "engineering"),
        entities=("mini", "bmw", "bmw-group", "great-wall-motor"),
        image=LeadImage(
            stem="mini-front-wheel-drive",
            alt_text=(
                "The letters FWD in white over orange arcs on a petrol-blue gradient"
            ),
            caption="The original Mini of 1959 drove its front wheels.",
            word="FWD",
            palette=("#0d2c3d", "#145c73", "#ff9f43"),
            motif="arcs",
        ),
        body="""
<p>When the original Mini went on sale in 1959, its designer, Alec Issigonis,
turned the engine sideways and drove the front wheels. The arrangement left
most of the car’s short length for people and luggage, and it became a
template for small cars across the industry.</p>
<p>Front-wheel drive has been central to MINI ever since, including the modern
cars BMW Group has built since it relaunched the brand in 2001. It was also a
layout BMW long avoided for its own cars, whose reputation rested on
rear-wheel drive.</p>
<h2>From MINI to BMW</h2>
<p>That changed when BMW began to share MINI’s front-wheel-drive architecture
with compact BMW models. The 2 Series Active Tourer, launched in 2014, was the
first BMW-badged car to use it, and the current X1 followed. Front-wheel drive
now powers many new BMWs.</p>
<p>The sharing brings scale. Parts developed once can be spread across many
more cars, which lowers costs for both brands and helps pay for the
engineering.</p>
<h2>The electric question</h2>
<p>Electric cars change the calculation. The battery sits under the floor, and
electric motors are compact enough to drive either axle, so the packaging
reasons that made front-wheel drive the obvious choice for a small car matter
less.</p>
<p>BMW has not said what electric architecture future MINIs will use. The
question is live in its talks with Great Wall Motor over electric MINIs built
in China: Automobile magazine has reported that those talks include
co-developing a platform for MINIs after 2023.</p>
<p>Whatever is chosen will have to pass one test above all. A MINI’s short
overhangs, upright stance and wheels at the corners are what make it
recognisable, and they come from the layout underneath. An electric MINI still
has to look and drive like a MINI.</p>
""",
    ),
    Story(
        slug="krueger-technical-questions-priority-great-wall",
        headline="Krueger puts MINI’s character first in Great Wall talks",
        dek=(
            "BMW’s chief executive says the technical questions, starting with "
            "the architecture an electric MINI would use, come before anything "
            "else."
        ),
        section="automotive",
        status="published",
        # Published with the lead story that morning, as its sidebar.
        filed_at=london(2019, 5, 27, 18, 40),
        published_at=london(2019, 5, 28, 6, 30),
        authors=("clara-ashdown",),
        tags=("MINI", "Great Wall", "platforms"),
        entities=("harald-krueger", "bmw-group", "great-wall-motor", "mini"),
        image=LeadImage(
            stem="krueger-technical-priority",
            alt_text="The word MINI in white over coral rings on a dark plum gradient",
            caption="Harald Krueger says the technical questions come first.",
            word="MINI",
            palette=("#2a0f2e", "#5b1f4f", "#ff7a6b"),
            motif="rings",
        ),
        correction=(
            london(2019, 5, 28, 15, 10),
            "An earlier version of this story said BMW and Great Wall Motor signed "
            "their letter of intent in June 2018. It was signed in July 2018.",
        ),
        body="""
<p>Harald Krueger has set out what matters most to BMW Group in its
negotiations with Great Wall Motor over electric MINIs for China: not the
timetable or the terms, but the engineering.</p>
<p>The chairman of BMW’s board of management said the most pressing task is to
resolve the technical questions around the project, above all the
architecture a China-built MINI would use. His concern is that a platform
chosen for cost or convenience could lose what makes the car
recognisable.</p>
<blockquote><p>“If a Mini doesn’t end up looking like a Mini because of an
architecture issue then it won’t work. That’s why the technical questions are
the priority.”</p><p>— Harald Krueger, BMW</p></blockquote>
<h2>Why the architecture comes first</h2>
<p>A MINI’s short overhangs, upright stance and wheels pushed out to the
corners follow from the layout underneath it. The brand built its reputation on
front-wheel drive, an arrangement that now also serves many newer BMW models.
How an electric architecture would keep those proportions while finding room
for a battery is a question BMW has not yet answered in public.</p>
<p>That is why the platform sits at the centre of the talks. Automobile
magazine has reported that they include co-developing a new platform for MINIs
built after 2023.</p>
<h2>A production man’s priorities</h2>
<p>Krueger was the board member responsible for production before he became
chairman in May 2015, and his emphasis on engineering over deal-making fits
that background. Settling the technical questions first also protects BMW: a
joint venture built on the wrong architecture would be expensive to
unwind.</p>
<p>BMW and Great Wall signed a letter of intent in July 2018. Krueger has said
the talks are going well, but that they could take months to conclude.</p>
""",
    ),
    LEAD_STORY,
    Story(
        slug="mini-uk-plants-china-plans",
        headline="Why electric MINIs from China need not mean fewer from Oxford",
        dek=(
            "BMW’s German plants grew while it expanded abroad. MINI’s British "
            "plants could follow the same path, if demand allows."
        ),
        section="business",
        status="in_review",
        filed_at=london(2019, 6, 3, 11, 20),
        published_at=None,
        authors=("clara-ashdown", "maren-holloway"),
        tags=("MINI", "UK", "manufacturing"),
        entities=("mini", "bmw-group", "great-wall-motor"),
        image=LeadImage(
            stem="mini-uk-commitment",
            alt_text=(
                "The letters UK in white over red diagonal bands on a navy gradient"
            ),
            caption="MINI’s cars are assembled at Plant Oxford.",
            word="UK",
            palette=("#0a1a3f", "#1d3a7a", "#e63946"),
            motif="bands",
        ),
        body="""
<p>Talk of electric MINIs built in China raises an obvious question in
Britain: what happens to the plants that build MINIs now?</p>
<p>MINI’s British production is spread across three sites. Cars are assembled
at Plant Oxford, body panels are pressed at Swindon, and engines come from
Hams Hall, near Birmingham. Some MINIs are also built under contract in the
Netherlands, at VDL Nedcar in Born.</p>
<h2>The German precedent</h2>
<p>BMW Group’s own history offers a reason for calm. Between 2007 and 2017 its
German output rose by close to a quarter, to around 1.15 million vehicles a
year, even though almost half of its production moved to plants abroad.
Growth elsewhere added to the home plants rather than replacing them.</p>
<p>The same could be true for MINI. A joint venture with Great Wall Motor would
give the brand capacity close to Chinese buyers, while the first fully
electric MINI is to be built in Oxford.</p>
<h2>What it depends on</h2>
<p>The German comparison holds only if demand grows. BMW’s German plants kept
busy because the group sold more cars worldwide than any single country could
build. For MINI, the question is whether a Chinese line would bring new buyers
or serve customers that Oxford supplies today.</p>
<p>Nothing in the talks so far settles that. BMW and Great Wall signed a letter
of intent in July 2018, and the technical questions, beginning with the
platform a Chinese MINI would use, come first. Until they are answered, the
future split of MINI production between Britain and China is a matter of
argument rather than announcement.</p>
""",
    ),
    Story(
        slug="electric-mini-five-questions-launch-year",
        headline="Electric MINI: five questions for its launch year",
        dek=(
            "Range, price, charging, markets and Oxford’s output: what BMW still "
            "has to tell buyers about the first fully electric MINI."
        ),
        section="technology",
        status="draft",
        filed_at=london(2019, 6, 4, 9, 5),
        published_at=None,
        authors=("clara-ashdown",),
        tags=("MINI", "electric vehicles"),
        entities=("mini", "bmw-group", "great-wall-motor"),
        image=LeadImage(
            stem="electric-mini-questions",
            alt_text="A large question mark in white over mint arcs on a teal gradient",
            caption="BMW says the first fully electric MINI goes on sale in 2019.",
            word="?",
            palette=("#083d3a", "#0e6e66", "#a8f0d8"),
            motif="arcs",
        ),
        body="""
<p>BMW Group says MINI’s first fully electric car will be built at Plant
Oxford and go on sale in 2019. Much of what buyers will want to know has not
yet been published. These are the questions we will be asking.</p>
<h2>1. How far will it go?</h2>
<p>Range is the first figure buyers compare. Many MINI owners drive mostly in
towns, which could let BMW choose a smaller, lighter battery over the longest
possible range. Whether buyers accept that trade-off is another matter.</p>
<h2>2. What will it cost?</h2>
<p>Electric cars still cost more to build than petrol ones, mainly because of
their batteries. How BMW prices the car against the petrol MINI will shape
who buys it.</p>
<h2>3. How quickly will it charge?</h2>
<p>For drivers without a driveway, public charging speed matters as much as
range. A car that can take a useful top-up during a supermarket visit is an
easier sell to a city buyer than one that needs a night on a wall box.</p>
<h2>4. Where will it be sold, and what about China?</h2>
<p>BMW has not said which markets get the car first. It is also in talks with
Great Wall Motor about building electric MINIs in China, which raises the
question of which factory will supply which customers.</p>
<h2>5. How many can Oxford build?</h2>
<p>The answer will show how large a part BMW expects electric cars to play in
MINI’s sales in the first years. A modest volume would suggest caution about
demand; a large one would be a bet that MINI buyers are ready to switch, and a
strong signal about the plant’s future.</p>
<p>We have put these questions to BMW and will update this piece when we have
answers.</p>
""",
    ),
    Story(
        slug="spotlight-automotive-bmw-great-wall-venture",
        headline="Spotlight Automotive: the venture behind China-built electric MINIs",
        dek=(
            "BMW Group and Great Wall Motor have given their joint venture a name. "
            "What it is for, and what it is not."
        ),
        section="business",
        status="draft",
        filed_at=london(2019, 6, 5, 10, 30),
        published_at=None,
        authors=("tomas-wexford",),
        tags=("joint ventures", "China", "MINI"),
        entities=(
            "bmw-group",
            "great-wall-motor",
            "mini",
            "brilliance-auto",
            "harald-krueger",
        ),
        image=LeadImage(
            stem="spotlight-automotive-venture",
            alt_text="A white spotlight beam over a dot grid on a deep purple gradient",
            caption="Spotlight Automotive is owned equally by BMW and Great Wall.",
            word="50:50",
            palette=("#2a0a3d", "#5b1a7a", "#f3d9ff"),
            motif="grid",
        ),
        body="""
<p>The joint venture that BMW Group and Great Wall Motor are setting up to
build electric MINIs in China is called Spotlight Automotive. Each partner
is to hold half of it.</p>
<h2>What it is for</h2>
<p>Spotlight Automotive is meant to build electric cars in China: MINIs for
BMW and electric models for Great Wall. The venture would give MINI a second
source of electric cars besides Plant Oxford, closer to buyers in the
largest car market in the world.</p>
<h2>What it is not</h2>
<p>It is not a replacement for BMW’s long-standing joint venture with
Brilliance Auto in Shenyang, which builds BMW-brand cars for China. Nor does
it settle the technical questions that Harald Krueger has said come first,
above all the architecture a Chinese-built MINI would use.</p>
<p>Spotlight Automotive’s first cars, and where exactly they will be built,
are what readers should watch for next.</p>
""",
    ),
]

# Dated milestones on entity timelines: (entity, date, title, description,
# slugs of the stories behind them).
EVENTS = [
    (
        "bmw-group",
        datetime.date(2003, 5, 1),
        "BMW Brilliance Automotive set up",
        "BMW and Brilliance start their joint venture in Shenyang.",
        ("bmw-brilliance-shenyang-joint-venture",),
    ),
    (
        "harald-krueger",
        datetime.date(2015, 5, 13),
        "Becomes chairman of BMW AG’s board of management",
        "Krueger, previously the board member for production, takes over.",
        (),
    ),
    (
        "bmw-group",
        datetime.date(2015, 5, 13),
        "Harald Krueger becomes chairman of the board of management",
        "",
        (),
    ),
    (
        "mini",
        datetime.date(2017, 9, 12),
        "MINI Electric Concept shown at Frankfurt",
        "A preview of MINI’s first fully electric production car.",
        ("mini-electric-concept-frankfurt-promise",),
    ),
    (
        "bmw-group",
        datetime.date(2018, 7, 10),
        "Letter of intent signed with Great Wall Motor",
        "The first step towards building electric MINIs in China.",
        (
            "bmw-great-wall-talks-electric-mini-china-going-well",
            "bmw-great-wall-platform-minis-after-2023",
        ),
    ),
    (
        "great-wall-motor",
        datetime.date(2018, 7, 10),
        "Letter of intent signed with BMW Group",
        "The two carmakers agree to explore a joint venture for electric MINIs.",
        ("bmw-great-wall-talks-electric-mini-china-going-well",),
    ),
    (
        "mini",
        datetime.date(1959, 8, 26),
        "The original Mini goes on sale",
        "Alec Issigonis’s small car with front-wheel drive and a transverse engine.",
        ("mini-front-wheel-drive-electric-architecture",),
    ),
]
