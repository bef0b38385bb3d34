"""CSV export: one row per annotation, readable by pandas, covered text and sentence exact even with CRLF."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Provenance
from annotator.core.scheme import default_scheme
from annotator.formats._common import _PUNCTUATION_END, _SENTENCE_END
from annotator.formats.csv_export import write_csv, write_prepared
from annotator.formats.registry import DocumentBundle, WriteOptions
from annotator.services import exporting
from tests.formats.strategies import bundles


def test_sample_export_loads_with_pandas(sample_project, tmp_path) -> None:
    out = tmp_path / "dataset.csv"
    report = exporting.export(sample_project, "csv", out)
    frame = pd.read_csv(out, keep_default_na=False)
    assert len(frame) == report.annotations == 71
    spans = frame[frame["start"] != ""]
    texts = {b.document.uuid: b.document.text for b in exporting.bundles(sample_project)}
    for row in spans.itertuples():
        assert texts[row.document_id][int(row.start) : int(row.end)].startswith(row.text.split(" … ")[0])
        assert row.text.split(" … ")[0] in row.sentence
    assert set(frame["attr_check_worthy"]) <= {"yes", "no", ""}
    assert {"polarity", "holder"} <= {c.removeprefix("attr_") for c in frame.columns}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=2, notes=True, attributes=True))
def test_every_annotation_is_one_row_with_its_exact_text(bundle) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.csv"
        rows = write_csv([bundle], path, WriteOptions(extra={"scheme": default_scheme()}))
        data = path.read_bytes().decode("utf-8")  # no newline translation: a CR inside a field must survive
    records = list(csv.DictReader(io.StringIO(data, newline="")))
    assert rows == len(records) == len(bundle.annotations)
    text = bundle.document.text
    for record, ann in zip(records, bundle.annotations, strict=True):
        assert record["annotation_id"] == ann.uuid
        assert record["text"] == " … ".join(ann.covered_texts(text))
        assert record["note"] == ann.note
        assert record["fragments"] == ";".join(f"{f.start}-{f.end}" for f in ann.fragments)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(bundles(fragments=3, notes=True, attributes=True, document_level=True))
def test_sqlite_fast_path_writes_what_the_generic_writer_writes(tmp_path_factory, bundle) -> None:
    from annotator.formats.jsonl import write_jsonl
    from annotator.services import importing
    from annotator.services.project import Project

    folder = tmp_path_factory.mktemp("fast")
    write_jsonl([bundle], folder / "in.jsonl", WriteOptions())
    project = Project.open(folder / "p.sqlite")
    try:
        assert not importing.import_paths(project, [folder / "in.jsonl"], "tester", "jsonl").failed
        exporting.export(project, "csv", folder / "fast.csv")
        write_csv(exporting.bundles(project), folder / "generic.csv", WriteOptions(extra={"scheme": project.scheme}))
    finally:
        project.close()
    assert (folder / "fast.csv").read_bytes() == (folder / "generic.csv").read_bytes()


def _records_of(bundle) -> list[tuple]:
    """The export fast path's records (store/export_records.AnnotationRecord) for a bundle's annotations."""
    found = []
    for a in bundle.annotations:
        spans = tuple((f.start, f.end) for f in sorted(a.fragments))
        if not spans:
            key, kept = (0, 0), ()
        else:
            key, kept = (spans[0][0], -max(e for _, e in spans)), (None if len(spans) == 1 else spans)
        found.append(
            (
                *key,
                a.label,
                a.uuid,
                a.annotator,
                a.subtype,
                kept,
                a.attributes,
                a.note,
                a.origin.value,
                a.created.isoformat(),
                a.modified.isoformat(),
                a.provenance and a.provenance.to_dict(),
            )
        )
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bundles(fragments=3, notes=True, attributes=True, document_level=True, people=("alice", 'Doe, "Jo"', "a\nb")),
    st.sampled_from([{}, {"polarity": 1.5, "zusatz": ["x, y", None]}, {"holder": 'Doe, "Jo"', "other": "hi"}]),
    st.sampled_from([None, Provenance("5f0c", "phrase_memory", "2", 0.8125), Provenance("x", 'cues, "v"', "", 1.0)]),
)
def test_prepared_records_write_what_write_csv_writes(bundle, extra, provenance) -> None:
    """Row by row, with attribute values of every JSON kind, ones the scheme lacks (attributes_other), names
    that must be quoted (then csv.writer writes that document), and accepted suggestions' provenance."""
    bundle = DocumentBundle(
        bundle.document,
        [
            replace(a, attributes={**a.attributes, **extra}, provenance=provenance if i % 2 else None)
            for i, a in enumerate(bundle.annotations)
        ],
    )
    options = WriteOptions(extra={"scheme": default_scheme()})
    with tempfile.TemporaryDirectory() as tmp:
        generic, fast = Path(tmp) / "generic.csv", Path(tmp) / "fast.csv"
        rows = write_csv([bundle], generic, options)
        assert write_prepared([(bundle.document, _records_of(bundle), [], {})], fast, options) == rows
        assert fast.read_bytes() == generic.read_bytes()


@given(st.text(alphabet=st.sampled_from(list("ab .!?…\"')]\r\t\u2028 ")), max_size=60))
def test_sentence_breaks_without_a_line_break_are_found_the_quick_way_alike(text: str) -> None:
    def spans(pattern) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
        return [(m.start(m.lastindex or 0), m.end(m.lastindex or 0)) for m in pattern.finditer(text)]

    assert spans(_PUNCTUATION_END) == spans(_SENTENCE_END)
