"""Every agreement measure leaves page furniture out: a document with boilerplate marked around its article
measures exactly as the article text alone would."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.model import Fragment
from annotator.review.corpus import Corpus, ReviewDocument
from annotator.review.report import measure
from tests.review.helpers import TEXT, random_documents

MENU = "Home | World | Subscribe to our newsletter 😀\r\n"
FOOTER = "\r\nTo participate in the discussion log in or register"


def with_furniture(doc: ReviewDocument) -> ReviewDocument:
    shift = len(MENU)
    moved = tuple(
        replace(a, fragments=tuple(Fragment(f.start + shift, f.end + shift) for f in a.fragments))
        for a in doc.annotations
    )
    text = MENU + doc.text + FOOTER
    furniture = ((0, shift), (shift + len(doc.text), len(text)))
    return replace(doc, text=text, annotations=moved, boilerplate=furniture)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_measures_equal_those_of_the_article_alone(seed: int) -> None:
    plain = random_documents(6, ["alice", "bob", "carol"], ["claim", "opinion"], seed=seed, text=TEXT)
    marked = [with_furniture(d) for d in plain]
    assert measure(Corpus(marked, ["alice", "bob", "carol"])) == measure(Corpus(plain, ["alice", "bob", "carol"]))


def test_the_continuum_and_the_tokens_hold_no_furniture() -> None:
    doc = with_furniture(ReviewDocument("d", TEXT))
    corpus = Corpus([doc], ["alice"])
    starts, ends, _ = corpus.tokens
    assert int(corpus.doc_ends[0]) == len(TEXT) == doc.article_length
    assert [TEXT[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)][:3] == ["The", "minister", "said"]


def test_a_span_reaching_into_furniture_counts_only_its_article_part() -> None:
    doc = with_furniture(ReviewDocument("d", TEXT))
    from tests.review.helpers import ann

    part = ann("d", "alice", "claim", (len(MENU) - 5, len(MENU) + 3))  # "ter 😀\r\n" + "The"
    corpus = Corpus([replace(doc, annotations=(part,))], ["alice"])
    starts, ends, _ = corpus.fragments(0, "claim")
    assert (starts.tolist(), ends.tolist()) == ([0], [3])
