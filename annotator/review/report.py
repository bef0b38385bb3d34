"""Every agreement measure for a corpus, assembled into one plain dict (the JSON of `annotator agreement`).

Shape (documented for scripts in README.md, section "Agreement"):

    {"annotators": [...], "documents": D, "tokens": N, "options": {...},
     "overall":  {measure: value or None, "reasons": {measure: why None}, "ci": {measure: {low, high, resamples}}},
     "by_label": {label: {same keys as overall}},
     "pairs":    [{"annotators": [a, b], "documents": n, measures..., "by_label": {label: {...}}}],
     "matrix":   {"annotators": [...], measure: [[value or None]]},
     "confusion": [{"annotators": [a, b], "labels": [...], "matrix": [[...]]}],
     "document_level": {label: {"cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "observed_agreement", ...}}}

Measures: cohen_kappa (tokens; with more than two annotators the mean over pairs, Light's kappa), fleiss_kappa
(tokens coded by everyone), krippendorff_alpha (tokens, nominal, missing allowed), alpha_u (characters),
f1_exact and f1_relaxed (spans; mean over pairs), and their label-blind forms f1_exact_unlabeled and
f1_relaxed_unlabeled (every chosen label taken as one; pairs also carry the precision and recall of each). In
"overall" a token's value is the set of labels touching it; in "by_label" it is whether that label touches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotator.review.agreement import CodingStats, Point
from annotator.review.bootstrap import DEFAULT_SEED, percentile_interval, resample_weights
from annotator.review.confusion import confusion
from annotator.review.corpus import CodingTable, Corpus
from annotator.review.spans import SpanSums, pair_sums
from annotator.review.unitizing import CategoryTerms, alpha_from_disagreements, category_terms

F1_MEASURES = ("f1_exact", "f1_relaxed", "f1_exact_unlabeled", "f1_relaxed_unlabeled")
MEASURES = ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u", *F1_MEASURES)
SPAN_SCORES = tuple(f"{m}_{kind}" for kind in ("exact", "relaxed") for m in ("precision", "recall", "f1"))
PAIR_MEASURES = (
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_u",
    *SPAN_SCORES,
    *(f"{m}_unlabeled" for m in SPAN_SCORES),
)
NO_LABELS = "no span label was chosen"
MATRIX_MEASURES = ("cohen_kappa", "krippendorff_alpha", "alpha_u", *F1_MEASURES)


def _why_no_score(key: str, reference: str, compared: str) -> str:
    if key.startswith("f1"):
        return "neither annotator marked a span"
    # precision divides by the compared annotator's spans, recall by the reference's
    return f"{compared if key.startswith('precision') else reference} marked no span to score"


def _block(points: dict[str, Point], samples: dict[str, np.ndarray] | None) -> dict[str, Any]:
    out: dict[str, Any] = {name: value for name, (value, _) in points.items()}
    out["reasons"] = {name: reason for name, (value, reason) in points.items() if value is None}
    if samples is not None:
        out["ci"] = {name: percentile_interval(samples[name]) for name in points if points[name][0] is not None}
    return out


def _mean_points(points: list[Point], none_reason: str) -> Point:
    values = [v for v, _ in points if v is not None]
    if values:
        return float(np.mean(values)), ""
    return None, next((r for _, r in points if r), none_reason)


def _nanmean_rows(rows: list[np.ndarray], size: int) -> np.ndarray:
    if not rows:
        return np.full(size, np.nan)
    stacked = np.vstack(rows)
    defined = np.isfinite(stacked)
    with np.errstate(invalid="ignore"):
        return np.where(defined.any(axis=0), np.nansum(stacked, axis=0) / np.maximum(defined.sum(axis=0), 1), np.nan)


class _Measurer:
    def __init__(self, corpus: Corpus, span_labels: Sequence[str], resamples: int, seed: int, mode: str):
        self.corpus = corpus
        self.labels = list(span_labels)
        self.mode = mode
        self.n = len(corpus.annotators)
        self.ones = np.ones(corpus.n_docs)
        self.W = resample_weights(corpus.n_docs, resamples, seed) if resamples else None
        self.pairs = list(combinations(range(self.n), 2))
        self._stats: dict[str | None, CodingStats] = {}
        self._terms: dict[str, CategoryTerms] = {}
        self._sums: dict[tuple[int, int, str], SpanSums] = {}
        self._blind: dict[tuple[int, int, str], SpanSums] = {}
        self._pair_blocks: dict[tuple[int, int, str | None], tuple[dict[str, Point], dict[str, np.ndarray]]] = {}

    # cached building blocks
    def stats(self, label: str | None) -> CodingStats:
        if label not in self._stats:
            table = self.corpus.token_table(label, self.labels)
            self._stats[label] = CodingStats(table, self.corpus.annotators)
        return self._stats[label]

    def terms(self, label: str) -> CategoryTerms:
        if label not in self._terms:
            units = [self.corpus.fragments(c, label)[:2] for c in range(self.n)]
            self._terms[label] = category_terms(units, self.corpus.doc_starts, self.corpus.doc_ends)
        return self._terms[label]

    def sums(self, i: int, j: int, labels: Sequence[str], blind: bool = False) -> SpanSums:
        if blind:  # every label taken as one: a sum of its own, not the labels' sums added up
            key = (i, j, "\x1f".join(labels))
            if key not in self._blind:
                self._blind[key] = pair_sums(self.corpus, i, j, tuple(labels))
            return self._blind[key]
        total: SpanSums | None = None
        for label in labels:
            key = (i, j, label)
            if key not in self._sums:
                self._sums[key] = pair_sums(self.corpus, i, j, label)
            total = self._sums[key] if total is None else total + self._sums[key]
        assert total is not None
        return total

    def mask(self, coders: Sequence[int]) -> np.ndarray:
        return np.all(self.corpus.coded[:, list(coders)], axis=1).astype(np.float64)

    # measures
    def alpha_u(self, coders: Sequence[int], labels: Sequence[str]) -> tuple[Point, np.ndarray | None]:
        mask = self.mask(coders)
        if mask.sum() == 0:
            return (None, "no document was coded by every annotator compared"), None
        rows = [mask[None]] + ([self.W * mask] if self.W is not None else [])
        weights = np.vstack(rows)
        d_o, d_e = np.zeros(len(weights)), np.zeros(len(weights))
        for label in labels:
            o, e = self.terms(label).evaluate(coders, weights)
            d_o, d_e = d_o + o, d_e + e
        alpha = alpha_from_disagreements(d_o, d_e)
        point: Point = (
            (float(alpha[0]), "") if np.isfinite(alpha[0]) else (None, "none of the annotators compared marked a span")
        )
        return point, (alpha[1:] if self.W is not None else None)

    def span_scores(self, i: int, j: int, labels: Sequence[str]) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
        mask = self.mask((i, j))
        point: dict[str, np.ndarray] = {}
        samples: dict[str, np.ndarray] = {}
        for blind, suffix in ((False, ""), (True, "_unlabeled")):
            sums = self.sums(i, j, labels, blind)
            point.update({f"{k}{suffix}": v for k, v in sums.scores(mask).items()})
            if self.W is not None:
                samples.update({f"{k}{suffix}": v for k, v in sums.scores(self.W * mask).items()})
        names = self.corpus.annotators
        points: dict[str, Point] = {}
        for key, values in point.items():
            value = float(values[0])
            if mask.sum() == 0:
                points[key] = (None, f"{names[i]} and {names[j]} coded no document in common")
            elif np.isnan(value):
                points[key] = (None, _why_no_score(key, names[i], names[j]))
            else:
                points[key] = (value, "")
        return points, samples

    def pair_block(self, i: int, j: int, label: str | None) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
        key = (i, j, label)
        if key not in self._pair_blocks:
            self._pair_blocks[key] = self._pair_block(i, j, label)
        return self._pair_blocks[key]

    def _pair_block(self, i: int, j: int, label: str | None) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
        labels = [label] if label is not None else self.labels
        if not labels:
            nothing = np.full(len(self.W), np.nan) if self.W is not None else None
            points = {m: (None, NO_LABELS) for m in PAIR_MEASURES}
            return points, ({m: nothing for m in PAIR_MEASURES} if nothing is not None else {})
        stats = self.stats(label)
        points: dict[str, Point] = {
            "cohen_kappa": stats.cohen_point(i, j, self.ones),
            "krippendorff_alpha": stats.alpha_point((i, j), self.ones, use_package=label is None),
        }
        samples: dict[str, np.ndarray] = {}
        points["alpha_u"], u_samples = self.alpha_u((i, j), labels)
        span_points, span_samples = self.span_scores(i, j, labels)
        points.update(span_points)
        if self.W is not None:
            samples["cohen_kappa"] = stats.cohen(i, j, self.W)
            samples["krippendorff_alpha"] = stats.alpha((i, j), self.W)
            samples["alpha_u"] = u_samples if u_samples is not None else np.full(len(self.W), np.nan)
            samples.update(span_samples)
        return points, samples

    def block(self, label: str | None) -> dict[str, Any]:
        labels = [label] if label is not None else self.labels
        if not any(len(self.corpus.fragments(c, lab)[0]) for c in range(self.n) for lab in labels):
            why = f"nobody used '{label}' in these documents" if label else "nobody marked a span in these documents"
            why = why if labels else NO_LABELS
            return _block({m: (None, why) for m in MEASURES}, None)
        stats = self.stats(label)
        pair_results = [self.pair_block(i, j, label) for i, j in self.pairs]
        points: dict[str, Point] = {
            "cohen_kappa": _mean_points([p["cohen_kappa"] for p, _ in pair_results], "no pair to compare"),
            "fleiss_kappa": stats.fleiss_point(self.ones),
            "krippendorff_alpha": stats.alpha_point(range(self.n), self.ones),
        }
        points["alpha_u"], u_samples = self.alpha_u(range(self.n), labels)
        for key in F1_MEASURES:
            points[key] = _mean_points([p[key] for p, _ in pair_results], "no pair to compare")
        samples = None
        if self.W is not None:
            size = len(self.W)
            samples = {
                "cohen_kappa": _nanmean_rows([s["cohen_kappa"] for _, s in pair_results], size),
                "fleiss_kappa": stats.fleiss(self.W),
                "krippendorff_alpha": stats.alpha(range(self.n), self.W),
                "alpha_u": u_samples if u_samples is not None else np.full(size, np.nan),
                **{key: _nanmean_rows([s[key] for _, s in pair_results], size) for key in F1_MEASURES},
            }
        return _block(points, samples)

    def pairs_section(self) -> list[dict[str, Any]]:
        out = []
        names = self.corpus.annotators
        for i, j in self.pairs:
            points, samples = self.pair_block(i, j, None)
            entry = {"annotators": [names[i], names[j]], "documents": int(self.mask((i, j)).sum())}
            entry.update(_block(points, samples if self.W is not None else None))
            entry["by_label"] = {lab: _block(self.pair_block(i, j, lab)[0], None) for lab in self.labels}
            out.append(entry)
        return out

    def document_level(self, label: str) -> dict[str, Any]:
        table = self.corpus.document_table(label)
        stats = CodingStats(table, self.corpus.annotators)
        pair_points = [stats.cohen_point(i, j, self.ones) for i, j in self.pairs]
        points: dict[str, Point] = {
            "cohen_kappa": _mean_points(pair_points, "no pair to compare"),
            "fleiss_kappa": stats.fleiss_point(self.ones),
            "krippendorff_alpha": stats.alpha_point(range(self.n), self.ones),
            "observed_agreement": _observed_agreement(table),
        }
        samples = None
        if self.W is not None:
            samples = {
                "cohen_kappa": _nanmean_rows([stats.cohen(i, j, self.W) for i, j in self.pairs], len(self.W)),
                "fleiss_kappa": stats.fleiss(self.W),
                "krippendorff_alpha": stats.alpha(range(self.n), self.W),
                "observed_agreement": _observed_agreement_samples(table, self.W),
            }
        block = _block(points, samples)
        block["documents"] = int((np.sum(table.codes >= 0, axis=1) >= 2).sum())
        block["values"] = table.categories
        return block


def _observed_agreement(table: CodingTable) -> Point:
    complete = np.all(table.codes >= 0, axis=1)
    if not complete.any():
        return None, "no document was coded by every chosen annotator"
    rows = table.codes[complete]
    return float(np.mean(np.all(rows == rows[:, :1], axis=1))), ""


def _observed_agreement_samples(table: CodingTable, weights: np.ndarray) -> np.ndarray:
    complete = np.all(table.codes >= 0, axis=1)
    agree = complete & np.all(table.codes == table.codes[:, :1], axis=1)
    n = weights @ np.bincount(table.item_docs[complete], minlength=table.n_docs)
    hits = weights @ np.bincount(table.item_docs[agree], minlength=table.n_docs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, hits / n, np.nan)


def measure(
    corpus: Corpus,
    span_labels: Sequence[str] | None = None,
    document_labels: Sequence[str] | None = None,
    resamples: int = 0,
    seed: int = DEFAULT_SEED,
    mode: str = "overlap",
    with_confusion: bool = True,
) -> dict[str, Any]:
    """All measures for the corpus; labels default to those anybody used. resamples > 0 adds 95% intervals."""
    labels = list(span_labels) if span_labels is not None else corpus.span_labels()
    doc_labels = list(document_labels) if document_labels is not None else corpus.document_labels()
    names = corpus.annotators
    result: dict[str, Any] = {
        "annotators": list(names),
        "documents": corpus.n_docs,
        "documents_coded_by_all": int(np.all(corpus.coded, axis=1).sum()) if names else 0,
        "tokens": int(len(corpus.tokens[0])),
        "options": {
            "units": "tokens",
            "alignment": mode,
            "subtypes": corpus.use_subtypes,
            "bootstrap": resamples,
            "seed": seed if resamples else None,
        },
    }
    if len(names) < 2:
        why = "agreement needs two or more annotators" + (f"; only {names[0]} was chosen" if names else "")
        empty = _block({m: (None, why) for m in MEASURES}, None)
        result.update(
            overall=empty,
            by_label={lab: empty for lab in labels},
            pairs=[],
            confusion=[],
            matrix={"annotators": list(names)},
            document_level={lab: empty for lab in doc_labels},
        )
        return result
    m = _Measurer(corpus, labels, resamples, seed, mode)
    result["overall"] = m.block(None)
    result["by_label"] = {label: m.block(label) for label in labels}
    result["pairs"] = m.pairs_section()
    result["matrix"] = _matrix(names, result["pairs"])
    result["confusion"] = (
        [confusion(corpus, names[i], names[j], mode).to_dict() for i, j in m.pairs] if with_confusion else []
    )
    result["document_level"] = {label: m.document_level(label) for label in doc_labels}
    return result


def _matrix(names: Sequence[str], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"annotators": list(names)}
    index = {n: k for k, n in enumerate(names)}
    for key in MATRIX_MEASURES:
        grid: list[list[float | None]] = [[None] * len(names) for _ in names]
        for pair in pairs:
            a, b = (index[x] for x in pair["annotators"])
            grid[a][b] = grid[b][a] = pair[key]
        out[key] = grid
    return out
