"""CoNLL IOB2 for sequence-tagging models, writing (reading: conll_read.py): one token and one tag per line.

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

A document read from CoNLL is written back in its own form: its tokens and sentences (one per line of its
text), its tag scheme (IOB1, IOB2, BIOES or BILOU), the sub-types its tags named, its separator, its
"-DOCSTART-" line and the columns between token and tag.
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

FORMAT = "conll"

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


def iob2_tags(
    text: str, spans: list[tuple[int, int]], annotations: Iterable[Annotation], subtypes: bool = False
) -> tuple[list[str], int]:
    """One tag per token, and how many spans the overlap rule left out (tags name sub-types only if asked)."""
    pieces = [(f.start, f.end, _name(a, subtypes)) for a in annotations for f in a.fragments]
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


def _name(ann: Annotation, subtypes: bool) -> str:
    return f"{ann.label}/{ann.subtype}" if subtypes and ann.subtype else ann.label


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
            data = bundle.document.metadata.get(FORMAT) or {}
            spans = [m.span() for m in re.finditer(r"\S+", text)] if data else tokens(text)
            groups = list(_lines(text, spans) if data else sentences(text, spans))
            by_annotator: dict[str, list[Annotation]] = defaultdict(list)
            for ann in bundle.annotations:
                if ann.fragments:
                    by_annotator[ann.annotator].append(ann)
            separator, columns = data.get("separator", " "), data.get("columns")
            for annotations in by_annotator.values() or [[]]:
                tags, lost = iob2_tags(text, spans, annotations, subtypes=bool(data))
                dropped += lost
                docstart = data.get("docstart", "-DOCSTART- O") if data else "-DOCSTART- O"
                if docstart:  # a file read without them (doccano's) has none
                    f.write(docstart + "\n\n")
                for sentence in groups:
                    for i, tag in zip(sentence, _encoded([tags[i] for i in sentence], data.get("scheme")), strict=True):
                        middle = columns[i] if columns and i < len(columns) else []
                        f.write(separator.join([text[spans[i][0] : spans[i][1]], *middle, tag]) + "\n")
                    f.write("\n")
                count += 1
    if dropped:
        options.extra.setdefault("notes", []).append(
            f"{dropped} overlapping spans left out (the longest span wins; see the conll format's rule)"
        )
    return count


def _lines(text: str, spans: list[tuple[int, int]]) -> Iterator[list[int]]:
    """A document read from CoNLL has one sentence per line."""
    current: list[int] = []
    for i, (start, _) in enumerate(spans):
        if current and "\n" in text[spans[current[-1]][1] : start]:
            yield current
            current = []
        current.append(i)
    if current:
        yield current


def _encoded(tags: list[str], scheme: str | None) -> list[str]:
    """One sentence's IOB2 tags in the scheme a file had: IOB2 (a sentence starts anew with B-), IOB1 (I- starts
    a span, B- only right after a span of the same label), BIOES, BILOU."""
    out = []
    for n, tag in enumerate(tags):
        if tag.startswith("I-") and (n == 0 or tags[n - 1][2:] != tag[2:] or tags[n - 1] == "O"):
            tag = "B-" + tag[2:]
        out.append(tag)
    if scheme == "IOB1":
        return [
            "I-" + tag[2:] if tag.startswith("B-") and (n == 0 or out[n - 1][2:] != tag[2:]) else tag
            for n, tag in enumerate(out)
        ]
    if scheme not in ("BIOES", "BILOU"):
        return out
    single, last = ("S-", "E-") if scheme == "BIOES" else ("U-", "L-")
    for n, tag in enumerate(out):
        continues = n + 1 < len(out) and out[n + 1] == "I-" + tag[2:]
        if tag.startswith("B-") and not continues:
            out[n] = single + tag[2:]
        elif tag.startswith("I-") and not continues:
            out[n] = last + tag[2:]
    return out
