"""Each rule of mention detection (entities/detection.py) on the smallest
case that needs it: every test here fails if its rule is taken out.

Matchers are built from lists of names and entity facts, without the
database; the last tests check that the database feeds the same facts."""

import pytest
from django.urls import reverse

from entities.detection import (
    EntityInfo,
    MentionIndex,
    Term,
    current_index,
    entities_from_database,
)
from entities.models import Person
from tests.factories import (
    BrandFactory,
    CompanyFactory,
    PersonFactory,
    RoleFactory,
)


def index_of(*entities):
    """A matcher from (id, kind, names, facts) rows. ``names`` is a list of
    Terms' text (a leading "=" makes it case-sensitive); ``facts`` may give
    related ids, context words, a case-sensitive name and a short name."""
    terms, infos = [], {}
    for pk, kind, names, facts in entities:
        person = kind == "person"
        for n, name in enumerate(names):
            cased = name.startswith("=") or (n == 0 and facts.get("cased", False))
            terms.append(
                Term(
                    pk,
                    name.lstrip("="),
                    cased,
                    person,
                    short_name=facts.get("short", ""),
                )
            )
        for phrase in facts.get("not_this", []):
            terms.append(Term(pk, phrase, excludes=True))
        infos[pk] = EntityInfo(
            names[0].lstrip("="),
            kind,
            frozenset(facts.get("related", ())),
            tuple(facts.get("context", ())),
        )
    return MentionIndex(terms, infos)


def found(index, *texts, section=""):
    """{entity ids: (count, words)} for what ``index`` finds."""
    return {
        m.entity_ids: (m.count, m.words) for m in index.find(*texts, section=section)
    }


def reasons(index, *texts, section=""):
    return {m.entity_ids: m.reasons for m in index.find(*texts, section=section)}


TANK = (1, "brand", ["Tank"], {"cased": True, "context": ["off-road"]})
ROLLS_ENGINES = (
    1,
    "company",
    ["Rolls-Royce Holdings", "Rolls-Royce"],
    {"context": ["engines", "aerospace"]},
)
ROLLS_CARS = (2, "brand", ["Rolls-Royce Motor Cars", "Rolls-Royce"], {"related": [3]})
BMW_GROUP = (3, "company", ["BMW Group", "=BMW"], {"context": ["margin"]})
BMW = (4, "brand", ["BMW"], {"related": [3]})
ROLLS = index_of(ROLLS_ENGINES, ROLLS_CARS, BMW_GROUP)
GROUP_AND_BRAND = index_of(BMW_GROUP, BMW)


# Where a name is found at all.


def test_whole_word():
    index = index_of((1, "brand", ["MINI"], {}))
    assert found(index, "The minimum wage; MINIMUM") == {}
    assert found(index, "MINI-badged") == {(1,): (1, ["MINI"])}


def test_plural_suffix():
    index = index_of(
        (1, "company", ["Tesla"], {}),
        (2, "company", ["Great Wall"], {}),
        (3, "person", ["Harald Krueger"], {}),
    )
    assert found(index, "Two used Teslas and a Tesla.") == {(1,): (2, ["Tesla"])}
    # Only a one-word make is pluralised for its cars; never a person.
    assert found(index, "Harald Krueger met the Kruegers at Great Walls.") == {
        (3,): (1, ["Harald Krueger"])
    }


def test_capitals_kept():
    index = index_of((1, "company", ["Great Wall Motor", "Great Wall"], {}))
    assert found(index, "Tourists walk the great wall.") == {}
    assert found(index, "Shares in Great Wall rose.") == {(1,): (1, ["Great Wall"])}
    assert found(index, "GREAT WALL MOTOR") == {(1,): (1, ["GREAT WALL MOTOR"])}


def test_exact_capitals_for_a_case_sensitive_name():
    index = index_of(TANK)
    # Off-road words near, which support the brand: case alone decides.
    assert found(index, "An off-road tank of fuel; an off-road TANK.") == {}
    assert found(index, "Buyers of the off-road Tank 500 like it.") == {
        (1,): (1, ["Tank"])
    }


def test_longest_first():
    index = index_of(
        (1, "company", ["BMW Brilliance Automotive"], {}),
        (2, "company", ["Brilliance Auto", "Brilliance"], {}),
        (3, "company", ["BMW Group", "=BMW"], {}),
    )
    assert found(index, "Profit at BMW Brilliance Automotive rose.") == {
        (1,): (1, ["BMW Brilliance Automotive"])
    }


def test_a_not_this_phrase_hides_the_name():
    index = index_of(
        (1, "company", ["Tesla"], {"cased": True, "not_this": ["Nikola Tesla"]})
    )
    assert found(index, "The unit is named after Nikola Tesla.") == {}


