"""The span scorer of SemEval-2020 Task 11 against hand-computed values and against the agreement code's relaxed
span F1 (the same formula, written independently), and the random baseline."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Annotation, Fragment
from annotator.review.corpus import Corpus, ReviewDocument
from annotator.review.spans import pair_sums
from annotator.suggesting.evaluation import merge_overlapping, random_baseline, random_spans, score, split_documents


def test_scores_by_hand() -> None:
    # gold [10,20) and [15,30) share characters: merged into [10,30); suggested [12,22) and [20,25) likewise
    suggested = {"d1": [((12, 22),), ((20, 25),), ((55, 65),), ((80, 90),)]}
    reference = {"d1": [((10, 20),), ((15, 30),), ((50, 60),)], "d2": [((0, 4),)]}
    result = score(suggested, reference)
    # P = (13/13 + 5/10 + 0) / 3;  R = (13/20 + 5/10 + 0) / 3   (d2's gold span is missed)
    assert (result.suggested, result.reference) == (3, 3)
    assert result.precision == pytest.approx(1.5 / 3)
    assert result.recall == pytest.approx(1.15 / 3)
    p, r = 1.5 / 3, 1.15 / 3
    assert result.f1 == pytest.approx(2 * p * r / (p + r))


def test_touching_spans_stay_apart_and_discontinuous_spans_are_character_sets() -> None:
    assert merge_overlapping([((5, 10),), ((0, 5),), ((3, 4),)]) == [((0, 5),), ((5, 10),)]
    assert score({"d": [((0, 5),), ((5, 10),)]}, {"d": [((0, 10),)]}).as_dict() == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "suggested": 2,
        "reference": 1,
    }
    gapped = score({"d": [((0, 5), (10, 15))]}, {"d": [((3, 12),)]})
    assert gapped.precision == pytest.approx(4 / 10) and gapped.recall == pytest.approx(4 / 9)


def test_edge_cases_follow_the_scorer() -> None:
    assert score({}, {}).f1 == 1.0  # nothing to find and nothing found
    nothing_found = score({}, {"d": [((0, 3),)]})
    assert (nothing_found.precision, nothing_found.recall, nothing_found.f1) == (0.0, 0.0, 0.0)
    all_wrong = score({"d": [((5, 8),)]}, {"d": [((0, 3),)]})
    assert (all_wrong.precision, all_wrong.recall, all_wrong.f1) == (0.0, 0.0, 0.0)


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(spans, spans), min_size=1, max_size=3))
def test_precision_and_recall_equal_the_agreement_codes_relaxed_span_scores(docs) -> None:
    suggested, reference, review_docs = {}, {}, []
    for n, (ours, theirs) in enumerate(docs):
        suggested[f"d{n}"] = [((s, s + w),) for s, w in ours]
        reference[f"d{n}"] = [((s, s + w),) for s, w in theirs]
        annotations = [
            Annotation(f"d{n}", who, "L", (Fragment(s, s + w),), uuid=f"{n}-{who}-{k}")
            for who, pairs in (("gold", theirs), ("system", ours))
            for k, (s, w) in enumerate(pairs)
        ]
        review_docs.append(ReviewDocument(f"d{n}", "x" * 80, tuple(annotations), frozenset({"gold", "system"})))
    corpus = Corpus(review_docs, ["gold", "system"])
    theirs = pair_sums(corpus, 0, 1, "L").scores(np.ones(corpus.n_docs))
    ours = score(suggested, reference)
    assert ours.precision == pytest.approx(float(theirs["precision_relaxed"][0]))
    assert ours.recall == pytest.approx(float(theirs["recall_relaxed"][0]))
    assert ours.f1 == pytest.approx(float(theirs["f1_relaxed"][0]))


def test_random_spans_are_as_many_and_as_long_as_the_suggestions_and_inside_the_text() -> None:
    suggested = {"a": [((0, 10),), ((40, 43),)], "b": [((2, 9),)]}
    placed = random_spans(suggested, {"a": 50, "b": 8}, random.Random(1))
    assert sorted(e - s for [(s, e)] in placed["a"]) == [3, 10]
    assert [e - s for [(s, e)] in placed["b"]] == [7]  # longer than the text: as long as the text allows
    assert all(0 <= s < e <= 50 for [(s, e)] in placed["a"]) and all(e <= 8 for [(s, e)] in placed["b"])
    once = random_baseline(suggested, {"a": [((0, 10),)]}, {"a": 50, "b": 8}, seed=3)
    assert once == random_baseline(suggested, {"a": [((0, 10),)]}, {"a": 50, "b": 8}, seed=3)  # seeded


def test_documents_are_split_by_a_seeded_shuffle_with_both_sides_non_empty() -> None:
    ids = [f"d{n}" for n in range(10)]
    train, test = split_documents(ids, 0.2, seed=4)
    assert len(test) == 2 and sorted(train + test) == sorted(ids)
    assert split_documents(list(reversed(ids)), 0.2, seed=4) == (train, test)
    assert len(split_documents(["a", "b"], 0.01, 0)[1]) == 1 and len(split_documents(["a", "b"], 0.99, 0)[0]) == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_documents(ids, 1.0, 0)
