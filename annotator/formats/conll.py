"""CoNLL IOB2 for sequence-tagging models (export only): one token and one tag per line, "TOKEN TAG".

Each document (and, when several people annotated it, each document and annotator) starts with a
"-DOCSTART- O" line and a blank line; sentences are separated by blank lines. Tokens are runs of letters and
digits or single other non-space characters; a sentence ends after . ! ? … or at a line break. Tags are
B-<label>/I-<label> (the top label, e.g. B-claim; sub-types are left out so that one layer stays learnable), O
outside any span. Document-level annotations are left out. A discontinuous annotation tags each fragment as
its own span, and a span that runs over a sentence break starts again with B- in the next sentence.

Overlaps: one token carries one tag, so overlapping spans are resolved by a fixed rule: **the longest span wins**
(ties: the earliest start, then the label name in alphabetical order), and a span that overlaps a span already
placed is left out whole rather than cut, so every entity written is complete. A token is in a span when it
overlaps it. The export's notes say how many spans were left out.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.model import Annotation
from annotator.formats.registry import DocumentBundle, WriteOptions, writer

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SENTENCE_END = frozenset(".!?…")


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token; a byte-order mark is not a token, and combining marks stay with their letter."""
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if m.group() == "\ufeff":
            continue
        joins = _marks(text[start:end]) or (_marks(text[start - 1]) and text[start].isalnum())
        if out and out[-1][1] == start and joins:
            out[-1] = (out[-1][0], end)  # "e" + U+0301 + "t" is one word
        else:
            out.append((start, end))
    return out


def _marks(chunk: str) -> bool:
    return all(unicodedata.category(c).startswith("M") for c in chunk)


def sentences(text: str, spans: list[tuple[int, int]]) -> Iterator[list[int]]:
    """Token indexes grouped into sentences."""
    current: list[int] = []
    for i, (start, end) in enumerate(spans):
        if current and "\n" in text[spans[current[-1]][1] : start]:
            yield current
            current = []
        current.append(i)
        if text[start:end] in _SENTENCE_END:
            yield current
            current = []
    if current:
        yield current


def iob2_tags(text: str, spans: list[tuple[int, int]], annotations: Iterable[Annotation]) -> tuple[list[str], int]:
    """One tag per token, and how many spans the overlap rule left out."""
    pieces = [(f.start, f.end, a.label) for a in annotations for f in a.fragments]
    pieces.sort(key=lambda p: (-(p[1] - p[0]), p[0], p[2]))
    starts = [s for s, _ in spans]
    tags = ["O"] * len(spans)
    dropped = 0
    for start, end, label in pieces:
        covered = _overlapping(starts, spans, start, end)
        if not covered:
            continue
        if any(tags[i] != "O" for i in covered):
            dropped += 1
            continue
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags, dropped


def _overlapping(starts: list[int], spans: list[tuple[int, int]], start: int, end: int) -> list[int]:
    first = max(bisect_right(starts, start) - 1, 0)
    if first < len(spans) and spans[first][1] <= start:
        first += 1
    last = bisect_left(starts, end)
    return list(range(first, last))


@writer("conll", extensions=("conll", "iob", "txt"), description="CoNLL IOB2 tags (one label layer)")
def write_conll(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    dropped = 0
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for bundle in bundles:
            text = bundle.document.text
            spans = tokens(text)
            by_annotator: dict[str, list[Annotation]] = defaultdict(list)
            for ann in bundle.annotations:
                if ann.fragments:
                    by_annotator[ann.annotator].append(ann)
            for annotations in by_annotator.values() or [[]]:
                tags, lost = iob2_tags(text, spans, annotations)
                dropped += lost
                f.write("-DOCSTART- O\n\n")
                for sentence in sentences(text, spans):
                    for i in sentence:
                        tag = tags[i] if i != sentence[0] or not tags[i].startswith("I-") else "B-" + tags[i][2:]
                        f.write(f"{text[spans[i][0] : spans[i][1]]} {tag}\n")
                    f.write("\n")
                count += 1
    if dropped:
        options.extra.setdefault("notes", []).append(
            f"{dropped} overlapping spans left out (the longest span wins; see the conll format's rule)"
        )
    return count
