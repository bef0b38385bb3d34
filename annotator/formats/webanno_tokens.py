"""Tokens for WebAnno TSV: INCEpTION's tokens are kept compactly (as the cuts they make inside runs of non-space
characters, or whole when they are not such runs) and given back to the writer; a document made here gets
runs of non-space characters cut at every span boundary."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

_RUN = re.compile(r"\S+")


def tokenize(text: str, cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of non-space characters, cut at each offset in cuts; a leading byte-order mark is its own token."""
    cut = sorted({c for c in cuts if 0 < c < len(text)} | ({1} if text.startswith("\ufeff") else set()))
    tokens = []
    for match in _RUN.finditer(text):
        start = match.start()
        for point in cut[bisect_left(cut, start + 1) :]:
            if point >= match.end():
                break
            tokens.append((start, point))
            start = point
        tokens.append((start, match.end()))
    return tokens


def token_data(text: str, tokens: list[tuple[int, int]]) -> dict[str, Any]:
    """What the format data must hold to give these tokens back: nothing, {"cuts": [...]} or {"tokens": [[s, e]]}."""
    if not text.startswith("\ufeff") and [m.span() for m in _RUN.finditer(text)] == tokens:
        return {}  # tokens are the runs of non-space characters: the common case, and nothing to keep
    inside = {s for s, _ in tokens if 0 < s < len(text) and not text[s - 1].isspace()}
    inside |= {e for _, e in tokens if 0 < e < len(text) and not text[e].isspace()}
    if text.startswith("\ufeff"):
        inside.discard(1)
    if tokenize(text, inside) == tokens:
        return {"cuts": sorted(inside)} if inside - ({1} if text.startswith("\ufeff") else set()) else {}
    return {"tokens": [list(token) for token in tokens]}


def tokens_of(text: str, data: dict[str, Any], cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """The tokens a file had (format data), else runs of non-space characters cut at cuts."""
    if "tokens" in data:
        return [(start, end) for start, end in data["tokens"]]
    if data.get("cuts") or "sentences" in data:
        return tokenize(text, data.get("cuts", []))
    return tokenize(text, cuts)