# A capital that may only open a sentence.


TOYOTA = (9, "company", ["Toyota"], {})


def test_at_sentence_start():
    index = index_of(TANK, TOYOTA)
    # Another company named: in the middle of a sentence that is enough for
    # a capitalised "Tank"; at a sentence start it is not.
    assert found(index, "Tank production rose in the war, Toyota said.") == {
        (9,): (1, ["Toyota"])
    }
    assert found(index, "Sales of Tank rose, Toyota said.") == {
        (1,): (1, ["Tank"]),
        (9,): (1, ["Toyota"]),
    }
    # Supported by the rest of the story, the same capital counts.
    assert found(index, "Tank sales rose. The off-road brand is new.") == {
        (1,): (1, ["Tank"])
    }
    [why] = reasons(index, "Tank sales rose. The off-road brand is new.")[(1,)]
    assert why == "“Tank” is also an ordinary word: words near it: off-road"
    # A sentence start explains only the first capital of a longer name.
    news = index_of((2, "company", ["Automotive News"], {"cased": True}), TOYOTA)
    assert found(news, "Automotive News reported it, and Toyota agreed.") == {
        (2,): (1, ["Automotive News"]),
        (9,): (1, ["Toyota"]),
    }
    assert found(news, "Automotive news was slow.") == {}


def test_title_case_line():
    index = index_of(TANK, TOYOTA)
    assert found(index, "How the Tank Became a Weapon of War", "Toyota") == {
        (9,): (1, ["Toyota"])
    }
    assert found(index, "How the Tank brand won buyers", "Toyota") == {
        (1,): (1, ["Tank"]),
        (9,): (1, ["Toyota"]),
    }


def test_written_in_capitals():
    """A capitalised word the story also writes in lower case is weak; a name
    in capitals is not."""
    index = index_of((1, "brand", ["MINI"], {}), (2, "company", ["Brilliance"], {}))
    assert found(index, "MINI sales rose. A mini heatwave.") == {(1,): (1, ["MINI"])}
    assert found(index, "Brilliance shone. The brilliance of the light.") == {}
    assert found(index, "Brilliance shone.") == {(2,): (1, ["Brilliance"])}


def test_on_the_beat():
    """A name that is also a word, capitalised mid-sentence, needs the story
    to name something of the desk's: "Alpine resorts" alone is no brand."""
    index = index_of((1, "brand", ["Alpine"], {"cased": True}), TOYOTA)
    assert found(index, "Snow fell on Alpine resorts.") == {}
    assert found(index, "Sales of Alpine cars rose, and Toyota's fell.") == {
        (1,): (1, ["Alpine"]),
        (9,): (1, ["Toyota"]),
    }
    assert reasons(index, "Sales of Alpine cars rose, and Toyota's fell.")[(1,)] == [
        "“Alpine” is also an ordinary word: story names Toyota"
    ]


# A name in capitals written in Title Case ("Mini" for MINI).

MINI = (1, "brand", ["MINI"], {"related": [3], "context": ["cooper"]})
BMW_OWNER = (3, "company", ["BMW Group"], {"related": [1]})
TITLE_CASED = index_of(MINI, BMW_OWNER, TOYOTA)


def test_title_cased_capitals():
    """ "Mini" in running text is MINI where the story says so."""
    assert found(TITLE_CASED, "A Mini Cooper for sale.") == {(1,): (1, ["Mini"])}
    assert reasons(TITLE_CASED, "A Mini Cooper for sale.")[(1,)] == [
        "“Mini” for MINI: words near it: Cooper"
    ]
    # The owner named, at a sentence start too; the cars in the plural.
    assert found(TITLE_CASED, "Mini is selling well, BMW Group said.")[(1,)] == (
        1,
        ["Mini"],
    )
    assert found(TITLE_CASED, "Used Minis hold their value.") == {(1,): (1, ["Mini"])}
    # Never in lower case, and never on the story's beat alone: a story
    # that names Toyota is not evidence for a "Mini marathon".
    assert found(TITLE_CASED, "A mini Cooper-style heatwave.") == {}
    assert found(TITLE_CASED, "Toyota staff ran a Mini marathon.") == {
        (9,): (1, ["Toyota"])
    }
    # Two letters in capitals have no Title Case reading: "It" is a word.
    it = index_of((1, "company", ["IT"], {"context": ["software"]}))
    assert found(it, "The software house said: It works.") == {}


def test_a_title_case_alias_of_its_own_keeps_its_rules():
    index = index_of((1, "brand", ["MINI", "=Mini"], {}), TOYOTA)
    assert found(index, "Toyota staff ran a Mini marathon.")[(1,)] == (1, ["Mini"])


