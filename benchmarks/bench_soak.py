"""Soak: a long editing session through the window's undoable edits (offscreen), as a researcher works through a
corpus: 50,000 edits (add, move, relabel, delete, undo, redo) over 250 articles of about 6 KB, 200 edits each.

Per-edit cost is CPU time (time.process_time), so other processes on the machine do not count; the slowdown
compares the mean of edits 1,000-2,000 with the mean of the last 1,000. (Not the median: the kinds of edit cost
1.3 to 3 ms, so a median falls between them and jumps from one window to the next by a quarter.) Memory is the
process's resident size after a full collection, at edit 1,000 (caches and the first pages of the database warm)
and at the end.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from benchmarks.registry import Measurement, figure

SOAK_EDITS = int(os.environ.get("SOAK_EDITS", "50000"))
EDITS_PER_DOCUMENT = 200
WARM_UP = 1000
WINDOW = 1000
SENTENCES = (
    "The minister said taxes will rise by five percent next year.",
    "Critics called the plan a disgrace and a betrayal of working families.",
    "According to the agency, unemployment fell for the third month in a row.",
    "The opposition framed the budget as an attack on public services.",
    "Experts warned that the figures may be revised later this year.",
)
LABELS = ("claim", "opinion", "attribution", "framing")


@dataclass(frozen=True)
class SoakResult:
    edits: int
    documents: int
    annotations: int  # stored at the end
    rss_start_mb: float
    rss_end_mb: float
    first_ms: float  # mean CPU time per edit, edits WARM_UP .. WARM_UP + WINDOW
    last_ms: float  # mean CPU time per edit, the last WINDOW edits
    seconds: float

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb

    @property
    def slowdown_pct(self) -> float:
        return (self.last_ms - self.first_ms) / self.first_ms * 100


def _rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _article(rng: random.Random) -> str:
    return "\n\n".join(" ".join(rng.choice(SENTENCES) for _ in range(5)) for _ in range(16))  # about 6 KB


def soak(edits: int = SOAK_EDITS, seed: int = 5) -> SoakResult:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.core.model import Document
    from annotator.services import documents
    from annotator.services.project import Project
    from annotator.ui.annotation_session import AnnotationSession

    app = QApplication.instance() or QApplication([])
    rng = random.Random(seed)
    count = -(-edits // EDITS_PER_DOCUMENT)
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.open(Path(tmp) / "soak.sqlite")
        corpus = [Document(_article(rng), title=f"Article {n}") for n in range(count)]
        for doc in corpus:
            documents.add_document(project, doc, "soak")
        session = AnnotationSession(project, "soak")
        cpu: list[float] = []
        rss_start = 0.0
        started = time.perf_counter()
        for n in range(edits):
            if n % EDITS_PER_DOCUMENT == 0:
                session.open(corpus[n // EDITS_PER_DOCUMENT].uuid)
                app.processEvents()
            if n == WARM_UP:
                rss_start = _rss_mb()
            t0 = time.process_time()
            _edit(session, rng)
            cpu.append(time.process_time() - t0)
        seconds = time.perf_counter() - started
        rss_end = _rss_mb()
        stored = sum(r.annotation_count for r in documents.list_documents(project, "soak"))
        session.deleteLater()
        app.processEvents()
        project.close()
    return SoakResult(
        edits,
        count,
        stored,
        rss_start,
        rss_end,
        statistics.mean(cpu[WARM_UP : WARM_UP + WINDOW]) * 1000,
        statistics.mean(cpu[-WINDOW:]) * 1000,
        seconds,
    )


def _edit(session, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """One edit as a researcher makes them: mostly new spans, some moved or relabelled, some deleted or undone."""
    from dataclasses import replace

    from annotator.core.model import Fragment

    text = session.document.text
    mine = list(session.annotations.values())
    choice = rng.random()
    if choice < 0.1 and session.history.can_undo():
        session.history.undo()
    elif choice < 0.15 and session.history.can_redo():
        session.history.redo()
    elif choice < 0.55 or len(mine) < 5:
        start = rng.randrange(len(text) - 60)
        session.add(rng.choice(LABELS), None, Fragment(start, start + rng.randrange(3, 60)))
    elif choice < 0.75:
        ann = rng.choice(mine)
        start = rng.randrange(len(text) - 60)
        session.update(ann, replace(ann, fragments=(Fragment(start, start + rng.randrange(3, 60)),)), "Move")
    elif choice < 0.85:
        ann = rng.choice(mine)
        session.relabel(ann, rng.choice([label for label in LABELS if label != ann.label]))
    else:
        session.delete(rng.choice(mine))


@cache  # two figures, one run
def _soak_once() -> SoakResult:
    return soak()


@figure("soak_rss_growth_mb", target="< 50 MB over 50,000 edits")
def soak_rss_growth() -> Measurement:
    r = _soak_once()
    detail = (
        f"{r.edits:,} edits over {r.documents} documents in {r.seconds:.0f} s, {r.annotations:,} annotations "
        f"stored; resident {r.rss_start_mb:.0f} MB at edit {WARM_UP:,}, {r.rss_end_mb:.0f} MB at the end"
    )
    return Measurement(r.growth_mb, detail=detail)


@figure("soak_slowdown_pct", target="< 20 %")
def soak_slowdown() -> Measurement:
    r = _soak_once()
    detail = f"mean CPU per edit {r.first_ms:.2f} ms (edits 1,000-2,000) -> {r.last_ms:.2f} ms (last 1,000)"
    return Measurement(r.slowdown_pct, detail=detail)
