"""Label Studio JSON: tasks come back as they went in (multi-label regions, relation directions and labels as
given, every result type with its from_name, region and task ids, completed_by, predictions, data fields);
offsets that miss their text are errors unless re-anchored; our own documents round-trip."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.formats import registry
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.registry import ReadOptions, WriteOptions, detect
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of

TEXT = "Larry Page 😀 founded Google in 1998.\r\nIt grew."


def _region(rid: str, word: str, labels: list[str], **extra) -> dict:
    start = TEXT.index(word)
    value = {"start": start, "end": start + len(word), "text": word, "labels": labels}
    return {
        "id": rid,
        "from_name": "ner",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": value,
        **extra,
    }


def _on(rid: str, word: str, name: str, kind: str, value: dict) -> dict:
    start = TEXT.index(word)
    where = {"start": start, "end": start + len(word)}
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind, "origin": "manual", "value": where | value}


RICH = [
    {
        "id": 42,
        "inner_id": 1,
        "meta": {"batch": "b1"},
        "created_at": "2024-05-01T10:00:00.000000Z",
        "project": 3,
        "file_upload": "news.json",
        "drafts": [],
        "data": {"text": TEXT, "url": "https://example.org/a", "outlet": "Daily"},
        "annotations": [
            {
                "id": 101,
                "completed_by": 1,
                "result": [
                    _region("wEDy4r0OLH", "Larry Page", ["PER", "FOUNDER"]),
                    _region("Xy12", "Google", ["ORG"]),
                    _on(
                        "wEDy4r0OLH", "Larry Page", "certainty", "choices", {"text": "Larry Page", "choices": ["high"]}
                    ),
                    _on("wEDy4r0OLH", "Larry Page", "comment", "textarea", {"text": ["line one", "line two"]}),
                    _on("wEDy4r0OLH", "Larry Page", "stars", "rating", {"rating": 4}),
                    _on("Xy12", "Google", "kinds", "choices", {"choices": ["firm", "brand"]}),
                    {
                        "from_id": "wEDy4r0OLH",
                        "to_id": "Xy12",
                        "type": "relation",
                        "direction": "bi",
                        "labels": ["founded"],
                    },
                    {"from_id": "Xy12", "to_id": "wEDy4r0OLH", "type": "relation", "direction": "left", "labels": []},
                    {
                        "id": "s1",
                        "from_name": "sentiment",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["positive"]},
                    },
                    {
                        "id": "t1",
                        "from_name": "summary",
                        "to_name": "text",
                        "type": "textarea",
                        "value": {"text": ["A founding."]},
                    },
                    {"id": "q1", "from_name": "quality", "to_name": "text", "type": "rating", "value": {"rating": 3}},
                ],
                "was_cancelled": False,
                "ground_truth": True,
                "created_at": "2024-05-01T10:05:00.000000Z",
                "lead_time": 12.5,
                "parent_prediction": 7,
                "task": 42,
            },
            {
                "id": 102,
                "completed_by": {"id": 2, "email": "bob@lab.org", "first_name": "", "last_name": ""},
                "result": [_region("b1", "Google", ["ORG"]), _region("b2", "1998", ["DATE"])],
                "lead_time": 3.0,
            },
            {"id": 103, "completed_by": 5, "was_cancelled": True, "result": []},
        ],
        "predictions": [
            {
                "id": 7,
                "model_version": "ner-v2",
                "score": 0.87,
                "result": [{**_region("p1", "Larry Page", ["PER"]), "score": 0.9}],
            }
        ],
    }
]


def canonical(tasks: list[dict]) -> list[dict]:
    """Tasks by meaning: entries by id, results in any order."""
    out = copy.deepcopy(tasks)
    for task in out:
        task["annotations"] = sorted(task.get("annotations", []), key=lambda e: e.get("id", 0))
        for entry in task["annotations"]:
            entry["result"] = sorted(entry.get("result", []), key=lambda r: json.dumps(r, sort_keys=True))
    return out


def again(tasks: list[dict], tmp_path, options: ReadOptions | None = None) -> tuple[list, list[dict]]:
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    read = list(read_labelstudio(source, options or ReadOptions()))
    out = tmp_path / "out.json"
    registry.get("labelstudio").write(read, out, WriteOptions())
    return read, json.loads(out.read_text(encoding="utf-8"))


def test_a_rich_task_comes_back_as_it_went_in(tmp_path) -> None:
    options = ReadOptions()
    [bundle], written = again(RICH, tmp_path, options)
    assert canonical(written) == canonical(RICH)
    text = bundle.document.text
    spans = {(a.annotator, a.label, a.covered_texts(text)[0]) for a in bundle.annotations if a.fragments}
    assert ("labelstudio-1", "PER", "Larry Page") in spans and ("labelstudio-1", "FOUNDER", "Larry Page") in spans
    assert ("bob@lab.org", "ORG", "Google") in spans  # two people: two annotators, never merged
    per = next(a for a in bundle.annotations if a.label == "PER")
    assert per.attributes == {"certainty": "high"} and per.note == "line one\nline two"
    by_uuid = {a.uuid: a for a in bundle.annotations}
    kinds = {(r.type, by_uuid[r.source].label, by_uuid[r.target].label) for r in bundle.relations}
    assert ("founded", "PER", "ORG") in kinds and ("related", "PER", "ORG") in kinds  # "left": the arrow turned
    assert {a.label for a in bundle.annotations if not a.fragments} == {"sentiment"}
    fidelity = options.fidelity
    assert fidelity.preserved[("labelstudio", "rating result")] == 1
    assert fidelity.preserved[("labelstudio", "per-region rating result")] == 1
    assert (
        fidelity.preserved[("labelstudio", "prediction")] == 1
        and fidelity.preserved[("labelstudio", "cancelled annotation")] == 1
    )
    assert fidelity.kept[("labelstudio", "multi-label region")] == 1 and not fidelity.left_out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_tasks_come_back_as_they_went_in(tmp_path_factory, data) -> None:
    words = ["Larry Page", "Google", "1998", "It", "grew"]
    results = []
    chosen = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4, unique=True))
    for n, word in enumerate(chosen):
        labels = data.draw(
            st.lists(st.sampled_from(["PER", "ORG", "claim/statistical"]), min_size=1, max_size=2, unique=True)
        )
        results.append(_region(f"r{n}", word, labels))
        if data.draw(st.booleans()):
            results.append(
                _on(f"r{n}", word, "flag", "choices", {"choices": [data.draw(st.sampled_from(["yes", "no", "maybe"]))]})
            )
        if data.draw(st.booleans()):
            results.append(
                _on(
                    f"r{n}",
                    word,
                    "note",
                    "textarea",
                    {"text": data.draw(st.lists(st.sampled_from(["a", "b c"]), min_size=1, max_size=2))},
                )
            )
    for _ in range(data.draw(st.integers(0, 3))):
        a, b = data.draw(st.sampled_from(range(len(chosen)))), data.draw(st.sampled_from(range(len(chosen))))
        direction = data.draw(st.sampled_from(["right", "left", "bi"]))
        labels = data.draw(st.lists(st.sampled_from(["x", "y"]), max_size=2, unique=True))
        link = {"from_id": f"r{a}", "to_id": f"r{b}", "type": "relation", "direction": direction, "labels": labels}
        if a != b and link not in results:
            results.append(link)
    if data.draw(st.booleans()):
        results.append(
            {"id": "d1", "from_name": "tone", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}
        )
    tasks = [{"id": 9, "data": {"text": TEXT}, "annotations": [{"id": 1, "completed_by": 3, "result": results}]}]
    _, written = again(tasks, tmp_path_factory.mktemp("ls"))
    assert canonical(written) == canonical(tasks)


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


def test_a_region_whose_offsets_miss_its_text_is_an_error_unless_re_anchored(tmp_path) -> None:
    text = "😀😀 Taxes will rise, taxes said."
    # offsets counted in UTF-16 (each emoji is two units): two too far
    path = tasks_file(tmp_path, [region("r1", 5, 10, "Taxes"), region("r2", 23, 28, "taxes")], text)
    with pytest.raises(InputError) as caught:
        list(read_labelstudio(path, ReadOptions()))
    raw = path.read_text(encoding="utf-8").splitlines()
    assert "region r1" in caught.value.reason and '"r1"' in raw[caught.value.line - 1]
    options = ReadOptions(reanchor=True)
    [bundle] = read_labelstudio(path, options)
    assert sorted(a.covered_texts(text)[0] for a in bundle.annotations) == ["Taxes", "taxes"]
    assert {a.annotator for a in bundle.annotations} == {"fay"}
    moves = options.fidelity.moves
    assert len(moves) == 2 and "region r1 from 5..10 to 3..8" in moves[0] and str(path) in moves[0]
    assert detect(path).name == "labelstudio"


def test_a_span_whose_text_is_nowhere_names_file_and_line(tmp_path) -> None:
    path = tasks_file(tmp_path, [region("ok", 0, 5, "Taxes"), region("gone", 6, 10, "fees")], "Taxes rise.")
    with pytest.raises(InputError) as caught:
        list(read_labelstudio(path, ReadOptions(reanchor=True)))
    raw = path.read_text(encoding="utf-8").splitlines()
    assert caught.value.path == str(path) and '"gone"' in raw[caught.value.line - 1]
    assert "nowhere in the text" in caught.value.reason


def test_a_relation_to_a_missing_region_names_the_line(tmp_path) -> None:
    link = {"from_id": "ok", "to_id": "nope", "type": "relation", "direction": "right", "labels": ["x"]}
    path = tasks_file(tmp_path, [region("ok", 0, 5, "Taxes"), link], "Taxes rise.")
    with pytest.raises(InputError) as caught:
        list(read_labelstudio(path, ReadOptions()))
    assert "relation ok -> nope" in caught.value.reason and caught.value.line is not None


def test_a_zero_width_region_is_kept_as_written_with_its_relations(tmp_path) -> None:
    start = TEXT.index("Google")
    zero = {
        "id": "z",
        "from_name": "ner",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start, "text": "", "labels": ["GAP"]},
    }
    results = [
        _region("r0", "Google", ["ORG"]),
        zero,
        {"from_id": "r0", "to_id": "z", "type": "relation", "direction": "right", "labels": ["x"]},
    ]
    tasks = [{"id": 1, "data": {"text": TEXT}, "annotations": [{"id": 2, "completed_by": 1, "result": results}]}]
    options = ReadOptions()
    [bundle], written = again(tasks, tmp_path, options)
    assert [a.label for a in bundle.annotations] == ["ORG"] and bundle.relations == []
    assert options.fidelity.preserved[("labelstudio", "zero-width region")] == 1
    assert canonical(written) == canonical(tasks)


def test_a_long_first_task_is_still_recognised(tmp_path) -> None:
    """Label Studio writes "annotations" before "data": with a long text the data lies past the first 4 KB."""
    long_text = "Taxes rise. " * 2000
    results = [region("r1", 0, 5, "Taxes")]
    task = {"id": 1, "annotations": [{"id": 3, "completed_by": 1, "result": results * 50}], "data": {"text": long_text}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    assert detect(path).name == "labelstudio"


def test_two_links_between_the_same_regions_stay_two(tmp_path) -> None:
    """Found by the random round trip: r0 -> r1 labelled x and r0 -> r1 labelled y are two links, not one link
    labelled x and y (which a multi-label link of the file stays)."""
    regions = [_region("r0", "Larry Page", ["PER"]), _region("r1", "Google", ["ORG"])]
    link = {"from_id": "r0", "to_id": "r1", "type": "relation", "direction": "right"}
    for links in ([{**link, "labels": ["x"]}, {**link, "labels": ["y"]}], [{**link, "labels": ["x", "y"]}]):
        tasks = [
            {"id": 9, "data": {"text": TEXT}, "annotations": [{"id": 1, "completed_by": 3, "result": regions + links}]}
        ]
        folder = tmp_path / str(len(links))
        folder.mkdir()
        [bundle], written = again(tasks, folder)
        assert len(bundle.relations) == 2 and canonical(written) == canonical(tasks)
