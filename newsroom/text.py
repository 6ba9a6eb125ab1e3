"""Text helpers every app shares."""

import re
import unicodedata
from html import unescape

from django.utils.html import strip_tags

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


def display_name(user) -> str:
    """How the desk names a colleague: their full name, or their user name
    when the account has none."""
    return user.get_full_name() or user.username


def html_to_text(html: str) -> str:
    """The words of a body, one paragraph a line, without markup, with
    entities decoded ("AT&amp;T" reads "AT&T")."""
    text = unescape(strip_tags(_BLOCK_END.sub("\n", html or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# German umlauts and ß as their two-letter spellings: "Krüger" and
# "Krueger" are one name to a reader searching.
_DIGRAPHS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def fold_digraphs(text: str) -> str:
    """Umlauts and ß spelled out ("ü" → "ue"); the length may change. For
    search, which compares words, not positions."""
    return (text or "").translate(_DIGRAPHS)


# Accents and typography: "Krüger" reads "Kruger", a curly quote a straight
# one, one character for one.
_TYPOGRAPHY = {
    "’": "'",
    "‘": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def _fold_table() -> dict[int, str]:
    table = {ord(char): folded for char, folded in _TYPOGRAPHY.items()}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char:
            table[code] = base
    return table


_FOLD = _fold_table()


def fold_accents(text: str) -> str:
    """Accents and typography folded away, case kept, length unchanged: for
    mention detection, whose matches are positions in the text."""
    return text.translate(_FOLD)
