"""Units of aligned annotations, their disagreement kinds, and the confusion matrix built on them."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from annotator.review.alignment import BOUNDARY, LABEL, MISSING, align
from annotator.review.confusion import NONE, confusion
from annotator.review.corpus import Corpus, ReviewDocument
from tests.review.helpers import TEXT, ann, random_documents


def test_identical_annotations_form_one_agreed_unit() -> None:
    units = align([ann("d", "alice", "claim", (0, 10)), ann("d", "bob", "claim", (0, 10))], ["alice", "bob"])
    assert len(units) == 1 and units[0].agreed and units[0].describe() == "agreed: alice=claim, bob=claim"


def test_kinds_of_disagreement() -> None:
    units = align(
        [
            ann("d", "alice", "claim", (0, 10)),
            ann("d", "bob", "opinion", (0, 10)),  # label
            ann("d", "alice", "claim", (20, 30)),
            ann("d", "bob", "claim", (22, 30)),  # boundary
            ann("d", "alice", "opinion", (40, 50)),  # missing for bob
            ann("d", "alice", "claim", (60, 70), subtype="factual"),
            ann("d", "bob", "claim", (60, 70), subtype="causal"),
        ],
        ["alice", "bob"],
    )
    assert [u.kinds for u in units] == [{LABEL}, {BOUNDARY}, {MISSING}, {LABEL}]
    assert units[2].missing == ("bob",)
    assert units[0].describe() == "label: alice=claim, bob=opinion"


def test_a_short_span_inside_a_long_one_of_another_label_is_not_a_label_disagreement() -> None:
    units = align([ann("d", "alice", "framing", (0, 60)), ann("d", "bob", "claim", (10, 20))], ["alice", "bob"])
    assert len(units) == 2 and all(u.kinds == {MISSING} for u in units)
    same_place = align([ann("d", "alice", "framing", (0, 60)), ann("d", "bob", "claim", (2, 60))], ["alice", "bob"])
    assert len(same_place) == 1 and same_place[0].kinds == {LABEL, BOUNDARY}


def test_the_same_label_is_preferred_and_one_person_appears_once_per_unit() -> None:
    units = align(
        [
            ann("d", "alice", "claim", (0, 10)),
            ann("d", "bob", "opinion", (0, 10)),
            ann("d", "bob", "claim", (1, 10)),
            ann("d", "carol", "claim", (0, 9)),
            ann("d", "carol", "claim", (0, 10)),
        ],
        ["alice", "bob", "carol"],
    )
    for unit in units:
        people = [m.annotator for m in unit.members]
        assert len(people) == len(set(people))
    first = next(u for u in units if u.member("alice"))
    assert first.member("bob").label == "claim" and first.member("carol").fragments[0].end == 10


def test_exact_mode_links_only_identical_fragments() -> None:
    anns = [ann("d", "alice", "claim", (0, 10)), ann("d", "bob", "claim", (1, 10))]
    assert len(align(anns, ["alice", "bob"], mode="exact")) == 2
    assert len(align(anns, ["alice", "bob"], mode="overlap")) == 1
    with pytest.raises(ValueError, match="alignment mode"):
        align(anns, ["alice", "bob"], mode="fuzzy")


def test_someone_who_did_not_code_the_document_is_not_missing() -> None:
    units = align([ann("d", "alice", "claim", (0, 10))], ["alice", "bob"], coders=["alice"])
    assert units[0].agreed


def test_document_level_labels_align_by_label() -> None:
    units = align(
        [ann("d", "alice", "genre", subtype="reporting"), ann("d", "bob", "genre", subtype="opinion")], ["alice", "bob"]
    )
    assert len(units) == 1 and units[0].is_document_level and units[0].kinds == {LABEL}


def test_order_of_input_does_not_change_the_units() -> None:
    docs = random_documents(1, ["a", "b", "c"], ["claim", "opinion"], seed=5, per_doc=12)
    anns = list(docs[0].annotations)
    expected = [u.uuids for u in align(anns, ["a", "b", "c"])]
    for seed in range(5):
        random.Random(seed).shuffle(anns)
        assert [u.uuids for u in align(anns, ["a", "b", "c"])] == expected


def confusion_by_units(docs: list[ReviewDocument], a: str, b: str, mode: str) -> Counter:
    cells: Counter = Counter()
    for doc in docs:
        for unit in align([x for x in doc.annotations if not x.is_document_level], [a, b], mode=mode):
            x, y = unit.member(a), unit.member(b)
            cells[(x.label if x else NONE, y.label if y else NONE)] += 1
    return cells


@pytest.mark.parametrize("mode", ["overlap", "exact"])
@pytest.mark.parametrize("seed", range(6))
def test_the_corpus_wide_confusion_pairs_spans_as_align_does(seed: int, mode: str) -> None:
    docs = random_documents(5, ["a", "b"], ["claim", "opinion", "framing"], seed=seed, per_doc=14)
    result = confusion(Corpus(docs, ["a", "b"]), "a", "b", mode)
    got = Counter({(result.labels[i], result.labels[j]): int(n) for (i, j), n in np.ndenumerate(result.matrix) if n})
    assert got == confusion_by_units(docs, "a", "b", mode)


def test_confusion_counts_only_documents_both_coded() -> None:
    docs = [
        ReviewDocument(
            "d1", TEXT, (ann("d1", "a", "claim", (0, 5)), ann("d1", "b", "opinion", (0, 5))), frozenset({"a", "b"})
        ),
        ReviewDocument("d2", TEXT, (ann("d2", "a", "claim", (0, 5)),), frozenset({"a"})),
    ]
    result = confusion(Corpus(docs, ["a", "b"]), "a", "b")
    assert result.labels == ["claim", "opinion", NONE]
    assert result.matrix.tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
