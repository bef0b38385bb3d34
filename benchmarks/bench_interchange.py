"""Interchange figures: exporting 1,000,000 annotations as JSONL and CSV, and importing that JSONL back.

The project is filled with raw SQL (10,000 documents of about 2,000 characters, 100 one-fragment annotations
each), so the figures time only the export and import paths. The floor is the rawest form of the same work,
measured in the same run: a sqlite3 SELECT of the same annotation rows with their fragments and json.dumps of
each row. The import's floor is the storing alone: sqlite3 executemany of the rows it stored into an empty project.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.core.model import new_uuid
from annotator.core.text import sha256_of
from annotator.formats import registry
from annotator.formats.registry import ReadOptions
from annotator.services import exporting, importing
from annotator.services.project import Project
from annotator.store import change_log
from annotator.store.annotation_imports import BULK_CACHE_KIB
from benchmarks.registry import Measurement, figure

DOCUMENTS = 10_000
PER_DOCUMENT = 100
SENTENCE = "The minister said taxes will rise by 5% next year. "  # 51 characters
STAMP = "2026-01-02 03:04:05.000000"


def build(path: Path, documents: int = DOCUMENTS, per_document: int = PER_DOCUMENT) -> Project:
    """A project holding documents * per_document annotations, written with executemany."""
    project = Project.open(path)
    with project.transaction() as session:
        claim = project.label_ids(session)[("claim", None)]
        statistical = project.label_ids(session)[("statistical", "claim")]
    project.close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO annotators (uuid, name, kind, created) VALUES (?, 'bench', 'person', ?)", (new_uuid(), STAMP)
    )
    who = conn.execute("SELECT id FROM annotators WHERE name = 'bench'").fetchone()[0]
    docs, anns, frags = [], [], []
    ann_id = 0
    for d in range(1, documents + 1):
        text = f"Article {d}. " + SENTENCE * 40
        docs.append((d, new_uuid(), sha256_of(text), f"Article {d}", text, len(text), STAMP))
        for k in range(per_document):
            ann_id += 1
            start = 12 + (k % 40) * 51 + (k // 40) * 9
            anns.append((ann_id, new_uuid(), d, who, claim, statistical if k % 3 == 0 else None, STAMP, STAMP))
            frags.append((ann_id, start, start + 22))
    conn.executemany(
        "INSERT INTO documents (id, uuid, sha256, title, text, length, encoding, newline, source, outlet, author,"
        " published, language, meta, created, version) VALUES (?, ?, ?, ?, ?, ?, 'utf-8', 'none', '', '', '', '',"
        " '', '{}', ?, 1)",
        docs,
    )
    conn.executemany(
        "INSERT INTO annotations (id, uuid, document_id, annotator_id, label_id, subtype_id, attributes, note, origin,"
        " created, modified, version) VALUES (?, ?, ?, ?, ?, ?, '{}', '', 'manual', ?, ?, 1)",
        anns,
    )
    conn.executemany('INSERT INTO fragments (annotation_id, start, "end") VALUES (?, ?, ?)', frags)
    conn.commit()
    conn.close()
    return Project.open(path)


def raw_floor(path: Path) -> float:
    """sqlite3 SELECT of the exported rows + json.dumps of each: the least any export can cost."""
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    rows = conn.execute(
        "SELECT a.uuid, a.document_id, a.label_id, a.subtype_id, a.attributes, a.note, a.origin, a.created, "
        'a.modified, f.start, f."end" FROM annotations a JOIN fragments f ON f.annotation_id = a.id'
    )
    for row in rows:
        json.dumps(row)
    value = time.perf_counter() - start
    conn.close()
    return value


def _export(fmt: str, suffix: str) -> Measurement:
    registry.formats()  # the running app has imported its format modules long before an export
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        project = build(path)
        out = Path(tmp) / f"out.{suffix}"
        start = time.perf_counter()
        report = exporting.export(project, fmt, out)
        value = time.perf_counter() - start
        project.close()
        assert report.annotations == DOCUMENTS * PER_DOCUMENT, report
        floor = raw_floor(path)
    return Measurement(
        value,
        floor,
        "sqlite3 SELECT + json.dumps per row, s",
        f"{report.annotations:,} annotations in {report.documents:,} documents",
    )


@figure("export_jsonl_1m_s", target="< 5 s")
def export_jsonl_1m() -> Measurement:
    return _export("jsonl", "jsonl")


@figure("export_csv_1m_s", target="< 5 s")
def export_csv_1m() -> Measurement:
    return _export("csv", "csv")


def storage_floor(imported: Path, empty: Path) -> float:
    """sqlite3 executemany of the imported annotation and fragment rows into an empty project, and the commit:
    what storing them costs with no reading, checking or change log at all."""
    with sqlite3.connect(imported) as source:
        documents = source.execute("SELECT * FROM documents").fetchall()
        people = source.execute("SELECT * FROM annotators").fetchall()
        annotations = source.execute("SELECT * FROM annotations").fetchall()
        fragments = source.execute("SELECT * FROM fragments").fetchall()
    Project.open(empty).close()
    conn = sqlite3.connect(empty, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")  # the page cache the import writes with
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO documents VALUES ({', '.join('?' * len(documents[0]))})", documents)
    conn.executemany(f"INSERT OR IGNORE INTO annotators VALUES ({', '.join('?' * len(people[0]))})", people)
    conn.execute("COMMIT")
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO annotations VALUES ({', '.join('?' * len(annotations[0]))})", annotations)
    conn.executemany(f"INSERT INTO fragments VALUES ({', '.join('?' * len(fragments[0]))})", fragments)
    conn.execute("COMMIT")
    value = time.perf_counter() - start
    conn.close()
    return value


@figure("import_jsonl_1m_s", target="< 10 s")
def import_jsonl_1m() -> Measurement:
    registry.formats()
    with tempfile.TemporaryDirectory() as tmp:
        source = build(Path(tmp) / "source.sqlite")
        dataset = Path(tmp) / "dataset.jsonl"
        exporting.export(source, "jsonl", dataset)
        source.close()
        target = Project.open(Path(tmp) / "target.sqlite")
        start = time.perf_counter()
        report = importing.import_paths(target, [dataset], "bench", "jsonl", ReadOptions())
        value = time.perf_counter() - start
        assert not report.failed and report.annotations == DOCUMENTS * PER_DOCUMENT, report.failed[:1]
        with target.transaction() as session:
            logged = sum(len(c.after["annotations"]) for c in change_log.entries(session) if c.entity == "import")
        target.close()
        floor = storage_floor(Path(tmp) / "target.sqlite", Path(tmp) / "floor.sqlite")
    detail = f"{report.annotations:,} annotations read, checked and stored; {logged:,} listed in the change log"
    return Measurement(value, floor, "sqlite3 executemany of the same rows into an empty project, s", detail)
