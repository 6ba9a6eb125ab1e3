"""newsroom.text: the helpers every app shares."""

from django.contrib.auth.models import User

from newsroom.text import display_name, fold_digraphs, html_to_text


def test_a_colleague_is_named_by_full_name_else_user_name():
    assert display_name(
        User(username="nbrook", first_name="Nia", last_name="Brook")
    ) == ("Nia Brook")
    assert display_name(User(username="nbrook")) == "nbrook"


def test_body_text_keeps_paragraphs_and_decodes_entities():
    assert html_to_text("<p>AT&amp;T <b>and</b> BMW</p><p> Second </p>") == (
        "AT&T and BMW\nSecond"
    )


def test_umlauts_are_spelled_out():
    assert fold_digraphs("Krüger, Straße") == "Krueger, Strasse"
