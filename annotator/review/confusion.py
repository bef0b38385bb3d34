"""Label confusion between two annotators on aligned spans.

Rows are the first annotator's labels, columns the second's; "(none)" is the row or column of spans the other
annotator did not mark. Only documents both annotators coded are counted.

Spans are paired exactly as alignment.align() pairs them for two annotators (same links, same strength order,
same tie-breaks; a test holds the two to the same answer), but for the whole corpus at once with numpy: the
greedy pass is then one loop over candidate links instead of thousands of small alignments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.review.corpus import Corpus, category

NONE = "(none)"


@dataclass(frozen=True)
class Confusion:
    annotators: tuple[str, str]
    labels: list[str]  # row and column names, "(none)" last
    matrix: np.ndarray  # (K, K) counts

    def to_dict(self) -> dict[str, object]:
        return {"annotators": list(self.annotators), "labels": self.labels, "matrix": self.matrix.tolist()}


def _pairs_within_documents(a_docs: np.ndarray, b_docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (a, b) index pair whose items lie in the same document (both arrays sorted by document)."""
    lo = np.searchsorted(b_docs, a_docs, side="left")
    hi = np.searchsorted(b_docs, a_docs, side="right")
    count = hi - lo
    a_idx = np.repeat(np.arange(len(a_docs)), count)
    b_idx = np.repeat(lo, count) + (np.arange(len(a_idx)) - np.repeat(np.cumsum(count) - count, count))
    return a_idx, b_idx


def matched_pairs(
    corpus: Corpus, first: str, second: str, mode: str = "overlap", min_cross_label_iou: float = 0.5
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Span indices (into corpus.spans) of first's and second's spans in shared documents, and the matched pairs."""
    i, j = corpus.annotators.index(first), corpus.annotators.index(second)
    arr, spans = corpus.span_arrays, corpus.spans
    shared = corpus.coded[:, i] & corpus.coded[:, j]
    ids = np.nonzero(((arr["coder"] == i) | (arr["coder"] == j)) & shared[arr["doc"]])[0]
    empty = np.zeros(0, dtype=np.int64)
    if len(ids) == 0:
        return empty, empty, []
    label_code, subtype_code = corpus.span_codes
    labels, subtypes = label_code[ids], subtype_code[ids]
    who = (arr["coder"][ids] == j).astype(np.int64)
    doc, start, end = arr["doc"][ids], arr["start"][ids], arr["end"][ids]
    chars, frags = arr["chars"][ids], arr["fragments"][ids]
    rank = corpus.span_rank[ids]  # reading order within each document, as align() sorts
    a_pos = np.nonzero(who == 0)[0]
    b_pos = np.nonzero(who == 1)[0]
    a_pos, b_pos = a_pos[np.argsort(doc[a_pos], kind="stable")], b_pos[np.argsort(doc[b_pos], kind="stable")]
    x, y = _pairs_within_documents(doc[a_pos], doc[b_pos])
    pa, pb = a_pos[x], b_pos[y]
    near = (start[pb] < end[pa]) & (start[pa] < end[pb])
    x, y, pa, pb = x[near], y[near], pa[near], pb[near]
    single = (frags[pa] == 1) & (frags[pb] == 1)
    inter = np.minimum(end[pa], end[pb]) - np.maximum(start[pa], start[pb])
    same_frags = single & (start[pa] == start[pb]) & (end[pa] == end[pb])
    for n in np.nonzero(~single)[0]:  # discontinuous annotations: exact character counts (rare)
        a, b = spans[ids[pa[n]]], spans[ids[pb[n]]]
        same_frags[n] = a.fragments == b.fragments
        inter[n] = sum(max(0, min(f.end, g.end) - max(f.start, g.start)) for f in a.fragments for g in b.fragments)
    same_label = labels[pa] == labels[pb]
    same_value = same_label & (subtypes[pa] == subtypes[pb])
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(same_frags, 1.0, np.where(inter > 0, inter / (chars[pa] + chars[pb] - inter), 0.0))
    keep = same_frags
    if mode != "exact":
        keep = keep | ((iou > 0) & (same_label | (iou >= min_cross_label_iou)))
    x, y, pa, pb = x[keep], y[keep], pa[keep], pb[keep]
    ra, rb = rank[pa], rank[pb]
    order = np.lexsort((np.maximum(ra, rb), np.minimum(ra, rb), ~same_value[keep], -iou[keep], ~same_label[keep]))
    used_a, used_b = np.zeros(len(a_pos), dtype=bool), np.zeros(len(b_pos), dtype=bool)
    pairs = []
    for xa, yb in zip(x[order].tolist(), y[order].tolist(), strict=True):
        if not used_a[xa] and not used_b[yb]:
            used_a[xa] = used_b[yb] = True
            pairs.append((int(ids[a_pos[xa]]), int(ids[b_pos[yb]])))
    return ids[a_pos], ids[b_pos], pairs


def confusion(corpus: Corpus, first: str, second: str, mode: str = "overlap") -> Confusion:
    a_ids, b_ids, pairs = matched_pairs(corpus, first, second, mode)
    spans = corpus.spans
    matched_a = {a for a, _ in pairs}
    matched_b = {b for _, b in pairs}
    cells = [(category(spans[a], corpus.use_subtypes), category(spans[b], corpus.use_subtypes)) for a, b in pairs]
    cells += [(category(spans[a], corpus.use_subtypes), NONE) for a in a_ids.tolist() if a not in matched_a]
    cells += [(NONE, category(spans[b], corpus.use_subtypes)) for b in b_ids.tolist() if b not in matched_b]
    labels = sorted({c for cell in cells for c in cell} - {NONE}) + [NONE]
    index = {label: k for k, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for a, b in cells:
        matrix[index[a], index[b]] += 1
    return Confusion((first, second), labels, matrix)
