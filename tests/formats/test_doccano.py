"""doccano JSONL: every form doccano writes comes back as it went in (ids, metadata keys, comments), one file per
user gives one annotator per user, detection looks past lines without spans, errors name file and line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.formats import registry
from annotator.formats.doccano import read_doccano
from annotator.formats.registry import ReadOptions, WriteOptions, detect
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of

TEXT = "Google was founded on September 4, 1998, by Larry Page 😀 and Sergey Brin."


def records(path: Path) -> list[dict]:
    raw = path.read_text(encoding="utf-8")
    if raw.lstrip().startswith(("[", "{\n")):
        whole = json.loads(raw)
        return whole if isinstance(whole, list) else [whole]
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def by_meaning(items: list[dict], relation_ids: bool = True) -> list[str]:
    """Records with the annotator this tool adds left out (and relation ids, for files that have none)."""
    out = []
    for record in items:
        record = {k: v for k, v in record.items() if k != "annotator"}
        if "relations" in record and not relation_ids:
            record["relations"] = [{k: v for k, v in r.items() if k != "id"} for r in record["relations"]]
        out.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def again(paths: list[Path], tmp_path: Path, options: ReadOptions | None = None) -> tuple[list, Path]:
    fmt = registry.get("doccano")
    read = [b for path in paths for b in fmt.read(path, options or ReadOptions())]
    out = tmp_path / "out.jsonl"
    fmt.write(read, out, WriteOptions())
    return read, out


@pytest.mark.parametrize(
    ("name", "mapping"),
    [
        ("export_sequence_labeling.example.jsonl", {}),
        ("export_relation_extraction.example.json", {}),
        ("import_relation_extraction.example.jsonl", {}),
        ("import_sequence_labeling.example.jsonl", {"text": "column_data", "label": "column_label"}),
    ],
)
def test_doccanos_example_files_come_back_as_they_went_in(name, mapping, tmp_path) -> None:
    path = shared_data("format_examples", "doccano", name)
    _, out = again([path], tmp_path, ReadOptions(mapping=mapping))
    ids = all("id" in r for record in records(path) for r in record.get("relations", []))
    assert by_meaning(records(out), ids) == by_meaning(records(path), ids)


def test_one_file_per_user_keeps_users_ids_metadata_and_comments_apart(tmp_path) -> None:
    line = {"id": 12, "text": TEXT, "source": "wire", "batch": 3}
    alice = [{**line, "label": [[0, 6, "ORG"]], "Comments": ["check the date"]}]
    bob = [{**line, "label": [[44, 54, "PERSON"], [0, 6, "ORG"]], "Comments": []}]
    for name, lines in (("alice", alice), ("bob", bob)):
        (tmp_path / f"{name}.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    options = ReadOptions()
    read, out = again([tmp_path / "alice.jsonl", tmp_path / "bob.jsonl"], tmp_path, options)
    assert sorted(a.annotator for b in read for a in b.annotations) == ["alice", "bob", "bob"]
    assert by_meaning(records(out)) == by_meaning(alice + [{**bob[0], "label": sorted(bob[0]["label"])}])
    assert options.fidelity.preserved[("doccano", "metadata field")] == 4
    assert options.fidelity.preserved[("doccano", "comment")] == 1


def test_every_form_comes_back(tmp_path) -> None:
    forms = [
        {"id": 1, "text": "Good news.", "label": ["positive", "short"], "Comments": []},
        {"text": TEXT, "entities": [[0, 6, "ORG"]], "cats": ["found"]},
        {"id": 3, "text": TEXT, "labels": [[0, 6, "ORG"]]},
        {
            "id": 4,
            "text": TEXT,
            "entities": [
                {"id": 7, "label": "ORG", "start_offset": 0, "end_offset": 6},
                {"id": 9, "label": "PERSON", "start_offset": 44, "end_offset": 54},
            ],
            "relations": [{"id": 2, "from_id": 9, "to_id": 7, "type": "founded"}],
            "Comments": ["fine"],
        },
    ]
    path = tmp_path / "all.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in forms) + "\n", encoding="utf-8")
    read, out = again([path], tmp_path)
    assert by_meaning(records(out)) == by_meaning(forms)
    assert {a.annotator for b in read for a in b.annotations} == {"doccano"}  # "all": the collaborative export
    assert [(a.label, a.fragments) for a in read[0].annotations] == [("positive", ()), ("short", ())]


def test_a_first_line_without_spans_does_not_hide_the_format(tmp_path) -> None:
    path = tmp_path / "export.jsonl"
    lines = [{"id": 1, "text": "x" * 6000, "label": []}, {"id": 2, "text": "Taxes rise.", "label": [[0, 5, "claim"]]}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert detect(path).name == "doccano"
    read = list(read_doccano(path, ReadOptions()))
    assert [len(b.annotations) for b in read] == [0, 1]


def test_a_table_of_articles_with_a_label_column_is_not_taken_for_doccano(tmp_path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"text": "Taxes rise.", "label": "biased"}\n', encoding="utf-8")
    spans = tmp_path / "spans.jsonl"
    spans.write_text('{"text": "Taxes rise.", "label": [[0, 5, "claim"]]}\n', encoding="utf-8")
    assert detect(spans).name == "doccano"
    assert detect(articles).name != "doccano"


@pytest.mark.parametrize(
    ("second", "rule"),
    [
        ({"text": "Short.", "label": [[0, 50, "claim"]]}, "beyond the end"),
        (
            {
                "text": "Short.",
                "entities": [{"id": 1, "label": "x", "start_offset": 0, "end_offset": 5}],
                "relations": [{"from_id": 1, "to_id": 8, "type": "r"}],
            },
            "links entity 1 or 8, not in this line",
        ),
        ({"text": "Short.", "label": [[0, 5]]}, "malformed doccano record"),
        ({"title": "no text"}, "with a 'text' string"),
    ],
)
def test_a_line_that_breaks_a_rule_names_file_and_line(tmp_path, second, rule) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [{"text": "Taxes rise.", "label": [[0, 5, "claim"]]}, second]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_doccano(path, ReadOptions()))
    assert (caught.value.path, caught.value.line) == (str(path), 2) and rule in caught.value.reason


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


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_doccano_lines_come_back_as_they_went_in(tmp_path_factory, data) -> None:
    words = [(0, 6), (22, 39), (44, 54), (59, 70)]
    lines = []
    for n in range(data.draw(st.integers(1, 3))):
        chosen = data.draw(st.lists(st.sampled_from(words), unique=True, max_size=4))
        labels = [data.draw(st.sampled_from(["ORG", "DATE", "claim/statistical"])) for _ in chosen]
        meta = data.draw(st.dictionaries(st.sampled_from(["source", "lang", "n"]), st.integers(0, 9), max_size=2))
        line = {
            "id": 100 + n,
            "text": TEXT + " " * n,
            **meta,
            "Comments": data.draw(st.lists(st.sampled_from(["a", "b"]), max_size=2)),
        }
        if data.draw(st.booleans()):
            line["label"] = sorted([s, e, lab] for (s, e), lab in zip(chosen, labels, strict=True))
        else:
            ids = data.draw(st.permutations(range(10, 10 + len(chosen))))
            line["entities"] = [
                {"id": i, "label": lab, "start_offset": s, "end_offset": e}
                for i, (s, e), lab in zip(ids, chosen, labels, strict=True)
            ]
            pairs = [(a, b) for a in ids for b in ids if a != b][:2]
            line["relations"] = [{"id": k, "from_id": a, "to_id": b, "type": "r"} for k, (a, b) in enumerate(pairs)]
        lines.append(line)
    path = tmp_path_factory.mktemp("d") / "carol.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    read, out = again([path], path.parent)
    assert by_meaning(records(out)) == by_meaning(lines)
    assert {a.annotator for b in read for a in b.annotations} <= {"carol"}


def test_zero_width_spans_are_kept_and_written_back_without_rejecting_the_file(tmp_path) -> None:
    lines = [
        {"id": 1, "text": TEXT, "label": [[0, 6, "ORG"], [7, 7, "GAP"]]},
        {
            "id": 2,
            "text": TEXT,
            "entities": [
                {"id": 1, "label": "ORG", "start_offset": 0, "end_offset": 6},
                {"id": 2, "label": "GAP", "start_offset": 9, "end_offset": 9},
            ],
            "relations": [{"id": 5, "from_id": 1, "to_id": 2, "type": "r"}],
        },
    ]
    path = tmp_path / "eve.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    options = ReadOptions()
    read, out = again([path], tmp_path, options)
    assert [len(b.annotations) for b in read] == [1, 1] and read[1].relations == []
    assert options.fidelity.preserved[("doccano", "zero-width span")] == 2
    assert options.fidelity.preserved[("doccano", "relation to a zero-width span")] == 1
    assert by_meaning(records(out)) == by_meaning(lines)
