"""What the learned recommender sees of each token: the word, its stem, shape and ending, its neighbours, whether it
is quoted, its sentiment valence, and a lexicon of the labels its stem is often annotated with.

Features are hashed into N_FEATURES columns with numpy, a whole document at a time: each string (a word, a stem, a
shape) is hashed once per process (CRC-32, the same on every machine, so saved models stay valid), and each
feature's column is mixed from its slot and those hashes. One token is one row of a sparse matrix.

The lexicon's words would all be in a lexicon built from the very spans being learned, and the model would learn
to trust it blindly; so the lexicon features of training documents come from the other folds' spans only
(cross-fitting), and those of new documents from all of them.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from importlib.resources import files
from itertools import compress

import numpy as np
from scipy import sparse

from annotator.suggesting.model import AnnotatedDocument
from annotator.suggesting.text import Tokens, normal_form, shape, tokenize

N_FEATURES = 2**20
MIN_IN_SPANS = 2  # a word enters a label's lexicon after this many annotated occurrences ...
MIN_SHARE = 0.2  # ... when at least this share of its occurrences were inside that label's spans
_OPENING, _CLOSING, _EITHER = frozenset("“«„"), frozenset("”»"), '"'


class Slot(IntEnum):
    BIAS, WORD, STEM, SHAPE, ENDING, PREV, NEXT, PREV2, NEXT2, PREV_WORD, WORD_NEXT = range(11)
    QUOTED, VALENCE, VALENCE_PREV, VALENCE_NEXT, LEXICON, LEXICON_PREV, LEXICON_NEXT = range(11, 18)


@lru_cache(maxsize=1_000_000)
def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


_BOS, _EOS = _hash("<s>"), _hash("</s>")
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _columns(slot: Slot, *parts: np.ndarray) -> np.ndarray:
    """The column of slot's feature for each row, mixed from the parts' hashes (uint64 arithmetic wraps)."""
    x = np.full(len(parts[0]), (int(slot) + 1) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    for part in parts:
        x = (x ^ part.astype(np.uint64)) * _MIX
        x ^= x >> np.uint64(29)
    return (x % np.uint64(N_FEATURES)).astype(np.int64)


@lru_cache(maxsize=1)
def _valences() -> dict[str, float]:
    """Word -> mean sentiment valence (-4..4) from VADER's lexicon (English; read as data, its code not run)."""
    try:
        lines = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8").splitlines()
    except (ModuleNotFoundError, OSError):
        return {}
    table: dict[str, float] = {}
    for line in lines:
        word, _, rest = line.partition("\t")
        try:
            table[word] = float(rest.partition("\t")[0])
        except ValueError:
            continue
    for word, value in list(table.items()):  # stems too, so that 'ludicrously' finds 'ludicrous'
        table.setdefault(normal_form(word, "en"), value)
    return table


@lru_cache(maxsize=200_000)
def valence(word: str, stem: str) -> int:
    """0 for no valence, else 1..7 for -3..+3 rounded (English words only)."""
    value = _valences().get(word, _valences().get(stem))
    return 0 if value is None else 4 + max(-3, min(3, round(value)))


def _english(language: str) -> bool:
    return language in ("", "en") or language.startswith("en-")


@dataclass
class Prepared:
    """One document tokenized, with its normal forms and, for training, which tokens lie in each label's spans."""

    document: AnnotatedDocument
    tokens: Tokens
    normal: list[str]
    inside: dict[str, np.ndarray] = field(default_factory=dict)  # label key -> bool per token

    @classmethod
    def of(cls, document: AnnotatedDocument, with_labels: bool = True) -> Prepared:
        tokens = tokenize(document.text)
        normal = [normal_form(w, document.language) for w in tokens.words]
        prepared = cls(document, tokens, normal)
        if with_labels and document.spans and len(tokens):
            starts, ends = np.asarray(tokens.starts), np.asarray(tokens.ends)
            for span in document.spans:
                marks = prepared.inside.setdefault(span.label_key, np.zeros(len(tokens), dtype=bool))
                for f in span.fragments:
                    # a token is inside when it lies within the fragment (a token cut by its edge counts too)
                    marks[(starts < f.end) & (ends > f.start)] = True
        return prepared


@dataclass
class WordCounts:
    """How often each normal form occurs, in all and inside each label's spans."""

    total: Counter[str] = field(default_factory=Counter)
    inside: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, docs: Iterable[Prepared]) -> WordCounts:
        counts = cls()
        for doc in docs:
            counts.total.update(doc.normal)
            for label, marks in doc.inside.items():
                counts.inside.setdefault(label, Counter()).update(compress(doc.normal, marks.tolist()))
        return counts

    def __add__(self, other: WordCounts) -> WordCounts:
        labels = set(self.inside) | set(other.inside)
        inside = {k: self.inside.get(k, Counter()) + other.inside.get(k, Counter()) for k in labels}
        return WordCounts(self.total + other.total, inside)

    def __sub__(self, other: WordCounts) -> WordCounts:
        inside = {k: c - other.inside.get(k, Counter()) for k, c in self.inside.items()}
        return WordCounts(self.total - other.total, inside)


