"""Reliability figures: edits lost when the app is killed, fuzzed imports, and a long editing session."""

from __future__ import annotations

import gc
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.registry import Measurement, figure

CRASH_RUNS = 100


def _crash() -> tuple[int, int, int, list[str]]:
    from tests.crash.harness import crash_runs

    with tempfile.TemporaryDirectory() as tmp:
        report = crash_runs(Path(tmp), CRASH_RUNS, seed=2024)
    return report.runs, len(report.lost_edits), report.reported_edits, report.problems


_crash_result: tuple[int, int, int, list[str]] | None = None


def _crash_once() -> tuple[int, int, int, list[str]]:
    global _crash_result
    if _crash_result is None:
        _crash_result = _crash()
    return _crash_result


@figure("crash_runs", target="100 (SIGKILL at random moments)")
def crash_runs_figure() -> Measurement:
    runs, _lost, edits, problems = _crash_once()
    detail = f"{edits} edits reported saved; integrity/change-log problems: {len(problems)}"
    return Measurement(runs, detail=detail + (f" (first: {problems[0]})" if problems else ""))


@figure("crash_lost_edits", target="0")
def crash_lost_edits_figure() -> Measurement:
    _runs, lost, edits, _problems = _crash_once()
    return Measurement(lost, detail=f"of {edits} edits the killed processes had been told were saved")


# -- fuzzing every importer -------------------------------------------------------------------------------

FUZZ_CASES = int(os.environ.get("FUZZ_CASES", "10000"))
_fuzz_result = None


def _fuzz_once():  # type: ignore[no-untyped-def]
    global _fuzz_result
    if _fuzz_result is None:
        from tests.fuzz.cases import Fuzzer

        with tempfile.TemporaryDirectory() as tmp:
            fuzzer = Fuzzer(Path(tmp), seed=3)
            started = time.perf_counter()
            for _ in range(FUZZ_CASES):
                fuzzer.case()
            fuzzer.close()
            _fuzz_result = (fuzzer.result, time.perf_counter() - started)
    return _fuzz_result


@figure("fuzz_cases", target="10,000+ (every importer, generated bad input)")
def fuzz_cases() -> Measurement:
    result, seconds = _fuzz_once()
    detail = (
        f"{result.rejected} rejected with a clear error naming the file, {result.accepted} still valid; "
        f"{len(result.crashes)} other exceptions, {len(result.unclear)} unclear errors; {seconds:.0f} s"
    )
    return Measurement(result.cases, detail=detail)


@figure("fuzz_db_changes", target="0")
def fuzz_db_changes() -> Measurement:
    result, _ = _fuzz_once()
    return Measurement(len(result.db_changes), detail="rejected files that changed the database (iterdump compared)")


# -- soak: a long editing session through the GUI's command layer ------------------------------------------

SOAK_EDITS = int(os.environ.get("SOAK_EDITS", "50000"))


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak(edits: int = SOAK_EDITS, seed: int = 5) -> tuple[float, float, int, float]:
    """(RSS growth MB, slowdown % from the first to the last thousand edits, edits, seconds), offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dataclasses import replace

    from PySide6.QtWidgets import QApplication

    from annotator.core.model import Document, Fragment
    from annotator.services import documents
    from annotator.services.project import Project
    from annotator.ui.annotation_session import AnnotationSession

    app = QApplication.instance() or QApplication([])
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.open(Path(tmp) / "soak.sqlite")
        text = "The minister said taxes will rise, and critics called the plan a disgrace. " * 1500
        doc = Document(text, title="Soak")
        documents.add_document(project, doc, "soak")
        session = AnnotationSession(project, "soak")
        session.open(doc.uuid)
        labels = ("claim", "opinion", "attribution", "framing")
        times: list[float] = []
        rss_start = 0.0
        started = time.perf_counter()
        for n in range(edits):
            if n == 1000:
                gc.collect()
                rss_start = _rss_mb()  # after warm-up: caches, the first pages of the database
            t0 = time.perf_counter()
            mine = session.annotations
            choice = rng.random()
            if choice < 0.1 and session.undo_stack.canUndo():
                session.undo_stack.undo()
            elif choice < 0.15 and session.undo_stack.canRedo():
                session.undo_stack.redo()
            elif choice < 0.55 or len(mine) < 20:
                start = rng.randrange(len(text) - 40)
                session.add(rng.choice(labels), None, Fragment(start, start + rng.randrange(3, 40)))
            elif choice < 0.85:
                ann = mine[rng.choice(list(mine))]
                start = rng.randrange(len(text) - 40)
                after = replace(ann, fragments=(Fragment(start, start + rng.randrange(3, 40)),))
                session.update(ann, after, "Move")
            else:
                session.delete(mine[rng.choice(list(mine))])
            times.append(time.perf_counter() - t0)
            if n % 500 == 0:
                app.processEvents()
        seconds = time.perf_counter() - started
        gc.collect()
        growth = _rss_mb() - rss_start
        first = statistics.mean(times[1000:2000])
        last = statistics.mean(times[-1000:])
        session.deleteLater()
        project.close()
    return growth, (last - first) / first * 100, edits, seconds


_soak_result: tuple[float, float, int, float] | None = None


def _soak_once() -> tuple[float, float, int, float]:
    global _soak_result
    if _soak_result is None:
        _soak_result = soak()
    return _soak_result


@figure("soak_rss_growth_mb", target="< 50 MB over 50,000 edits")
def soak_rss_growth() -> Measurement:
    growth, _slowdown, edits, seconds = _soak_once()
    return Measurement(growth, detail=f"{edits} edits through the undo commands in {seconds:.0f} s (from edit 1,000)")


@figure("soak_slowdown_pct", target="< 20 %")
def soak_slowdown() -> Measurement:
    _growth, slowdown, edits, _seconds = _soak_once()
    return Measurement(slowdown, detail="mean time of the last 1,000 edits against edits 1,000-2,000")
