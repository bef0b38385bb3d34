"""The assembled result: its shape, agreement with references on the same data, and degenerate input."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.review.corpus import MISSING, Corpus, ReviewDocument
from annotator.review.report import MEASURES, measure
from tests.review.helpers import TEXT, ann, random_documents

LABELS = ["claim", "opinion", "framing"]


def strict_json(result: dict) -> dict:
    return json.loads(json.dumps(result, allow_nan=False))  # a NaN anywhere would raise here


def test_shape_and_references_for_two_annotators() -> None:
    docs = random_documents(8, ["alice", "bob"], LABELS, seed=1, per_doc=10)
    corpus = Corpus(docs, ["alice", "bob"])
    result = strict_json(measure(corpus, LABELS))
    assert set(MEASURES) <= set(result["overall"]) and set(result["by_label"]) == set(LABELS)
    codes = corpus.token_table(None, LABELS).codes
    assert result["overall"]["cohen_kappa"] == pytest.approx(cohen_kappa_score(codes[:, 0], codes[:, 1]))
    binary = corpus.token_table("claim").codes
    assert result["by_label"]["claim"]["cohen_kappa"] == pytest.approx(cohen_kappa_score(binary[:, 0], binary[:, 1]))
    reliability = np.where(binary.T == MISSING, np.nan, binary.T.astype(float))
    assert result["by_label"]["claim"]["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    )
    pair = result["pairs"][0]
    assert pair["annotators"] == ["alice", "bob"] and pair["cohen_kappa"] == result["overall"]["cohen_kappa"]
    assert result["matrix"]["cohen_kappa"][0][1] == result["matrix"]["cohen_kappa"][1][0] == pair["cohen_kappa"]
    assert result["confusion"][0]["labels"][-1] == "(none)"


def test_three_annotators_fleiss_and_light() -> None:
    docs = random_documents(6, ["a", "b", "c"], LABELS, seed=2)
    result = strict_json(measure(Corpus(docs, ["a", "b", "c"]), LABELS))
    assert len(result["pairs"]) == 3
    mean_pairs = np.mean([p["cohen_kappa"] for p in result["pairs"]])
    assert result["overall"]["cohen_kappa"] == pytest.approx(mean_pairs)
    assert -1 <= result["overall"]["fleiss_kappa"] <= 1 and -1 <= result["overall"]["alpha_u"] <= 1


def test_one_annotator_gives_a_reason_for_every_measure() -> None:
    docs = random_documents(2, ["alice"], LABELS)
    result = strict_json(measure(Corpus(docs, ["alice"]), LABELS))
    for name in MEASURES:
        assert result["overall"][name] is None
        assert result["overall"]["reasons"][name] == "agreement needs two or more annotators; only alice was chosen"


def test_no_shared_documents() -> None:
    docs = [
        ReviewDocument("d1", TEXT, (ann("d1", "a", "claim", (0, 5)),), frozenset({"a"})),
        ReviewDocument("d2", TEXT, (ann("d2", "b", "claim", (0, 5)),), frozenset({"b"})),
    ]
    result = strict_json(measure(Corpus(docs, ["a", "b"]), ["claim"]))
    reasons = result["overall"]["reasons"]
    assert reasons["cohen_kappa"] == "a and b coded no document in common"
    assert reasons["fleiss_kappa"] == "no document was coded by every chosen annotator"
    assert reasons["alpha_u"] == "no document was coded by every annotator compared"
    assert reasons["f1_relaxed"] == "a and b coded no document in common"
    assert result["overall"]["krippendorff_alpha"] is None


def test_a_label_nobody_used() -> None:
    docs = random_documents(3, ["a", "b"], ["claim"], seed=3)
    result = strict_json(measure(Corpus(docs, ["a", "b"]), ["claim", "framing"]))
    assert result["by_label"]["framing"]["cohen_kappa"] is None
    assert result["by_label"]["framing"]["reasons"]["alpha_u"] == "nobody used 'framing' in these documents"
    assert result["by_label"]["claim"]["cohen_kappa"] is not None


def test_bootstrap_intervals_are_reproducible_and_bracket_the_estimate() -> None:
    docs = random_documents(30, ["a", "b"], LABELS, seed=4, per_doc=8)
    first = strict_json(measure(Corpus(docs, ["a", "b"]), LABELS, resamples=200, seed=7))
    again = strict_json(measure(Corpus(docs, ["a", "b"]), LABELS, resamples=200, seed=7))
    assert first["overall"]["ci"] == again["overall"]["ci"]
    for name in MEASURES:
        ci = first["overall"]["ci"][name]
        assert ci["resamples"] == 200
        assert ci["low"] <= first["overall"][name] <= ci["high"]
    assert "ci" in first["pairs"][0] and "ci" in first["by_label"]["claim"]


def test_document_level_labels() -> None:
    docs = []
    genres = [("reporting", "reporting"), ("opinion", "opinion"), ("reporting", "opinion"), ("satire", "satire")]
    for d, (a, b) in enumerate(genres):
        uid = f"d{d}"
        docs.append(
            ReviewDocument(
                uid,
                TEXT,
                (ann(uid, "a", "genre", subtype=a), ann(uid, "b", "genre", subtype=b), ann(uid, "a", "claim", (0, 4))),
            )
        )
    result = strict_json(measure(Corpus(docs, ["a", "b"]), ["claim"], ["genre"]))
    genre = result["document_level"]["genre"]
    assert genre["observed_agreement"] == 0.75 and genre["documents"] == 4
    assert genre["cohen_kappa"] == pytest.approx(cohen_kappa_score([a for a, _ in genres], [b for _, b in genres]))


def test_no_span_label_chosen() -> None:
    docs = random_documents(2, ["a", "b"], ["claim"], seed=5)
    result = strict_json(measure(Corpus(docs, ["a", "b"]), [], resamples=20))
    assert result["overall"]["reasons"]["cohen_kappa"] == "no span label was chosen"
    assert result["pairs"][0]["f1_relaxed"] is None and result["by_label"] == {}


def test_label_blind_f1_overall_and_per_pair() -> None:
    from annotator.review.spans import pair_sums

    people = ["a", "b", "c"]
    docs = random_documents(6, people, LABELS, seed=4, per_doc=8)
    corpus = Corpus(docs, people)
    result = strict_json(measure(corpus, LABELS, resamples=20))
    pairs = {tuple(p["annotators"]): p for p in result["pairs"]}
    for (x, y), pair in pairs.items():
        i, j = people.index(x), people.index(y)
        expected = pair_sums(corpus, i, j, tuple(LABELS)).scores(np.ones(corpus.n_docs))
        for key in ("precision_exact", "recall_exact", "f1_exact", "f1_relaxed"):
            assert pair[f"{key}_unlabeled"] == pytest.approx(float(expected[key][0])), (x, y, key)
        assert "f1_exact_unlabeled" in pair["ci"]
    for key in ("f1_exact_unlabeled", "f1_relaxed_unlabeled"):
        assert result["overall"][key] == pytest.approx(np.mean([p[key] for p in pairs.values()]))
        assert result["matrix"][key][0][1] == pairs[("a", "b")][key]
