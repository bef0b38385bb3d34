"""Crash safety: kill an editing process at random moments and check nothing it was told was saved is lost.

Used by tests/crash/test_crash_safety.py (a few kills) and benchmarks/bench_reliability.py (100 kills).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Document
from annotator.services import documents
from annotator.services.project import Project

ROOT = Path(__file__).resolve().parents[2]
TEXT = "The minister said taxes will rise, and critics called the plan a disgrace. " * 40


@dataclass
class CrashReport:
    runs: int = 0
    reported_edits: int = 0  # edits the killed processes had been told were saved
    lost_edits: list[str] = field(default_factory=list)  # annotation uuids whose saved state is not in the file
    problems: list[str] = field(default_factory=list)  # integrity or change-log disagreements


def make_project(path: Path) -> str:
    project = Project.open(path)
    doc = Document(TEXT, title="Crash test")
    documents.add_document(project, doc, "crash")
    project.close()
    return doc.uuid


def run_once(path: Path, document: str, out: Path, seed: int, rng: random.Random) -> None:
    """Start the editor, let it edit for a random while, then SIGKILL it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash.editor_process", str(path), document, str(len(TEXT)), str(seed), str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    start = out.stat().st_size if out.exists() else 0
    while time.monotonic() < deadline and child.poll() is None:
        if out.exists() and b"READY" in out.read_bytes()[start:]:
            break
        time.sleep(0.01)
    if child.poll() is not None:
        raise RuntimeError(f"the editor stopped by itself: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    time.sleep(rng.choice([0.0, rng.uniform(0.001, 0.05), rng.uniform(0.05, 0.4), rng.uniform(0.2, 1.0)]))
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()  # type: ignore[union-attr]


def expected_states(out: Path) -> tuple[dict[str, tuple[str, str] | None], set[str], int]:
    """What the editors were told was saved: uuid -> (label, fragments) or None (deleted); plus the uuids of an
    edit that had begun but not returned when the process was killed (either state is right for those)."""
    saved: dict[str, tuple[str, str] | None] = {}
    in_flight: set[str] = set()
    reported = 0
    pending: str | None = None
    for line in out.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0] == "READY":
            if pending:
                in_flight.add(pending)  # the previous process died inside this edit
            pending = None
        elif parts[0] == "BEGIN":
            pending = parts[1]
        elif parts[0] in ("HAS", "GONE") and len(parts) >= 2:
            if parts[0] == "HAS" and len(parts) < 4:
                continue  # a line cut short by the kill was never fully reported
            saved[parts[1]] = (parts[2], parts[3]) if parts[0] == "HAS" else None
            in_flight.discard(parts[1])
            reported += 1
            pending = None
    if pending:
        in_flight.add(pending)
    return saved, in_flight, reported


def database_states(path: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT a.uuid, l.name, group_concat(f.start || '-' || f.end, ',') FROM annotations a "
            "JOIN labels l ON l.id = a.label_id JOIN fragments f ON f.annotation_id = a.id GROUP BY a.id"
        ).fetchall()
    finally:
        conn.close()
    return {uuid: (label, frags) for uuid, label, frags in rows}


def check_file(path: Path) -> list[str]:
    """PRAGMA integrity_check, and the change log agreeing with the annotation tables."""
    conn = sqlite3.connect(path)
    try:
        problems = [f"integrity: {v}" for (v,) in conn.execute("PRAGMA integrity_check") if v != "ok"]
        last: dict[str, tuple[str, str | None]] = {}
        for entity, uuid, action, after in conn.execute(
            "SELECT entity, entity_uuid, action, after FROM change_log WHERE entity IN ('annotation', 'import') "
            "ORDER BY id"
        ):
            if entity == "import":  # one entry per document, listing the annotations an import added
                last.update((added, ("import", None)) for added in json.loads(after)["annotations"])
            else:
                last[uuid] = (action, after)
    finally:
        conn.close()
    stored = database_states(path)
    for uuid, (label, frags) in stored.items():
        entry = last.get(uuid)
        if entry is not None and entry[0] == "import":
            continue  # the row is the record of an imported annotation
        if entry is None or entry[0] == "delete" or entry[1] is None:
            problems.append(f"annotation {uuid} is stored but its last log entry is {entry and entry[0]}")
            continue
        logged = json.loads(entry[1])
        logged_frags = ",".join(f"{s}-{e}" for s, e in logged["fragments"])
        if (logged["label"], logged_frags) != (label, frags):
            problems.append(f"annotation {uuid}: stored {label} {frags}, logged {logged['label']} {logged_frags}")
    for uuid, (action, _after) in last.items():
        if action != "delete" and uuid not in stored:
            problems.append(f"annotation {uuid} is missing but its last log entry is {action}")
    return problems


def lost_edits(path: Path, out: Path) -> tuple[list[str], int]:
    saved, in_flight, reported = expected_states(out)
    stored = database_states(path)
    lost = []
    for uuid, state in saved.items():
        if uuid in in_flight:
            continue
        if stored.get(uuid) != (tuple(state) if state else None):
            lost.append(uuid)
    return lost, reported


def crash_runs(folder: Path, runs: int, seed: int = 1) -> CrashReport:
    """Kill an editor `runs` times on one project file; check the file after every kill."""
    rng = random.Random(seed)
    path, out = folder / "crash.sqlite", folder / "edits.log"
    document = make_project(path)
    report = CrashReport()
    for n in range(runs):
        run_once(path, document, out, seed * 1000 + n, rng)
        report.runs += 1
        report.problems += [f"after kill {n + 1}: {p}" for p in check_file(path)]
        lost, report.reported_edits = lost_edits(path, out)
        report.lost_edits = lost
    return report
