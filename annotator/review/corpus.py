"""The data every measure works on: documents laid end to end, each annotator's spans, and token codings.

A `Corpus` is built once from plain documents and annotations (the service layer loads them) and gives the
measures numpy arrays in one shared coordinate system: document d occupies [doc_starts[d], doc_ends[d]) of a
continuum, and every span and token is shifted there. Documents keep their order; nothing crosses a boundary.
A document's boilerplate (page furniture) is not part of the continuum: its characters are squeezed out, and
tokens and fragment parts inside it are left out, as if the article text stood alone.

Who "coded" a document matters for missing data: an annotator who never opened a document did not say
"nothing here", so their codes there are missing, not empty. The service decides (any annotation, or a status
of in progress or done) and passes `coded_by`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from annotator.core.model import Annotation
from annotator.review.tokens import tokenize

MISSING = -1


@dataclass(frozen=True)
class ReviewDocument:
    uuid: str
    text: str
    annotations: tuple[Annotation, ...] = ()
    coded_by: frozenset[str] = field(default_factory=frozenset)
    title: str = ""
    boilerplate: tuple[tuple[int, int], ...] = ()  # ranges of page furniture, left out of every measure

    @cached_property
    def squeeze(self) -> Squeeze:
        return Squeeze(self.boilerplate)

    @property
    def article_length(self) -> int:
        return len(self.text) - sum(end - start for start, end in self.boilerplate)


class Squeeze:
    """Text offsets to offsets in the article text alone (boilerplate squeezed out): a position inside a range
    goes to where the range was."""

    def __init__(self, ranges: tuple[tuple[int, int], ...]):
        self.starts = np.array([s for s, _ in ranges], dtype=np.int64)
        self.ends = np.array([e for _, e in ranges], dtype=np.int64)
        self.removed = np.cumsum(self.ends - self.starts)

    def __call__(self, positions: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return positions
        k = np.searchsorted(self.starts, positions, side="right") - 1  # the last range starting at or before
        inside = np.where(k >= 0, np.minimum(positions, self.ends[np.maximum(k, 0)]) - self.starts[np.maximum(k, 0)], 0)
        before = np.where(k >= 1, self.removed[np.maximum(k - 1, 0)], 0)
        return positions - before - np.where(k >= 0, inside, 0)


def category(ann: Annotation, use_subtypes: bool = False) -> str:
    """The value a measure compares: the label, or label/subtype when sub-types are compared too."""
    return f"{ann.label}/{ann.subtype}" if use_subtypes and ann.subtype else ann.label


@dataclass
class CodingTable:
    """Items (tokens or documents) by coders, holding category codes (MISSING where a coder did not code)."""

    codes: np.ndarray  # (N, R) int64
    item_docs: np.ndarray  # (N,) document of each item
    categories: list[str]
    n_docs: int

    @property
    def n_categories(self) -> int:
        return len(self.categories)


class Corpus:
    def __init__(self, documents: Sequence[ReviewDocument], annotators: Sequence[str], use_subtypes: bool = False):
        self.documents = list(documents)
        self.annotators = list(annotators)
        self.use_subtypes = use_subtypes
        lengths = np.array([d.article_length for d in self.documents], dtype=np.int64)
        self.doc_ends = np.cumsum(lengths)
        self.doc_starts = self.doc_ends - lengths
        raw = np.array([len(d.text) for d in self.documents], dtype=np.int64)
        self.text_starts = np.cumsum(raw) - raw  # where each whole text would start, boilerplate and all: for keys
        index = {a: i for i, a in enumerate(self.annotators)}
        self.coded = np.zeros((len(self.documents), len(self.annotators)), dtype=bool)
        for d, doc in enumerate(self.documents):
            # whoever annotated a document coded it, whatever its status says
            for name in doc.coded_by | {a.annotator for a in doc.annotations}:
                if name in index:
                    self.coded[d, index[name]] = True
        self._coverage: dict[tuple[int, str], np.ndarray] = {}
        self.spans: list[Annotation] = []
        self.document_level: list[Annotation] = []
        self._span_docs: list[int] = []
        self._doc_level_docs: list[int] = []
        for d, doc in enumerate(self.documents):
            for ann in doc.annotations:
                if ann.annotator not in index:
                    continue
                if ann.is_document_level:
                    self.document_level.append(ann)
                    self._doc_level_docs.append(d)
                else:
                    self.spans.append(ann)
                    self._span_docs.append(d)

    @property
    def n_docs(self) -> int:
        return len(self.documents)

    def span_labels(self) -> list[str]:
        return sorted({category(a, self.use_subtypes) for a in self.spans})

    def document_labels(self) -> list[str]:
        return sorted({a.label for a in self.document_level})

    # -- spans in continuum coordinates --------------------------------------------------------------------

    @cached_property
    def _fragments(self) -> dict[tuple[int, str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(annotator index, category) -> (starts, ends, span index) of every fragment, continuum coordinates."""
        flat = [(f.start, f.end, k) for k, ann in enumerate(self.spans) for f in ann.fragments]
        if not flat:
            return {}
        array = np.asarray(flat, dtype=np.int64)
        span = array[:, 2]
        docs = self.span_arrays["doc"][span]
        for d in np.unique(docs).tolist():  # boilerplate squeezed out; a part wholly inside it becomes empty
            if self.documents[d].boilerplate:
                rows = docs == d
                array[rows, 0] = self.documents[d].squeeze(array[rows, 0])
                array[rows, 1] = self.documents[d].squeeze(array[rows, 1])
        keep = array[:, 1] > array[:, 0]
        array, span, docs = array[keep], span[keep], docs[keep]
        if not len(array):
            return {}
        shift = self.doc_starts[docs]
        names = sorted({category(a, self.use_subtypes) for a in self.spans})
        code = {name: n for n, name in enumerate(names)}
        span_code = np.fromiter((code[category(a, self.use_subtypes)] for a in self.spans), np.int64, len(self.spans))
        group = self.span_arrays["coder"][span] * len(names) + span_code[span]
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0, True])
        out = {}
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            rows = order[lo:hi]
            g = int(group[rows[0]])
            out[(g // len(names), names[g % len(names)])] = (
                array[rows, 0] + shift[rows],
                array[rows, 1] + shift[rows],
                span[rows],
            )
        return out

    def fragments(self, coder: int, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        empty = np.zeros(0, dtype=np.int64)
        return self._fragments.get((coder, label), (empty, empty, empty))

    def span_doc(self, span_index: np.ndarray) -> np.ndarray:
        return self.span_arrays["doc"][span_index]

    @cached_property
    def span_arrays(self) -> dict[str, np.ndarray]:
        """Per span (same order as self.spans): doc, coder, start, end (bounds), chars, fragment count."""
        index = {a: i for i, a in enumerate(self.annotators)}
        rows = [
            (
                d,
                index[a.annotator],
                a.fragments[0].start,
                a.fragments[-1].end if len(a.fragments) == 1 else a.end,
                sum(f.end - f.start for f in a.fragments),
                len(a.fragments),
            )
            for a, d in zip(self.spans, self._span_docs, strict=True)
        ]
        table = np.array(rows, dtype=np.int64).reshape(len(rows), 6)
        return {
            name: table[:, k].copy() for k, name in enumerate(("doc", "coder", "start", "end", "chars", "fragments"))
        }

    @cached_property
    def span_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each span's label and sub-type as integer codes (equal codes, equal names)."""
        codes: dict[str | None, int] = {}
        labels = np.fromiter((codes.setdefault(a.label, len(codes)) for a in self.spans), np.int64, len(self.spans))
        subtypes = np.fromiter((codes.setdefault(a.subtype, len(codes)) for a in self.spans), np.int64, len(self.spans))
        return labels, subtypes

    @cached_property
    def span_rank(self) -> np.ndarray:
        """Each span's place in reading order (document, start, longer first, label, uuid), as align() sorts."""
        order = sorted(
            range(len(self.spans)),
            key=lambda k: (
                self._span_docs[k],
                self.spans[k].start,
                -self.spans[k].end,
                self.spans[k].label,
                self.spans[k].uuid,
            ),
        )
        rank = np.empty(len(self.spans), dtype=np.int64)
        rank[order] = np.arange(len(self.spans))
        return rank

    # -- tokens --------------------------------------------------------------------------------------------

    @cached_property
    def tokens(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Starts, ends and documents of every token, in continuum coordinates."""
        starts, ends, docs = [], [], []
        for d, doc in enumerate(self.documents):
            s, e = tokenize(doc.text)
            if doc.boilerplate:  # tokens touching furniture are not the article's
                squeezed_s, squeezed_e = doc.squeeze(s), doc.squeeze(e)
                kept = (squeezed_e - squeezed_s) == (e - s)
                s, e = squeezed_s[kept], squeezed_e[kept]
            starts.append(s + self.doc_starts[d])
            ends.append(e + self.doc_starts[d])
            docs.append(np.full(len(s), d, dtype=np.int64))
        if not starts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(starts), np.concatenate(ends), np.concatenate(docs)

    def token_coverage(self, coder: int, label: str) -> np.ndarray:
        """Which tokens the coder's spans of label touch (one shared character is enough)."""
        tok_starts, tok_ends, _ = self.tokens
        starts, ends, _ = self.fragments(coder, label)
        key = (coder, label)
        if key in self._coverage:
            return self._coverage[key]
        first = np.searchsorted(tok_ends, starts, side="right")  # first token ending after the span starts
        stop = np.searchsorted(tok_starts, ends, side="left")  # tokens from here on start at or after its end
        keep = stop > first
        size = len(tok_starts) + 1
        diff = np.bincount(first[keep], minlength=size) - np.bincount(stop[keep], minlength=size)
        self._coverage[key] = covered = np.cumsum(diff[:-1]) > 0
        return covered

    def token_table(self, label: str | None = None, labels: Sequence[str] | None = None) -> CodingTable:
        """Tokens by coders. With label: 1 where the coder's spans of label touch the token, else 0. Without:
        the set of labels touching the token is the value ("claim+opinion"; "(none)" for none of them)."""
        _, _, tok_docs = self.tokens
        n, r = len(tok_docs), len(self.annotators)
        present = self.coded[tok_docs] if n else np.zeros((0, r), dtype=bool)
        if label is not None:
            codes = np.stack([self.token_coverage(c, label) for c in range(r)], axis=1).astype(np.int64)
            codes = codes.reshape(n, r)
            codes[~present] = MISSING
            return CodingTable(codes, tok_docs, ["(none)", label], self.n_docs)
        chosen = list(labels) if labels is not None else self.span_labels()
        if not chosen:
            codes = np.where(present, 0, MISSING).astype(np.int64)
            return CodingTable(codes, tok_docs, ["(none)"], self.n_docs)
        bits = np.stack([np.stack([self.token_coverage(c, lab) for lab in chosen], axis=1) for c in range(r)], 1)
        bits = bits.reshape(n * r, len(chosen))
        if len(chosen) <= 62:  # the set of labels as one integer bit mask: a fast one-dimensional unique
            masks = bits.astype(np.int64) @ (np.int64(1) << np.arange(len(chosen), dtype=np.int64))
            patterns, inverse = np.unique(masks, return_inverse=True)
            rows = ((patterns[:, None] >> np.arange(len(chosen))) & 1).astype(bool)
        else:  # one row of bytes per (token, coder)
            patterns, inverse = np.unique(np.packbits(bits, axis=1), axis=0, return_inverse=True)
            rows = np.unpackbits(patterns, axis=1)[:, : len(chosen)].astype(bool)
        names = ["+".join(lab for lab, on in zip(chosen, row, strict=True) if on) or "(none)" for row in rows]
        codes = inverse.reshape(n, r).astype(np.int64)
        codes[~present] = MISSING
        return CodingTable(codes, tok_docs, names, self.n_docs)

    # -- document-level labels -----------------------------------------------------------------------------

    def document_table(self, label: str) -> CodingTable:
        """Documents by coders: the sub-type(s) a coder gave for a document-level label ("(none)" if not given)."""
        values: dict[tuple[int, int], set[str]] = {}
        index = {a: i for i, a in enumerate(self.annotators)}
        for ann, d in zip(self.document_level, self._doc_level_docs, strict=True):
            if ann.label == label:
                values.setdefault((d, index[ann.annotator]), set()).add(ann.subtype or ann.label)
        names = ["(none)"]
        codes = np.full((self.n_docs, len(self.annotators)), MISSING, dtype=np.int64)
        for d in range(self.n_docs):
            for c in range(len(self.annotators)):
                if not self.coded[d, c]:
                    continue
                value = "+".join(sorted(values.get((d, c), ()))) or "(none)"
                if value not in names:
                    names.append(value)
                codes[d, c] = names.index(value)
        return CodingTable(codes, np.arange(self.n_docs, dtype=np.int64), names, self.n_docs)