def test_title_cased_compound():
    """ "Mini-Budget" is a word of its own, whoever the story names."""
    assert found(TITLE_CASED, "BMW Group and the Mini-Budget.") == {
        (3,): (1, ["BMW Group"])
    }
    assert found(TITLE_CASED, "BMW Group and the MINI-badged car.") == {
        (3,): (1, ["BMW Group"]),
        (1,): (1, ["MINI"]),
    }


# People.


WEI = (1, "person", ["Wei Jianjun"], {"short": "Wei", "related": [2]})
GREAT_WALL = (2, "company", ["Great Wall Motor"], {})


def test_an_explicit_short_name():
    index = index_of(WEI, GREAT_WALL)
    assert found(index, "Wei Jianjun spoke. Wei said so; Jianjun smiled.") == {
        (1,): (2, ["Wei Jianjun", "Wei"])
    }
    # Unique among entities, the short name alone counts where the story
    # names the company he chairs.
    assert found(index, "Great Wall Motor said so. Wei agreed.") == {
        (2,): (1, ["Great Wall Motor"]),
        (1,): (1, ["Wei"]),
    }
    [why] = reasons(index, "Great Wall Motor said so. Wei agreed.")[(1,)]
    assert why == "“Wei” alone: story names Great Wall Motor"


def test_a_case_sensitive_person_keeps_a_short_name():
    index = index_of((1, "person", ["Mark Rose"], {"cased": True}), TOYOTA)
    story = "Mark Rose of Toyota spoke. Rose said so; a rose bloomed."
    assert found(index, story) == {
        (1,): (2, ["Mark Rose", "Rose"]),
        (9,): (1, ["Toyota"]),
    }


def test_the_first_word_counts_after_the_full_name():
    """Without a short name, a name that puts the family name first still
    works: "Li" after "Li Shufu"."""
    index = index_of((1, "person", ["Li Shufu"], {}))
    assert found(index, "Li Shufu spoke. Li said so.") == {
        (1,): (2, ["Li Shufu", "Li"])
    }
    assert found(index, "Li said so.") == {}


def test_a_bare_surname_needs_support():
    index = index_of(
        (1, "person", ["Elon Musk"], {"related": [2]}),
        (2, "company", ["Tesla"], {"cased": True}),
    )
    assert found(index, "Musk said the robotaxi was ready.") == {}
    assert found(index, "Musk told Tesla's investors.") == {
        (1,): (1, ["Musk"]),
        (2,): (1, ["Tesla"]),
    }


def test_a_shared_surname_needs_the_full_name():
    index = index_of(
        (1, "person", ["Li Shufu"], {"short": "Li"}),
        (2, "person", ["Li Xiang"], {"short": "Li"}),
    )
    assert found(index, "Li said so.") == {}
    assert found(index, "Li Xiang spoke. Li said so.") == {
        (2,): (2, ["Li Xiang", "Li"])
    }


def test_beside_another_name():
    index = index_of(
        (1, "person", ["Wang Chuanfu"], {"short": "Wang", "related": [2]}),
        (2, "company", ["BYD"], {}),
    )
    story = "BYD is worried. Wang Yi, the minister, spoke. Wang said tariffs hurt."
    assert found(index, story) == {(2,): (1, ["BYD"])}
    assert found(index, "BYD is worried, says Anna Wang.") == {(2,): (1, ["BYD"])}
    # A title or a possessive before the surname is not a first name.
    assert found(index, "BYD's Wang spoke.") == {
        (2,): (1, ["BYD"]),
        (1,): (1, ["Wang"]),
    }


# Namesakes: the story's evidence decides.


def test_named_elsewhere():
    story = "Rolls-Royce Holdings reported. Later, Rolls-Royce said so."
    assert found(ROLLS, story) == {(1,): (2, ["Rolls-Royce Holdings", "Rolls-Royce"])}


def test_related_named():
    story = "BMW Group is pleased. Rolls-Royce said so."
    assert found(ROLLS, story)[(2,)] == (1, ["Rolls-Royce"])
    assert reasons(ROLLS, story)[(2,)] == [
        "chosen over Rolls-Royce Holdings: story names BMW Group"
    ]


def test_context_words_found():
    assert found(ROLLS, "Rolls-Royce builds engines.") == {(1,): (1, ["Rolls-Royce"])}
    assert reasons(ROLLS, "Rolls-Royce builds engines.")[(1,)] == [
        "chosen over Rolls-Royce Motor Cars: words near it: engines"
    ]


