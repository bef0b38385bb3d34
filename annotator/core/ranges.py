"""Sets of text ranges [start, end) in code points, kept sorted, disjoint and merged: a document's boilerplate
(the page furniture around an article, marked but never cut) is one."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import InputError

Ranges = tuple[tuple[int, int], ...]


def normalised(ranges: Iterable[Iterable[int]], length: int | None = None) -> Ranges:
    """The ranges sorted, with overlapping and touching ones merged; InputError for one that is empty, reversed or
    (given the text's length) beyond the text."""
    pairs = []
    for pair in ranges:
        start, end = (int(v) for v in pair)
        if not 0 <= start < end or (length is not None and end > length):
            beyond = f" (the text has {length} characters)" if length is not None and end > length else ""
            raise InputError(f"a range needs 0 <= start < end, got {start}..{end}{beyond}")
        pairs.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def added(ranges: Ranges, start: int, end: int) -> Ranges:
    return normalised([*ranges, (start, end)])


def removed(ranges: Ranges, start: int, end: int) -> Ranges:
    """The ranges without [start, end): what remains of each on either side."""
    kept = []
    for s, e in ranges:
        if e <= start or s >= end:
            kept.append((s, e))
            continue
        if s < start:
            kept.append((s, start))
        if e > end:
            kept.append((end, e))
    return tuple(kept)


def overlaps(ranges: Ranges, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in ranges)


def within(ranges: Ranges, start: int, end: int) -> bool:
    """Whether [start, end) lies wholly inside the ranges (they are merged, so inside one of them)."""
    return any(s <= start and end <= e for s, e in ranges)


def complement(ranges: Ranges, length: int) -> Ranges:
    """The stretches of a text of this length that the ranges leave out."""
    gaps, at = [], 0
    for s, e in ranges:
        if s > at:
            gaps.append((at, s))
        at = max(at, e)
    if at < length:
        gaps.append((at, length))
    return tuple(gaps)
