"""A simple, deterministic tokenizer over code points: the coding units of the token-level measures.

A token is a run of word characters (letters, digits, underscore) with any combining marks inside or after it,
or one other visible character (punctuation, a symbol, an emoji) with the marks, variation selectors and
zero-width-joined characters that belong to it. White space separates tokens and is never part of one.
Offsets are code points into the stored text, like every offset outside the Qt view, so a CRLF or a BOM is
simply white space (a BOM counts as a character, not as a token).

It is deliberately language-agnostic and dependency-free: agreement figures must not change when a
tokenizer library is upgraded, and the same text must give the same tokens on every machine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# variation selectors and emoji skin-tone modifiers belong to the character before them
_ALSO_ATTACHED = frozenset((0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)))


@lru_cache(maxsize=1)
def _marks_class() -> str:
    """A regex character class of every combining mark (categories Mn, Mc, Me), built once per process."""
    ranges: list[list[int]] = []
    # Only these ranges can hold marks: surrogates are no characters, the big CJK, Hangul and Yi blocks and
    # planes 2-13 hold letters (ideographs, syllables) or nothing. Skipping them halves the start-up cost.
    blocks = ((0, 0x3400), (0xA4D0, 0xAC00), (0xD7A4, 0xD800), (0xE000, 0x20000), (0xE0000, 0xE1000))
    for cp in (cp for lo, hi in blocks for cp in range(lo, hi)):
        if unicodedata.category(chr(cp)).startswith("M") or cp in _ALSO_ATTACHED:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    parts = [re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges]
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    marks = _marks_class()
    zwj = "\u200d"
    word = rf"\w(?:\w|{marks})*"
    # a symbol with its marks; ZWJ glues the next symbol on (family and profession emoji are one token)
    other = rf"[^\w\s{zwj}\ufeff](?:{marks}|{zwj}[^\w\s])*"
    return re.compile(f"{word}|{other}")


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets (code points, end-exclusive) of the tokens of text, as two int64 arrays."""
    spans = [m.span() for m in _token_pattern().finditer(text)]
    if not spans:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    array = np.asarray(spans, dtype=np.int64)
    starts, ends = array[:, 0].copy(), array[:, 1].copy()
    starts.flags.writeable = ends.flags.writeable = False  # cached: callers must not change them
    return starts, ends


def token_texts(text: str) -> list[str]:
    starts, ends = tokenize(text)
    return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