def test_section_matches():
    assert found(ROLLS, "Rolls-Royce said so.", section="Aerospace") == {
        (1,): (1, ["Rolls-Royce"])
    }
    assert reasons(ROLLS, "Rolls-Royce said so.", section="Aerospace")[(1,)] == [
        "chosen over Rolls-Royce Motor Cars: section Aerospace"
    ]


def test_nothing_decides_so_the_choice_is_offered():
    [mention] = ROLLS.find("Rolls-Royce said so.")
    assert mention.entity_ids == (1, 2)
    assert mention.ambiguous


def test_plural_means_cars():
    assert found(GROUP_AND_BRAND, "Older BMWs are cheap.") == {(4,): (1, ["BMW"])}


def test_kind_words_near():
    assert found(GROUP_AND_BRAND, "BMW shares fell.") == {(3,): (1, ["BMW"])}
    assert found(GROUP_AND_BRAND, "A new BMW model.") == {(4,): (1, ["BMW"])}
    # In a compound the words describe something else.
    assert found(GROUP_AND_BRAND, "A BMW-owned brand.") == {(3, 4): (1, ["BMW"])}


def test_no_decision_feeds_on_itself():
    """Once "BMW" is read as the group, the group does not count as the
    brand's owner being named, which would tie the two again."""
    index = index_of(BMW_GROUP, BMW, (5, "person", ["Oliver Zipse"], {"related": [3]}))
    story = "BMW kept its margin target. Zipse said so."
    assert found(index, story) == {(3,): (1, ["BMW"]), (5,): (1, ["Zipse"])}


def test_no_mutual_support_between_a_weak_name_and_an_ambiguity():
    """A capital at a sentence start supports nothing: "Brilliance" there
    must not pick BMW Group for "BMW", which would then vouch for it."""
    index = index_of(BMW_GROUP, BMW, (6, "company", ["=Brilliance"], {"related": [3]}))
    story = "BMW at the show. Makers came; Brilliance of design was rare."
    [mention] = index.find(story)
    assert mention.entity_ids == (3, 4)
    assert mention.ambiguous


def test_two_related_names_that_need_support_support_each_other():
    index = index_of(
        (1, "person", ["Elon Musk"], {"related": [2]}),
        (2, "company", ["Tesla"], {"cased": True}),
    )
    assert reasons(index, "Musk told Tesla's investors.") == {
        (1,): ["“Musk” alone: story names Tesla"],
        (2,): ["“Tesla” is also an ordinary word: story names Elon Musk"],
    }


# The same facts, from the database and the admin.


def test_the_database_gives_the_rules_their_facts(db):
    group = CompanyFactory(name="BMW Group", context_words="margin, investors")
    brand = BrandFactory(name="Tank", owner=group, case_sensitive=True)
    person = PersonFactory(name="Wei Jianjun", short_name="Wei")
    RoleFactory(person=person, company=group)
    facts = entities_from_database()
    assert facts[group.pk].context == ("margin", "investors")
    assert facts[group.pk].related == {brand.pk, person.pk}
    assert facts[person.pk].related == {group.pk}
    index = current_index()
    assert found(index, "A tank. Wei said so.") == {}
    assert found(index, "BMW Group and the Tank 300. Wei said so.") == {
        (group.pk,): (1, ["BMW Group"]),
        (brand.pk,): (1, ["Tank"]),
        (person.pk,): (1, ["Wei"]),
    }


def test_a_new_role_rebuilds_the_matcher(db):
    company = CompanyFactory(name="Great Wall Motor")
    person = PersonFactory(name="Wei Jianjun", short_name="Wei")
    story = "Great Wall Motor said so. Wei agreed."
    assert found(current_index(), story) == {(company.pk,): (1, ["Great Wall Motor"])}
    RoleFactory(person=person, company=company)
    assert (person.pk,) in found(current_index(), story)


@pytest.fixture
def person_form():
    """POST data for a new person in the admin, with empty inlines."""
    data = {"name": "Wei Jianjun", "slug": "", "website": ""}
    for prefix in ("aliases", "exclusion_phrases", "roles", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_editors_set_short_name_case_and_context_words_in_the_admin(
    client_as, db, person_form
):
    editor = client_as("editor")
    form = editor.get(reverse("admin:entities_person_add")).content.decode()
    assert 'name="short_name"' in form
    assert 'name="case_sensitive"' in form
    assert 'name="context_words"' in form
    assert 'name="exclusion_phrases-TOTAL_FORMS"' in form
    response = editor.post(
        reverse("admin:entities_person_add"),
        person_form | {"short_name": "Wei", "context_words": "Great Wall, Baoding"},
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.short_name, person.context_word_list) == (
        "Wei",
        ["Great Wall", "Baoding"],
    )