@dataclass
class Lexicon:
    """Word (normal form) -> labels it is often annotated with."""

    labels_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, counts: WordCounts, labels: Sequence[str]) -> Lexicon:
        found: dict[str, list[str]] = {}
        for label in labels:
            for word, n in counts.inside.get(label, Counter()).items():
                if n >= MIN_IN_SPANS and n >= MIN_SHARE * counts.total[word]:
                    found.setdefault(word, []).append(label)
        return cls({word: tuple(ls) for word, ls in found.items()})


def _shifted(values: np.ndarray, by: int, fill: int, cut: np.ndarray) -> np.ndarray:
    """values moved by positions (1: each row gets the previous row's), fill where cut or off the ends."""
    out = np.full_like(values, fill)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    out[cut] = fill
    return out


def _quoted(words: list[str]) -> np.ndarray:
    """Whether each token lies inside quotation marks (the opening mark counts, the closing one does not)."""
    quoted = np.zeros(len(words), dtype=bool)
    state, start = False, 0
    for i, w in enumerate(words):
        if w in _OPENING or w in _CLOSING or w == _EITHER:
            now = (not state) if w == _EITHER else w in _OPENING
            if now and not state:
                start = i
            elif state and not now:
                quoted[start:i] = True
            state = now
    if state:
        quoted[start:] = True
    return quoted


def _features(doc: Prepared, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the document's features, one row per token."""
    n = len(doc.tokens)
    words = [w.casefold() for w in doc.tokens.words]
    word = np.fromiter(map(_hash, words), np.uint64, n)
    stem = np.fromiter(map(_hash, doc.normal), np.uint64, n)
    form = np.fromiter((_hash(shape(w)) for w in doc.tokens.words), np.uint64, n)
    ending = np.fromiter((_hash(w[-3:]) for w in words), np.uint64, n)
    starts = np.asarray(doc.tokens.breaks_before, dtype=bool)  # a sentence or line starts at the token
    ends = np.append(starts[1:], True)
    prev, nxt = _shifted(word, 1, _BOS, starts), _shifted(word, -1, _EOS, ends)
    prev2 = _shifted(word, 2, _BOS, starts | _shifted(starts, 1, True, np.zeros(n, bool)))
    next2 = _shifted(word, -2, _EOS, ends | _shifted(ends, -1, True, np.zeros(n, bool)))
    fixed = [
        _columns(Slot.BIAS, np.zeros(n, np.uint64)),
        _columns(Slot.WORD, word),
        _columns(Slot.STEM, stem),
        _columns(Slot.SHAPE, form),
        _columns(Slot.ENDING, ending),
        _columns(Slot.PREV, prev),
        _columns(Slot.NEXT, nxt),
        _columns(Slot.PREV2, prev2),
        _columns(Slot.NEXT2, next2),
        _columns(Slot.PREV_WORD, prev, word),
        _columns(Slot.WORD_NEXT, word, nxt),
    ]
    rows = [np.repeat(np.arange(n), len(fixed))]
    cols = [np.stack(fixed, axis=1).ravel()]

    def add(slot: Slot, at: np.ndarray, *parts: np.ndarray) -> None:
        rows.append(at)
        cols.append(_columns(slot, *parts))

    quoted = np.flatnonzero(_quoted(words))
    add(Slot.QUOTED, quoted, np.zeros(len(quoted), np.uint64))
    if _english(doc.document.language):
        val = np.fromiter((valence(w, s) for w, s in zip(words, doc.normal, strict=True)), np.uint64, n)
        has = val > 0
        add(Slot.VALENCE, np.flatnonzero(has), val[has])
        after = np.flatnonzero(has[:-1] & ~starts[1:]) + 1  # the token after a valenced one, same sentence
        add(Slot.VALENCE_PREV, after, val[after - 1])
        before = np.flatnonzero(has[1:] & ~starts[1:])  # the token before one
        add(Slot.VALENCE_NEXT, before, val[before + 1])
    pairs = [(i, _hash(label)) for i, w in enumerate(doc.normal) for label in lexicon.labels_of.get(w, ())]
    if pairs:
        at, label = (np.asarray(x) for x in zip(*pairs, strict=True))
        add(Slot.LEXICON, at, label.astype(np.uint64))
        keep = at + 1 < n
        keep[keep] = ~starts[at[keep] + 1]  # the next token, when no sentence starts there
        add(Slot.LEXICON_PREV, at[keep] + 1, label[keep].astype(np.uint64))
        keep = (at > 0) & ~starts[at]
        add(Slot.LEXICON_NEXT, at[keep] - 1, label[keep].astype(np.uint64))
    return np.concatenate(rows), np.concatenate(cols)


def matrix(docs: Sequence[Prepared], lexicons: Sequence[Lexicon]) -> sparse.csr_matrix:
    """One row of hashed features per token of each document (document k's lexicon features from lexicons[k])."""
    rows, cols, offset = [], [], 0
    for doc, lexicon in zip(docs, lexicons, strict=True):
        if len(doc.tokens):
            r, c = _features(doc, lexicon)
            rows.append(r + offset)
            cols.append(c)
            offset += len(doc.tokens)
    if not rows:
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sparse.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(offset, N_FEATURES))
