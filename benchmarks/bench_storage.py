"""Storage figures of the foundation issue: saving one annotation, listing 10,000 documents."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure, median_ms


def raw_insert_commit_ms(folder: Path, repeat: int = 500) -> float:
    conn = sqlite3.connect(folder / "raw.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, doc INT, start INT, end INT, label TEXT)")

    def one() -> None:
        conn.execute("INSERT INTO a (doc, start, end, label) VALUES (1, 5, 10, 'claim')")
        conn.commit()

    result = median_ms(one, repeat)
    conn.close()
    return result


@figure("save_annotation_ms", target="< 2 ms median")
def save_annotation() -> Measurement:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.open(Path(tmp) / "bench.sqlite")
        doc = Document("The minister said taxes will rise. " * 200)
        documents.add_document(project, doc, "bench")
        service = Annotating(project, "bench")
        counter = iter(range(10**6))

        def save() -> None:
            i = next(counter) % 6000
            service.create(Annotation(doc.uuid, "bench", "claim", (Fragment(i, i + 12),), "factual"))

        for _ in range(20):
            save()  # warm caches, as a running app has them
        value = median_ms(save, 500)
        project.close()
        floor = raw_insert_commit_ms(Path(tmp))
    return Measurement(value, floor, "raw sqlite3 insert + commit, ms")


@figure("list_10k_documents_ms", target="< 300 ms")
def list_10k_documents() -> Measurement:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        project = Project.open(path)
        words = "Parliament debated the budget while critics warned of cuts. "
        with project.transaction() as session:
            for i in range(10_000):
                doc = Document(f"Article {i}. " + words * 40, title=f"Article {i}", outlet=f"Outlet {i % 12}")
                documents.add_document(project, doc, "bench", session)
        uuids = [r.uuid for r in documents.list_documents(project)][:2000]
        service = Annotating(project, "bench")
        for n, uuid in enumerate(uuids):
            service.create(Annotation(uuid, "bench", "claim", (Fragment(0, 7 + n % 5),)))
        project.close()
        start = time.perf_counter()
        reopened = Project.open(path)
        rows = documents.list_documents(reopened, "bench")
        value = (time.perf_counter() - start) * 1000
        assert len(rows) == 10_000 and sum(r.annotation_count for r in rows) == 2000
        reopened.close()
        conn = sqlite3.connect(path)
        start = time.perf_counter()
        conn.execute("SELECT id, title FROM documents").fetchall()
        floor = (time.perf_counter() - start) * 1000
        conn.close()
    return Measurement(value, floor, "raw sqlite3 SELECT id, title, ms", "open + list with counts and status")
