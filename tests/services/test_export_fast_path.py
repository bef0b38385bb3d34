"""The export's fast path (SQLite: plain records straight from the driver's rows, JSONL and CSV lines put
together by hand) writes byte for byte what the formats' own writers write from annotation objects: under every
filter, with times that have microseconds, names and texts that need CSV quoting, several fragments,
document-level labels, attributes the scheme knows and does not know, relations and statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Annotation, AnnotatorKind, Document, Fragment, Status
from annotator.formats import registry
from annotator.formats.jsonl import write_jsonl
from annotator.formats.registry import DocumentBundle, WriteOptions
from annotator.services import collections, exporting, importing
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.store import annotators, export_records
from tests.formats.strategies import bundles

FORMATS = ("jsonl", "csv")
QUOTED_NAME = 'Doe, "Jo"'  # a name CSV must quote: its documents take csv.writer's way
ODD_NAMES = ("Roe, Al", "Line\nBreak", "Carriage\rReturn", 'Say "cheese"')  # each needs quoting for one reason


def _write_both(
    project: Project, fmt: str, folder, filters: exporting.ExportFilter | None = None
) -> tuple[bytes, bytes]:
    """(what exporting.export writes, what the format's writer writes from exporting.bundles)."""
    fast, generic = folder / f"fast.{fmt}", folder / f"generic.{fmt}"
    report = exporting.export(project, fmt, fast, filters)
    writer = registry.get(fmt).write
    assert writer is not None
    writer(exporting.bundles(project, filters), generic, WriteOptions(extra={"scheme": project.scheme}))
    assert report.documents == exporting.count(project, filters)[0]
    return fast.read_bytes(), generic.read_bytes()


@pytest.fixture
def varied_project(sample_project, tmp_path):
    """The samples, plus: an imported document whose text, title, metadata and annotator name need CSV quoting,
    with a two-fragment span, a document-level label, attributes the scheme lacks and times with microseconds;
    annotations made here (times now); a gold annotator; a collection; statuses."""
    project = sample_project
    first, second = (b.document for b in list(exporting.bundles(project))[:2])
    text = 'He said, "taxes rise."\r\nShe: no.\nThird, last one'
    doc = Document(text, title='Tax, "rise"', metadata={"outlet": "Zeitung, größer"})
    when = datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=2)))
    imported = [
        Annotation(
            doc.uuid,
            QUOTED_NAME,
            "claim",
            (Fragment(9, 21), Fragment(0, 2)),
            "statistical",
            attributes={"check_worthy": True, "zusatz": 'größer, "ja"'},
            note='a "note",\non two lines',
            created=when,
            modified=when + timedelta(seconds=1),
        ),
        Annotation(doc.uuid, QUOTED_NAME, "genre", (), "reporting", created=when, modified=when),
        Annotation(doc.uuid, "alice", "claim", (Fragment(24, 33),), created=when, modified=when),
    ]
    odd = [DocumentBundle(doc, imported, [], {QUOTED_NAME: Status.DONE})]
    for name in ODD_NAMES:  # a document each: each must send its document csv.writer's way on its own
        alone = Document(f"Text for {name!r}.")
        odd.append(DocumentBundle(alone, [Annotation(alone.uuid, name, "claim", (Fragment(0, 4),))]))
    write_jsonl(odd, tmp_path / "odd.jsonl", WriteOptions())
    assert not importing.import_paths(project, [tmp_path / "odd.jsonl"], "loader", "jsonl").failed
    with project.transaction() as session:
        annotators.ensure(session, "curator", "tester", AnnotatorKind.GOLD)
    Annotating(project, QUOTED_NAME).create(
        Annotation(
            first.uuid, QUOTED_NAME, "claim", (Fragment(4, 9), Fragment(0, 3)), attributes={"check_worthy": False}
        )
    )
    span = next(
        a
        for a in exporting.bundles(project, exporting.ExportFilter(documents=[second.uuid])).__next__().annotations
        if a.fragments
    )
    Annotating(project, "curator").create(replace(span, uuid=Annotation("", "", "").uuid, annotator="curator"))
    collections.add_documents(project, "batch", [second.uuid, doc.uuid], "alice")
    return project


