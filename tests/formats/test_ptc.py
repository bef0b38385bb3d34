"""PTC / SemEval-2020 Task 11: byte-exact round trip of the corpus sample through a project, code points."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from annotator.core.model import Document, Fragment
from annotator.formats._common import IdMaker, imported
from annotator.formats.ptc import merged_spans, read_ptc
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, get
from annotator.services import exporting, importing
from tests.conftest import shared_data
from tests.formats.strategies import bundles, round_trip, spans_of


def test_corpus_sample_round_trips_byte_for_byte_through_a_project(project, tmp_path) -> None:
    corpus = shared_data("ptc_semeval2020_task11")
    report = importing.import_paths(project, [corpus], "tester", "ptc", ReadOptions(extra={"label_map": "new"}))
    assert not report.failed, report.failed
    assert len(report.imported) == 25 and report.annotations == 511
    assert {"Doubt", "Flag-Waving", "Name_Calling,Labeling"} <= {lab.name for lab in project.scheme.labels}
    out = tmp_path / "out"
    exported = exporting.export(project, "ptc", out)
    assert exported.documents == 25
    originals = [p for p in corpus.rglob("article*") if p.is_file()]
    assert len(originals) == 75
    for original in originals:
        assert (out / original.name).read_bytes() == original.read_bytes(), original.name
    boms = [p for p in originals if p.suffix == ".txt" and p.read_bytes().startswith(b"\xef\xbb\xbf")]
    assert len(boms) == 2


def test_reimporting_the_corpus_adds_nothing(project) -> None:
    corpus = shared_data("ptc_semeval2020_task11")
    options = ReadOptions(extra={"label_map": "new"})
    importing.import_paths(project, [corpus], "tester", "ptc", options)
    again = importing.import_paths(project, [corpus], "tester", "ptc", options)
    assert again.annotations == 0 and len(again.duplicates) == 25


def test_offsets_are_code_points_with_the_bom_as_character_zero(tmp_path) -> None:
    text = "\ufeff😀 Taxes rise 👍🏽 fast.\n"
    doc = Document(text)
    ids = IdMaker(doc, "t")
    start = text.index("fast")
    bundle = DocumentBundle(doc, [imported(doc, ids, "ptc", "Loaded_Language", [Fragment(start, start + 4)])])
    get("ptc").write([bundle], tmp_path, WriteOptions())
    [tc] = tmp_path.glob("*.task2-TC.labels")
    _, label, begin, end = tc.read_text().strip().split("\t")
    assert (label, int(begin), int(end)) == ("Loaded_Language", start, start + 4)
    assert start == 17  # code points; UTF-16 units would give 20, UTF-8 bytes 28
    [back] = read_ptc(tmp_path, ReadOptions())
    assert back.annotations[0].covered_texts(back.document.text) == ["fast"]


def test_si_spans_are_derived_by_merging_when_techniques_changed() -> None:
    assert merged_spans([(5, 9), (0, 3), (3, 4), (8, 12), (20, 21)]) == [(0, 4), (5, 12), (20, 21)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(people=("ptc",)))
def test_round_trip(bundle) -> None:
    [back] = round_trip("ptc", [bundle])
    assert back.document.text == bundle.document.text
    assert spans_of(back) == spans_of(bundle)
