"""Words with their code-point offsets, line breaks between them, and a case- and suffix-insensitive form of each.

Tokens are runs of word characters (\\w) with the combining marks, variation selectors, skin-tone modifiers and
zero-width joiners that belong to them, or one other visible character. Offsets are code points into the stored
text, so CRLF, a BOM and right-to-left text need no special case: they are characters like any other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_TOKEN = re.compile(r"\w+|[^\w\s]")
_JOINERS = frozenset("\u200d\u200c")

# ISO 639-1 codes of the Snowball stemmers this package ships; any other language is only case-folded
_STEMMERS = dict(
    pair.split(":")
    for pair in (
        "ar:arabic ca:catalan cs:czech da:danish de:german el:greek en:english es:spanish et:estonian eu:basque "
        "fa:persian fi:finnish fr:french ga:irish hi:hindi hu:hungarian hy:armenian id:indonesian it:italian "
        "lt:lithuanian nb:norwegian ne:nepali nl:dutch no:norwegian pl:polish pt:portuguese ro:romanian "
        "ru:russian sr:serbian sv:swedish ta:tamil tr:turkish"
    ).split()
)


def _attaches(ch: str) -> bool:
    """A character that belongs to the one before it: a combining mark, joiner, variation selector or skin tone."""
    return unicodedata.category(ch)[0] == "M" or ch in _JOINERS or "\U0001f3fb" <= ch <= "\U0001f3ff"


@dataclass(frozen=True)
class Tokens:
    """The tokens of one text: parallel lists of start and end offsets and of the token texts."""

    starts: list[int]
    ends: list[int]
    words: list[str]
    breaks_before: list[bool]  # a sentence or line ends between this token and the one before it

    def __len__(self) -> int:
        return len(self.starts)

    def is_word(self, i: int) -> bool:
        return self.words[i][0].isalnum() or self.words[i][0] == "_"


_SENTENCE_END = frozenset(".!?…")
_CLOSERS = frozenset("”’\"'»)]」")


def tokenize(text: str) -> Tokens:
    spans: list[list[int]] = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if spans and spans[-1][1] == start:
            before, first = text[start - 1], text[start]
            # a mark after a word or symbol, a word after a mark inside it (Indic scripts), anything after a joiner
            if _attaches(first) or before in _JOINERS or (_attaches(before) and (first.isalnum() or first == "_")):
                spans[-1][1] = end
                continue
        spans.append([start, end])
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    words = [text[s:e] for s, e in spans]
    breaks = [True] * len(spans)
    ending = [w in _SENTENCE_END for w in words]  # ends a sentence, with the closing quotes right after it
    for i in range(1, len(spans)):
        gap = text[ends[i - 1] : starts[i]]
        if words[i] in _CLOSERS and ending[i - 1] and not gap:
            ending[i] = True
        # a full stop ends a sentence when space follows it (not in 2.50 or U.S.)
        breaks[i] = (ending[i - 1] and gap != "") or "\n" in gap or "\r" in gap or "\u2028" in gap or "\u2029" in gap
    return Tokens(starts, ends, words, breaks)


@lru_cache(maxsize=64)
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = _STEMMERS.get(language.lower().split("-")[0] if language else "en")
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def normal_form(word: str, language: str = "") -> str:
    """The word case-folded and stemmed ('Claimed' -> 'claim'): what lemma-insensitive matching compares."""
    folded = word.casefold()
    stemmer = _stemmer(language)
    if stemmer is None or not folded[0].isalpha():
        return folded
    return str(stemmer.stemWord(folded))


@lru_cache(maxsize=200_000)
def shape(word: str) -> str:
    """The word's shape with runs collapsed: 'Obama' -> 'Xx', 'NATO' -> 'X', '2020' -> 'd', '“' -> '“'."""
    out: list[str] = []
    for ch in word:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out[:4])
