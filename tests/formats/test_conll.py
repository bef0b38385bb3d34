"""CoNLL IOB2: tokens, the overlap rule (longest span wins, whole spans only), valid tag sequences."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment
from annotator.formats.conll import iob2_tags, tokens, write_conll
from annotator.formats.conll_read import read_conll
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, detect
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


# -- reading ------------------------------------------------------------------------------------------------

CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O

"""
BIOES = "-DOCSTART- O\n\nThe O\nNew B-ORG\nYork I-ORG\nTimes E-ORG\nsaid O\nso S-claim/statistical\n\n"
DOCCANO = "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n\nPeter\tB-PERSON\nBlackburn\tI-PERSON\n\n"


def read_and_write(content: str, tmp_path: Path, name: str = "in.conll") -> tuple[list, str]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    read = list(read_conll(path, ReadOptions()))
    out = tmp_path / "out.conll"
    write_conll(read, out, WriteOptions())
    return read, out.read_text(encoding="utf-8")


def test_conll_2003_comes_back_as_it_went_in(tmp_path) -> None:
    read, written = read_and_write(CONLL_2003, tmp_path, "train.txt")
    assert written == CONLL_2003  # IOB1 tags, POS and chunk columns, the -DOCSTART- line
    first = read[0]
    assert first.document.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    spans = [(a.label, a.covered_texts(first.document.text)[0]) for a in first.annotations]
    assert spans == [("ORG", "EU"), ("MISC", "German"), ("MISC", "British"), ("PER", "Peter Blackburn")]
    assert detect(tmp_path / "train.txt").name == "conll"


def test_bioes_and_doccanos_conll_come_back_as_they_went_in(tmp_path) -> None:
    read, written = read_and_write(BIOES, tmp_path)
    assert written == BIOES
    assert [(a.label, a.subtype) for a in read[0].annotations] == [("ORG", None), ("claim", "statistical")]
    read, written = read_and_write(DOCCANO, tmp_path)
    assert written == DOCCANO and [b.document.text for b in read] == ["EU rejects German", "Peter Blackburn"]


def test_a_text_seen_again_is_another_annotators_and_never_merged(tmp_path) -> None:
    text = "Taxes rise.\nThe minister said so."
    doc = Document(text)
    anns = [
        Annotation(doc.uuid, "alice", "claim", (Fragment(0, 10),)),
        Annotation(doc.uuid, "bob", "opinion", (Fragment(12, 24),)),
    ]
    path = tmp_path / "two.conll"
    write_conll([DocumentBundle(doc, anns)], path, WriteOptions())
    read = list(read_conll(path, ReadOptions()))
    assert [sorted({a.annotator for a in b.annotations}) for b in read] == [["conll"], ["conll#2"]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=2, max_annotations=8))
def test_reading_our_export_gives_the_same_export_again(bundle) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "first.conll"
        write_conll([bundle], first, WriteOptions())
        read = list(read_conll(first, ReadOptions()))
        second = Path(tmp) / "second.conll"
        write_conll(read, second, WriteOptions())
        assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_a_line_that_breaks_the_format_names_its_rule_and_line(tmp_path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("-DOCSTART- O\n\nTaxes B-claim\nrise X-claim\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_conll(path, ReadOptions()))
    assert (caught.value.path, caught.value.line) == (
        str(path),
        4,
    ) and "the last column is a tag" in caught.value.reason
    path.write_text("-DOCSTART- O\n\nTaxes B-claim\nrise\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_conll(path, ReadOptions()))
    assert caught.value.line == 4 and "'TOKEN TAG'" in caught.value.reason
