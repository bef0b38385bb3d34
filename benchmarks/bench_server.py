"""Team-server figures: many annotators (processes) saving at once on PostgreSQL, and a few on one SQLite file.

Each process opens the project as a desktop app would and saves annotations one by one through the annotating
service (one transaction each, change log included). Afterwards every annotation must be there exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path

from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure

PG_ADMIN = os.environ.get("ANNOTATOR_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TEXT = "The minister said taxes will rise. Critics call it a disgrace. " * 400


def _worker(url: str, who: str, document: str, saves: int, queue) -> None:  # type: ignore[no-untyped-def]
    project = Project.open(url)
    service = Annotating(project, who)
    latencies, errors = [], []
    for i in range(saves):
        start = (i * 7) % (len(TEXT) - 20)
        ann = Annotation(document, who, "claim", (Fragment(start, start + 12),))
        began = time.perf_counter()
        try:
            service.create(ann)
        except Exception as exc:  # counted and reported, never retried silently
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append((time.perf_counter() - began) * 1000)
    project.close()
    queue.put((who, latencies, errors))


def _run(url: str, writers: int, saves: int) -> dict[str, float | str]:
    project = Project.open(url)
    doc = Document(TEXT, title="Load")
    documents.add_document(project, doc, "bench")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    procs = [
        context.Process(target=_worker, args=(url, f"annotator{i:02d}", doc.uuid, saves, queue)) for i in range(writers)
    ]
    began = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - began  # includes process start-up and opening: a fair upper bound
    latencies = sorted(ms for _, lat, _ in results for ms in lat)
    errors = [e for _, _, errs in results for e in errs]
    with project.transaction() as session:
        from annotator.store import annotations

        stored = annotations.of_document(session, doc.uuid)
    project.close()
    uuids = [a.uuid for a in stored]
    expected = writers * saves
    ok = len(stored) == expected and len(set(uuids)) == len(uuids) and not errors
    return {
        "saves_per_s": expected / elapsed,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "median_ms": statistics.median(latencies),
        "detail": (
            f"{writers} processes x {saves} saves: {len(stored)} stored (expected {expected}), "
            f"{len(uuids) - len(set(uuids))} duplicated, {len(errors)} errors"
            + (f" (first: {errors[0]})" if errors else "")
            + ("" if ok else " — CHECK FAILED")
        ),
    }


@cache
def _pg() -> dict[str, float | str]:
    import psycopg

    name = f"annotator_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name, 20, 500)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@cache
def _sqlite() -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as tmp:
        return _run(str(Path(tmp) / "team.sqlite"), 4, 500)


@figure("pg_20_annotators_saves_per_s", target="all 10,000 stored exactly once (issue 7: printed, not asserted)")
def pg_saves_per_s() -> Measurement:
    result = _pg()
    return Measurement(float(result["saves_per_s"]), detail=str(result["detail"]))


@figure("pg_save_p95_ms", target="printed (20 writers on the local server)")
def pg_save_p95() -> Measurement:
    result = _pg()
    return Measurement(float(result["p95_ms"]), detail=f"median {result['median_ms']:.1f} ms; {result['detail']}")


@figure("sqlite_4_writers_saves_per_s", target="all 2,000 stored exactly once, no 'database is locked'")
def sqlite_saves_per_s() -> Measurement:
    result = _sqlite()
    return Measurement(float(result["saves_per_s"]), detail=str(result["detail"]))


@figure("sqlite_save_p95_ms", target="printed (4 writers, WAL)")
def sqlite_save_p95() -> Measurement:
    result = _sqlite()
    return Measurement(float(result["p95_ms"]), detail=f"median {result['median_ms']:.1f} ms; {result['detail']}")
