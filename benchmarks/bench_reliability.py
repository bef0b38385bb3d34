"""Reliability figures: edits lost when the app is killed, fuzzed imports, and a long editing session."""

from __future__ import annotations

import tempfile
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
