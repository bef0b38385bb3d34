"""Label Studio JSON: round trip, re-anchoring of spans whose offsets are off, errors with line numbers."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.registry import ReadOptions, detect
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=3, relations=True, notes=True, attributes=True, document_level=True))
def test_round_trip(bundle) -> None:
    [back] = round_trip("labelstudio", [bundle])
    assert back.document.text == bundle.document.text
    assert spans_of(back) == spans_of(bundle)
    key = lambda a: repr((a.annotator, a.label, a.subtype, a.fragments))  # noqa: E731
    assert [(a.note, a.attributes) for a in sorted(back.annotations, key=key)] == [
        (a.note, a.attributes) for a in sorted(bundle.annotations, key=key)
    ]
    assert relations_of(back) == relations_of(bundle)


def tasks_file(tmp_path, results: list[dict], text: str) -> object:
    path = tmp_path / "tasks.json"
    task = {"id": 7, "data": {"text": text}, "annotations": [{"created_username": "fay", "result": results}]}
    path.write_text(json.dumps([task], ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def region(rid: str, start: int, end: int, text: str, label: str = "claim") -> dict:
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def test_a_span_with_utf16_offsets_is_re_anchored_and_reported(tmp_path) -> None:
    text = "😀😀 Taxes will rise, taxes said."
    # offsets counted in UTF-16 (each emoji is two units): two too far
    path = tasks_file(tmp_path, [region("r1", 5, 10, "Taxes"), region("r2", 23, 28, "taxes")], text)
    options = ReadOptions()
    [bundle] = read_labelstudio(path, options)
    assert sorted(a.covered_texts(text)[0] for a in bundle.annotations) == ["Taxes", "taxes"]
    assert {a.annotator for a in bundle.annotations} == {"fay"}
    notes = options.extra["notes"]
    assert len(notes) == 2 and "re-anchored from 5..10 to 3..8" in notes[0] and str(path) in notes[0]
    assert detect(path).name == "labelstudio"


def test_a_span_whose_text_is_nowhere_names_file_and_line(tmp_path) -> None:
    path = tasks_file(tmp_path, [region("ok", 0, 5, "Taxes"), region("gone", 6, 10, "fees")], "Taxes rise.")
    with pytest.raises(InputError) as caught:
        list(read_labelstudio(path, ReadOptions()))
    raw = path.read_text(encoding="utf-8").splitlines()
    assert caught.value.path == str(path) and '"gone"' in raw[caught.value.line - 1]
    assert "nowhere in the text" in caught.value.reason
