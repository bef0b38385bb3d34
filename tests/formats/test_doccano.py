"""doccano JSONL: round trip of both variants, doccano's own example files, column mapping, errors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.formats.doccano import read_doccano
from annotator.formats.registry import ReadOptions, detect
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=2, relations=True))
def test_round_trip(bundle) -> None:
    back = round_trip("doccano", [bundle])
    assert {b.document.text for b in back} == {bundle.document.text}
    got = sorted((x for b in back for x in spans_of(b, by_fragment=True)), key=repr)
    assert got == sorted(spans_of(bundle, by_fragment=True), key=repr)
    # doccano keeps a relation when both ends are one span of one annotator (each line holds one annotator's work)
    who = {a.uuid: a.annotator for a in bundle.annotations}
    kept = replace(bundle, relations=[r for r in bundle.relations if who[r.source] == who[r.target]])
    single = [r for r in relations_of(kept) if len(r[1][2]) == 1 and len(r[2][2]) == 1]
    assert sorted((r for b in back for r in relations_of(b) if r in single), key=repr) == single


def test_doccano_examples_read_in_both_variants() -> None:
    folder = shared_data("format_examples", "doccano")
    sequence = list(read_doccano(folder / "export_sequence_labeling.example.jsonl", ReadOptions()))
    assert [a.covered_texts(b.document.text) for b in sequence for a in b.annotations] == [
        ["EU"],
        ["German"],
        ["Peter Blackburn"],
        ["Obama"],
    ]
    [relation] = read_doccano(folder / "import_relation_extraction.example.jsonl", ReadOptions(annotator="eve"))
    text = relation.document.text
    names = {a.uuid: a.covered_texts(text)[0] for a in relation.annotations}
    assert sorted((r.type, names[r.source], names[r.target]) for r in relation.relations) == [
        ("foundedAt", "Google", "September 4, 1998"),
        ("foundedBy", "Google", "Larry Page"),
        ("foundedBy", "Google", "Sergey Brin"),
    ]
    mapped = ReadOptions(mapping={"text": "column_data", "label": "column_label"})
    imported = list(read_doccano(folder / "import_sequence_labeling.example.jsonl", mapped))
    assert [a.label for b in imported for a in b.annotations] == ["ORG", "PERSON", "PERSON"]
    assert detect(folder / "export_sequence_labeling.example.jsonl").name == "doccano"


def test_wrong_offsets_are_reported_by_line(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [{"text": "Taxes rise.", "label": [[0, 5, "claim"]]}, {"text": "Short.", "label": [[0, 50, "claim"]]}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_doccano(path, ReadOptions()))
    assert (caught.value.path, caught.value.line) == (str(path), 2) and "beyond the end" in caught.value.reason


def test_a_table_of_articles_with_a_label_column_is_not_taken_for_doccano(tmp_path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"text": "Taxes rise.", "label": "biased"}\n', encoding="utf-8")
    spans = tmp_path / "spans.jsonl"
    spans.write_text('{"text": "Taxes rise.", "label": [[0, 5, "claim"]]}\n', encoding="utf-8")
    assert detect(spans).name == "doccano"
    assert detect(articles).name != "doccano"
