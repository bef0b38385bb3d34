"""WebAnno TSV 3.3: offsets in UTF-16 units, INCEpTION's text rebuilding, round trip, INCEpTION's test files."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.core.model import Document, Fragment
from annotator.formats._common import IdMaker, imported
from annotator.formats.registry import DocumentBundle, ReadOptions
from annotator.formats.webanno import document_tsv, escape_text, escape_value, read_tsv, read_webanno, unescape_value
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(trim=True, relations=True))
def test_round_trip(bundle) -> None:
    [back] = round_trip("webanno", [bundle])
    assert back.document.text == bundle.document.text
    assert spans_of(back) == spans_of(bundle)
    assert relations_of(back) == relations_of(bundle)


def test_token_offsets_are_utf16_units(tmp_path) -> None:
    text = "😀 Taxes 👍🏽 rise."
    doc = Document(text)
    start = text.index("rise")
    ann = imported(doc, IdMaker(doc, "t"), "alice", "claim", [Fragment(start, start + 4)])
    content, _ = document_tsv(DocumentBundle(doc, [ann]))
    row = next(line for line in content.splitlines() if "\trise\t" in line)
    assert row.split("\t")[1] == "14-18"  # code points 11-15; the three astral characters count two units each
    assert start == 11
    path = tmp_path / "doc.tsv"
    path.write_text(content, encoding="utf-8")
    [back] = read_tsv(path, ReadOptions()).annotations
    assert back.fragments == (Fragment(11, 15),)


def test_escaping_follows_webanno() -> None:
    assert escape_value("a_b|c[1]->d;*") == "a\\_b\\|c\\[1\\]\\->d\\;\\*"
    assert unescape_value(escape_value("a_b|c[1]->d;*\\")) == "a_b|c[1]->d;*\\"
    assert escape_text("tab\there\r\\") == "tab\\there\\r\\\\"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "testMultiTokenStackedSpanWithFeatureValue.reference.tsv",
            [("LOCATION", "This is a test ."), ("PERSON", "This is a test .")],
        ),
        ("example2.first2sentences.tsv", None),
    ],
)
def test_inception_files_read(name, expected) -> None:
    path = shared_data("format_examples", "webanno_tsv3", name)
    bundle = read_tsv(path, ReadOptions())
    spans = sorted((a.label, a.covered_texts(bundle.document.text)[0]) for a in bundle.annotations)
    if expected is not None:
        assert spans == expected
    else:
        assert ("PER", "Ms. Haag") in spans and ("ORG", "Rolls-Royce Motor") in spans
        assert bundle.document.text.startswith("Ms. Haag plays Elianti .\nRolls-Royce Motor Cars Inc. said")
        assert any(r.type == "SUBJ" for r in bundle.relations)


def test_a_token_that_does_not_match_the_text_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.tsv"
    lines = [
        "#FORMAT=WebAnno TSV 3.3",
        "#T_SP=webanno.custom.Span|label",
        "",
        "",
        "#Text=Taxes rise",
        "1-1\t0-5\tTaxes\t_\t",
        "1-2\t6-10\tfall\t_\t",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_webanno(path, ReadOptions()))
    assert (caught.value.path, caught.value.line) == (str(path), 7) and "'rise'" in caught.value.reason
