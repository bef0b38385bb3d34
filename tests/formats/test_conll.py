"""CoNLL IOB2: tokens, the overlap rule (longest span wins, whole spans only), valid tag sequences."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from annotator.core.model import Annotation, Document, Fragment
from annotator.formats.conll import iob2_tags, tokens, write_conll
from annotator.formats.registry import DocumentBundle, WriteOptions
from tests.formats.strategies import bundles


def span(doc: Document, label: str, start: int, end: int) -> Annotation:
    return Annotation(doc.uuid, "alice", label, (Fragment(start, end),))


def test_longest_span_wins_and_shorter_overlaps_are_left_out_whole() -> None:
    text = "The finance minister said taxes rise."
    doc = Document(text)
    spans = tokens(text)
    long = span(doc, "attribution", 0, text.index("said") - 1)  # The finance minister
    short = span(doc, "claim", text.index("minister"), text.index("taxes") + 5)  # minister said taxes
    tags, dropped = iob2_tags(text, spans, [short, long])
    assert tags[:7] == ["B-attribution", "I-attribution", "I-attribution", "O", "O", "O", "O"]
    assert dropped == 1


def test_ties_go_to_the_earliest_span_then_the_label_name() -> None:
    text = "aa bb cc"
    doc = Document(text)
    tags, dropped = iob2_tags(text, tokens(text), [span(doc, "opinion", 3, 8), span(doc, "claim", 0, 5)])
    assert tags == ["B-claim", "I-claim", "O"] and dropped == 1
    tags, _ = iob2_tags(text, tokens(text), [span(doc, "opinion", 0, 5), span(doc, "claim", 0, 5)])
    assert tags == ["B-claim", "I-claim", "O"]


def test_file_layout(tmp_path) -> None:
    text = "\ufeffTaxes rise.\r\nThe minister said so."
    doc = Document(text)
    path = tmp_path / "out.conll"
    write_conll([DocumentBundle(doc, [span(doc, "claim", 1, 11)])], path, WriteOptions())
    assert path.read_text(encoding="utf-8") == (
        "-DOCSTART- O\n\nTaxes B-claim\nrise I-claim\n. O\n\nThe O\nminister O\nsaid O\nso O\n. O\n\n"
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=2, max_annotations=8))
def test_tags_form_valid_iob2_and_tokens_are_the_text(bundle) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.conll"
        write_conll([bundle], path, WriteOptions())
        lines = path.read_text(encoding="utf-8").split("\n")
    previous = "O"
    words = []
    for line in lines:
        if not line or line.startswith("-DOCSTART-"):
            previous = "O"
            continue
        word, tag = line.rsplit(" ", 1)
        words.append(word)
        if tag.startswith("I-"):
            assert previous in (f"B-{tag[2:]}", tag), (previous, tag)
        previous = tag
    annotators = {a.annotator for a in bundle.annotations} or {""}
    expected = [bundle.document.text[s:e] for s, e in tokens(bundle.document.text)]
    assert words == expected * len(annotators)
