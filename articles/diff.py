"""Readable differences between two versions of a story's text."""

import difflib
import re
from dataclasses import dataclass

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


def marked_pair(old: str, new: str) -> tuple[SafeString, SafeString]:
    """``old`` with the words removed marked <del>, and ``new`` with the
    words added marked <ins>: a passage before and after, side by side."""
    old_words = re.findall(r"\S+", old or "")
    new_words = re.findall(r"\S+", new or "")
    before, after = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            before.append(_words(old_words[a1:a2]))
            after.append(_words(new_words[b1:b2]))
            continue
        if a2 > a1:
            before.append(f"<del>{_words(old_words[a1:a2])}</del>")
        if b2 > b1:
            after.append(f"<ins>{_words(new_words[b1:b2])}</ins>")
    return mark_safe(" ".join(before)), mark_safe(" ".join(after))


@dataclass(frozen=True)
class Passage:
    """A changed stretch of one part of a story: ``label`` ("Headline",
    "Standfirst", "Body"), and the passage before and after, marked."""

    label: str
    before: SafeString
    after: SafeString


def changed_passages(label: str, old: str, new: str) -> list[Passage]:
    """The paragraphs of ``old`` that ``new`` changed, each run of changed
    paragraphs as one passage; the unchanged ones are left out."""
    old_paragraphs = [line for line in (old or "").splitlines() if line.strip()]
    new_paragraphs = [line for line in (new or "").splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(
        a=old_paragraphs, b=new_paragraphs, autojunk=False
    )
    passages = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        before, after = marked_pair(
            "\n".join(old_paragraphs[a1:a2]), "\n".join(new_paragraphs[b1:b2])
        )
        passages.append(Passage(label, before, after))
    return passages
