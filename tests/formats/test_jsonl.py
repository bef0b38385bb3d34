"""Native JSONL: exports validate against resources/native_jsonl.schema.json, load with pandas, and round-trip."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pandas as pd
from hypothesis import HealthCheck, given, settings

from annotator.services import exporting
from tests.formats.strategies import bundles, round_trip


def schema() -> dict:
    return json.loads(resources.files("annotator.resources").joinpath("native_jsonl.schema.json").read_text("utf-8"))


def test_export_validates_against_the_schema_and_loads_with_pandas(sample_project, tmp_path) -> None:
    out = tmp_path / "dataset.jsonl"
    report = exporting.export(sample_project, "jsonl", out)
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for record in records:
        validator.validate(record)
    frame = pd.read_json(out, lines=True)
    assert len(frame) == report.documents == 5
    assert {"id", "text", "annotations", "relations", "status"} <= set(frame.columns)
    assert sum(len(a) for a in frame["annotations"]) == report.annotations == 71
    assert frame["text"].tolist() == [r["text"] for r in records]


def test_the_schema_rejects_a_broken_record(sample_project, tmp_path) -> None:
    out = tmp_path / "dataset.jsonl"
    exporting.export(sample_project, "jsonl", out)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    span = next(a for a in record["annotations"] if a["fragments"])
    span["fragments"][0]["start"] = -1
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(record))
    assert errors and "-1" in str(errors[0].message)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=3, relations=True, notes=True, document_level=True))
def test_round_trip_is_lossless(bundle) -> None:
    [back] = round_trip("jsonl", [bundle])
    assert back.document == bundle.document
    assert back.annotations == bundle.annotations
    assert [(r.type, r.source, r.target, r.uuid) for r in back.relations] == [
        (r.type, r.source, r.target, r.uuid) for r in bundle.relations
    ]


def test_export_loads_with_hugging_face_datasets_as_is(sample_project, tmp_path, monkeypatch) -> None:
    """datasets' "json" loader takes the export with no schema hints (it infers one with pyarrow)."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")  # a local file: nothing is fetched
    import datasets

    out = tmp_path / "dataset.jsonl"
    exporting.export(sample_project, "jsonl", out)
    table = datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert table.num_rows == 5
    assert sum(len(a) for a in table["annotations"]) == 71
    texts = {f["text"] for anns in table["annotations"] for ann in anns for f in ann["fragments"]}
    assert "raise the single bus fare from €2.50 to €3.50" in texts


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(bundles(fragments=3, relations=True, notes=True, attributes=True, document_level=True))
def test_sqlite_fast_path_writes_what_the_generic_writer_writes(tmp_path_factory, bundle) -> None:
    from annotator.core.scheme import default_scheme
    from annotator.formats.jsonl import write_jsonl
    from annotator.formats.registry import WriteOptions
    from annotator.services import importing
    from annotator.services.project import Project

    folder = tmp_path_factory.mktemp("fast")
    source = folder / "in.jsonl"
    write_jsonl([bundle], source, WriteOptions())
    project = Project.open(folder / "p.sqlite")
    try:
        report = importing.import_paths(project, [source], "tester", "jsonl")
        assert not report.failed, report.failed
        fast = folder / "fast.jsonl"
        exporting.export(project, "jsonl", fast)
        generic = folder / "generic.jsonl"
        write_jsonl(exporting.bundles(project), generic, WriteOptions(extra={"scheme": default_scheme()}))
    finally:
        project.close()
    read = lambda path: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    assert read(fast) == read(generic)
    assert fast.read_bytes() == generic.read_bytes()
    assert len(read(fast)[0]["annotations"]) == len(bundle.annotations)
