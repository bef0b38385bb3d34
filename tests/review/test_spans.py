"""Span P/R/F1: hand-worked cases and a character-set reading of the SemEval-2020 Task 11 formula."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from annotator.review.corpus import Corpus, ReviewDocument
from annotator.review.spans import pair_sums
from tests.review.helpers import TEXT, ann, random_documents


def scores(
    docs: list[ReviewDocument], label: str | tuple[str, ...], who: tuple[str, str] = ("a", "b")
) -> dict[str, float]:
    corpus = Corpus(docs, list(who))
    out = pair_sums(corpus, 0, 1, label).scores(np.ones(len(docs)))
    return {k: float(v[0]) for k, v in out.items()}


def test_hand_worked_partial_credit() -> None:
    # a marks 0..10; b marks 5..10 and 20..30. Precision (b against a): (5/5 + 0/10) / 2; recall: 5/10 / 1
    doc = ReviewDocument(
        "d", TEXT, (ann("d", "a", "claim", (0, 10)), ann("d", "b", "claim", (5, 10)), ann("d", "b", "claim", (20, 30)))
    )
    got = scores([doc], "claim")
    assert got["precision_relaxed"] == pytest.approx(0.5)
    assert got["recall_relaxed"] == pytest.approx(0.5)
    assert got["f1_relaxed"] == pytest.approx(0.5)
    assert got["precision_exact"] == 0 and got["recall_exact"] == 0 and got["f1_exact"] == 0


def test_exact_needs_the_same_fragments_and_label() -> None:
    doc = ReviewDocument(
        "d",
        TEXT,
        (
            ann("d", "a", "claim", (0, 10)),
            ann("d", "b", "claim", (0, 10)),
            ann("d", "a", "claim", (12, 20)),
            ann("d", "b", "opinion", (12, 20)),
        ),
    )
    got = scores([doc], "claim")
    assert got["precision_exact"] == 1.0 and got["recall_exact"] == 0.5
    assert got["f1_exact"] == pytest.approx(2 / 3)


def test_nothing_to_compare_is_undefined_one_sided_is_zero() -> None:
    empty = ReviewDocument("d", TEXT, ())
    assert np.isnan(scores([empty], "claim")["f1_relaxed"])
    one_sided = ReviewDocument("d", TEXT, (ann("d", "a", "claim", (0, 10)),))
    got = scores([one_sided], "claim")
    assert got["f1_relaxed"] == 0.0 and got["recall_relaxed"] == 0.0 and np.isnan(got["precision_relaxed"])


def reference(docs: list[ReviewDocument], label: str | tuple[str, ...], a: str, b: str) -> dict[str, float]:
    """The SemEval-2020 Task 11 scorer's sums over character sets, each side's overlapping spans merged first.
    With several labels (label-blind, as the span-identification task scores), they are taken as one and each
    side's spans over the same fragments count once."""
    labels = {label} if isinstance(label, str) else set(label)
    blind = not isinstance(label, str)

    def merged(doc: ReviewDocument, who: str) -> list[set[int]]:
        sets = [
            set().union(*(range(f.start, f.end) for f in x.fragments))
            for x in doc.annotations
            if x.annotator == who and x.label in labels
        ]
        out: list[set[int]] = []
        for s in sets:
            joined = [o for o in out if o & s]
            for o in joined:
                out.remove(o)
                s = s | o
            out.append(s)
        return out

    p_sum = r_sum = n_s = n_t = 0.0
    exact = n_exact_s = n_exact_t = 0
    for doc in docs:
        t_sets, s_sets = merged(doc, a), merged(doc, b)
        n_t, n_s = n_t + len(t_sets), n_s + len(s_sets)
        for s in s_sets:
            for t in t_sets:
                p_sum += len(s & t) / len(s)
                r_sum += len(s & t) / len(t)
        t_keys = [x.fragments for x in doc.annotations if x.annotator == a and x.label in labels]
        s_keys = [x.fragments for x in doc.annotations if x.annotator == b and x.label in labels]
        if blind:
            t_keys, s_keys = list(set(t_keys)), list(set(s_keys))
        n_exact_t, n_exact_s = n_exact_t + len(t_keys), n_exact_s + len(s_keys)
        for key in set(t_keys):
            exact += min(t_keys.count(key), s_keys.count(key))
    p, r = p_sum / n_s, r_sum / n_t
    pe, re_ = exact / n_exact_s, exact / n_exact_t
    return {
        "precision_relaxed": p,
        "recall_relaxed": r,
        "f1_relaxed": 2 * p * r / (p + r) if p + r else 0.0,
        "precision_exact": pe,
        "recall_exact": re_,
        "f1_exact": 2 * pe * re_ / (pe + re_) if pe + re_ else 0.0,
    }


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_character_set_reference(seed: int) -> None:
    people = ["a", "b", "c"]
    docs = random_documents(6, people, ["claim", "opinion"], seed=seed, per_doc=8)
    for x, y in combinations(people, 2):
        for label in ("claim", "opinion"):
            got = scores(docs, label, (x, y))
            expected = reference(docs, label, x, y)
            for key, value in expected.items():
                assert got[key] == pytest.approx(value, abs=1e-12), (x, y, label, key)
        got, expected = scores(docs, ("claim", "opinion"), (x, y)), reference(docs, ("claim", "opinion"), x, y)
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, abs=1e-12), (x, y, "label-blind", key)


def test_label_blind_scores_count_the_same_text_whatever_its_label() -> None:
    doc = ReviewDocument(
        "d",
        TEXT,
        (
            ann("d", "a", "claim", (0, 10)),
            ann("d", "a", "opinion", (0, 10)),  # the same text twice: one span when labels are set aside
            ann("d", "b", "opinion", (0, 10)),
            ann("d", "a", "claim", (12, 20)),
            ann("d", "b", "claim", (15, 25)),
        ),
    )
    labelled = scores([doc], "claim")
    blind = scores([doc], ("claim", "opinion"))
    assert labelled["recall_exact"] == 0 and labelled["precision_exact"] == 0
    assert blind["precision_exact"] == 0.5 and blind["recall_exact"] == 0.5
    # relaxed: a's merged spans 0..10 and 12..20, b's 0..10 and 15..25; precision (1 + 5/10) / 2, recall (1 + 5/8) / 2
    assert blind["precision_relaxed"] == pytest.approx(0.75) and blind["recall_relaxed"] == pytest.approx(13 / 16)
