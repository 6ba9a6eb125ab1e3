"""Readable differences between two versions of a story's text."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def inline_diff(old: str, new: str) -> SafeString:
    """``new`` with words removed since ``old`` in <del> and added in <ins>."""
    old_words = re.findall(r"\S+|\n", old or "")
    new_words = re.findall(r"\S+|\n", new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_words(new_words[b1:b2]))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{_words(old_words[a1:a2])}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{_words(new_words[b1:b2])}</ins>")
    return mark_safe(" ".join(part for part in parts if part).replace(" \n ", "<br>"))


def _words(words: list[str]) -> str:
    return " ".join(escape(word) for word in words)
