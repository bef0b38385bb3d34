"""Reliability figures: edits lost when the app is killed, and fuzzed imports (the long session: bench_soak.py)."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from functools import cache
from pathlib import Path

from benchmarks.registry import Measurement, figure

CRASH_RUNS = 100


@cache  # two figures, one run
def _crash_once() -> tuple[int, int, int, list[str]]:
    from tests.crash.harness import crash_runs

    with tempfile.TemporaryDirectory() as tmp:
        report = crash_runs(Path(tmp), CRASH_RUNS, seed=2024)
    return report.runs, len(report.lost_edits), report.reported_edits, report.problems


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


@cache  # two figures, one run
def _fuzz_once():  # type: ignore[no-untyped-def]
    from tests.fuzz.cases import Fuzzer

    # pypdf logs a warning for each odd font encoding in a broken PDF: thousands of lines around the figures
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        fuzzer = Fuzzer(Path(tmp), seed=3)
        started = time.perf_counter()
        for _ in range(FUZZ_CASES):
            fuzzer.case()
        fuzzer.close()
        return fuzzer.result, time.perf_counter() - started


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
