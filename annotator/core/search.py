"""Corpus search, the database-free part: what a typed query means, and a hit's passage around its match.

The syntax is a small one people already know: words (all must occur), "a phrase", OR between two terms,
-word to leave out, word* for words starting so. A query that does not parse (an unbalanced quote, a lone OR
or -, a query of exclusions only) is not an error: its words are searched as typed, all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD, PHRASE, PREFIX = "word", "phrase", "prefix"

# the store marks matches with these (Unicode noncharacters: never in a real article) so offsets can be read back
OPEN, CLOSE = "\ufdd0", "\ufdd1"


@dataclass(frozen=True)
class Term:
    text: str
    kind: str = WORD
    negated: bool = False


Clause = tuple[Term, ...]  # its terms, any of which may match (OR)
Query = tuple[Clause, ...]  # every clause must match (AND)


@dataclass(frozen=True)
class SearchHit:
    uuid: str
    title: str
    outlet: str
    published: str
    score: float  # higher is better
    passage: str  # a stretch of the text around the first match, line breaks as spaces
    marks: tuple[tuple[int, int], ...]  # the matched words within passage
    match: tuple[int, int] | None  # the first match in the stored text (code points), None if only the title matched


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_TOKEN = re.compile(r'-?"[^"]*"\*?|\S+')


def _searchable(text: str) -> bool:
    return re.search(r"\w", text) is not None


def parse(text: str) -> Query:
    """The query's meaning; never raises. An empty result means there is nothing to search for."""
    text = _UNSTORABLE.sub(" ", text)  # NUL and lone surrogates: no database takes them, no article holds them
    try:
        return _parse(text)
    except _Malformed:
        return literal(text)


def literal(text: str) -> Query:
    """Every word as typed, all required: the meaning of a query that does not parse."""
    words = [w for w in re.split(r'[\s"]+', text) if _searchable(w)]
    return tuple((Term(w.strip("*-") or w),) for w in words)


class _Malformed(Exception):
    pass


def _term(token: str) -> Term:
    negated = token.startswith("-")
    body = token[1:] if negated else token
    prefix = body.endswith("*")
    body = body[:-1] if prefix else body
    if body.startswith('"'):
        if len(body) < 2 or not body.endswith('"'):
            raise _Malformed
        body = body[1:-1]
        kind = PREFIX if prefix else PHRASE
    else:
        if '"' in body:
            raise _Malformed
        kind = PREFIX if prefix else WORD
    if not _searchable(body):
        raise _Malformed
    return Term(body.strip(), kind, negated)


def _parse(text: str) -> Query:
    if text.count('"') % 2:
        raise _Malformed
    tokens = _TOKEN.findall(text)
    clauses: list[list[Term]] = []
    joining = False
    for token in tokens:
        if token == "OR":
            if not clauses or joining:
                raise _Malformed
            joining = True
            continue
        term = _term(token)
        if joining:
            if term.negated or any(t.negated for t in clauses[-1]):
                raise _Malformed  # "a OR -b" says nothing searchable
            clauses[-1].append(term)
            joining = False
        else:
            clauses.append([term])
    if joining:
        raise _Malformed
    if clauses and all(t.negated for clause in clauses for t in clause):
        raise _Malformed  # leaving words out of nothing
    return tuple(tuple(clause) for clause in clauses)


def words(query: Query) -> list[str]:
    """The positive terms' texts, for a fallback that looks for a match itself."""
    return [t.text for clause in query for t in clause if not t.negated]


def passage_of(marked: str, length: int, before: int = 70, after: int = 170) -> tuple[str, tuple, tuple | None]:
    """(passage, marks within it, first match in the text) from a text with the matches marked OPEN…CLOSE.

    length is the stored text's length: if the marked text, markers removed, is not that long (the text held a
    marker character itself), the marks cannot be trusted and the passage is the text's start, unmarked."""
    plain_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position, start = 0, -1
    for piece in re.split(f"([{OPEN}{CLOSE}])", marked):
        if piece == OPEN:
            start = position
        elif piece == CLOSE:
            if start >= 0:
                spans.append((start, position))
            start = -1
        else:
            plain_parts.append(piece)
            position += len(piece)
    text = "".join(plain_parts)
    if len(text) != length or not spans:
        shown = _flat(text[: before + after])
        return shown + ("…" if len(text) > before + after else ""), (), None
    first = spans[0]
    lo, hi = max(0, first[0] - before), min(len(text), first[1] + after)
    while lo > 0 and not text[lo - 1].isspace() and first[0] - lo < before + 20:
        lo -= 1  # start at a word's beginning
    lead = "…" if lo > 0 else ""
    shown = lead + _flat(text[lo:hi]) + ("…" if hi < len(text) else "")
    shift = len(lead) - lo
    marks = tuple((a + shift, b + shift) for a, b in spans if a >= lo and b <= hi)
    return shown, marks, first


def _flat(text: str) -> str:
    """Line breaks and tabs as spaces, one for one (so positions hold)."""
    return re.sub(r"[\r\n\t\u2028\u2029]", " ", text)
