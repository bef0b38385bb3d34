"""Span arithmetic on stored text: snapping a selection to whole words."""

from __future__ import annotations

import unicodedata


def _is_word_char(ch: str) -> bool:
    # letters, digits and combining marks belong to words; so do joiners inside emoji sequences
    category = unicodedata.category(ch)
    return category[0] in "LNM" or ch in "\u200d\u200c'’-" or category == "So"


KEPT_PUNCTUATION = "%‰‱#&@*/\\"  # part of what they follow or precede: 5%, #MeToo, AT&T


def _is_trimmable(ch: str) -> bool:
    """Spaces, line breaks, a BOM and punctuation at a selection's edges (quotes and brackets included)."""
    category = unicodedata.category(ch)
    return ch.isspace() or ch == "\ufeff" or category[0] in "ZC" or (category[0] == "P" and ch not in KEPT_PUNCTUATION)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection to whole words, then trim spaces and punctuation from its edges.

    Returns (start, end) in code points; (start, start) when nothing but spaces or punctuation was selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    if start == end:
        return start, start
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    # a trailing apostrophe or hyphen is edge punctuation, not part of the word
    while end > start and text[end - 1] in "'’-":
        end -= 1
    return start, end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Only trim spaces and edge punctuation (for when snapping is turned off)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