FILTERS = [
    None,
    exporting.ExportFilter(annotators=[QUOTED_NAME]),
    exporting.ExportFilter(annotators=["alice", "curator"]),
    exporting.ExportFilter(labels=["claim"]),
    exporting.ExportFilter(labels=["claim/statistical", "genre"]),
    exporting.ExportFilter(statuses=[Status.DONE]),
    exporting.ExportFilter(statuses=[Status.NOT_STARTED], annotators=[QUOTED_NAME]),
    exporting.ExportFilter(collections=["batch"]),
    exporting.ExportFilter(gold_only=True),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_filter_writes_the_same_bytes_both_ways(varied_project, tmp_path, fmt, monkeypatch) -> None:
    used = []
    reading = export_records.iter_records
    monkeypatch.setattr(export_records, "iter_records", lambda *a, **k: used.append(1) or reading(*a, **k))
    for n, filters in enumerate(FILTERS):
        folder = tmp_path / str(n)
        folder.mkdir()
        fast, generic = _write_both(varied_project, fmt, folder, filters)
        assert fast == generic, filters
        assert fast.count(b"\n") >= 1, filters  # at least a header or a document: the filter left something
    with varied_project.transaction() as session:
        assert bool(used) == export_records.records_supported(session)  # on SQLite the fast path did the writing


def test_quoted_names_notes_and_attributes_come_through(varied_project, tmp_path) -> None:
    fast, generic = _write_both(varied_project, "csv", tmp_path, exporting.ExportFilter(annotators=[QUOTED_NAME]))
    assert fast == generic
    text = fast.decode("utf-8")
    assert '"Doe, ""Jo"""' in text and '"a ""note"",\non two lines' in text and "0-3;4-9" in text
    assert '"Tax, ""rise"""' in text and '"He said, ""taxes rise."""' in text
    assert "2025-05-06T05:08:09.123456+00:00,2025-05-06T05:08:10.123456+00:00" in text


def test_fragment_rows_make_one_record_each_in_reading_order() -> None:
    """Rows come one per fragment (the query orders them by annotation); records come one per annotation, with
    their fragments sorted, and sort into reading order: first start, longer first, label, id."""
    stamp = "2026-01-02 03:04:05.123456"

    def row(uuid: str, start: int | None, end: int | None, label: int = 10, came: str | None = None) -> tuple:
        return (0, uuid, 7, 1, label, None, "{}", "", "manual", stamp, stamp, 1, came, start, end)

    accepted = '{"id": "s1", "recommender": "phrase_memory", "recommender_version": "2", "score": 0.5}'
    rows = [row("b", 5, 9), row("b", 0, 2), row("c", 1, 4), row("d", None, None), row("a", 1, 4, 11, accepted)]
    by_document: dict[int, list] = {7: []}
    labels = {10: "claim", 11: "attribution", None: None}
    export_records._read_records(rows, {1: "ann"}, labels, export_records._IsoTimes(), by_document)
    records = sorted(by_document[7])
    assert [(r[3], r[0], r[1], r[2], r[6]) for r in records] == [
        ("b", 0, -9, "claim", ((0, 2), (5, 9))),  # (0, -9) before a document-level (0, 0)
        ("d", 0, 0, "claim", ()),
        ("a", 1, -4, "attribution", None),  # same span: by label
        ("c", 1, -4, "claim", None),
    ]
    assert records[0][10] == records[0][11] == "2026-01-02T03:04:05.123456+00:00"
    assert [r[12] for r in records] == [None, None, orjson.loads(accepted), None]  # provenance, decoded


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5))])
WHEN = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=ZONES)
NAMES = st.sampled_from(["alice", "bob", QUOTED_NAME, *ODD_NAMES])
TITLES = st.sampled_from(["Plain", 'With "quotes", and commas', "Two\r\nlines", ""])


@st.composite
def documents(draw: st.DrawFn) -> list[DocumentBundle]:
    """One to three documents with varied titles, metadata, annotator names and times (microseconds, other zones)."""
    found = []
    for _ in range(draw(st.integers(1, 3))):
        bundle = draw(bundles(fragments=3, relations=True, notes=True, attributes=True, document_level=True))
        names = {p: draw(NAMES) for p in ("alice", "bob")}
        annotations = []
        for ann in bundle.annotations:
            created = draw(WHEN)
            modified = draw(st.sampled_from([created, created + timedelta(microseconds=draw(st.integers(1, 10**9)))]))
            annotations.append(replace(ann, annotator=names[ann.annotator], created=created, modified=modified))
        doc = replace(bundle.document, title=draw(TITLES), metadata=draw(st.sampled_from([{}, {"k": 'v, "w"'}])))
        relations = [replace(r, annotator=names[r.annotator]) for r in bundle.relations]
        status = {names["alice"]: draw(st.sampled_from(list(Status)))}
        found.append(DocumentBundle(doc, annotations, relations, status))
    return found


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(documents(), st.sampled_from(FORMATS))
def test_generated_documents_write_the_same_bytes_both_ways(tmp_path_factory, items, fmt) -> None:
    folder = tmp_path_factory.mktemp("fast")
    write_jsonl(items, folder / "in.jsonl", WriteOptions())
    project = Project.open(folder / "p.sqlite")
    try:
        report = importing.import_paths(project, [folder / "in.jsonl"], "tester", "jsonl")
        assert not report.failed, report.failed
        fast, generic = _write_both(project, fmt, folder)
    finally:
        project.close()
    assert fast == generic
    if fmt == "jsonl":
        assert fast.count(b"\n") == len({b.document.sha256 for b in items})  # a line per text (same text: one)
