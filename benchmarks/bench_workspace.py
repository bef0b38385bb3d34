"""Workspace figures (offscreen Qt): open a 1.3 MB article with 10,000 annotations, add one, switch, start up."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.model import Annotation, Document, Fragment  # noqa: E402
from annotator.services import documents, samples  # noqa: E402
from annotator.services.annotating import store_annotation  # noqa: E402
from annotator.services.project import Project  # noqa: E402
from benchmarks.registry import Measurement, figure  # noqa: E402

LABELS = [("claim", "statistical"), ("opinion", "loaded_language"), ("attribution", "source"), ("framing", "economic")]


def article(paragraphs: int, paragraph_chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = "the minister said taxes will rise sharply while critics warned of cuts to public services 😀 é".split()
    out = []
    for _ in range(paragraphs):
        para = []
        while sum(len(w) + 1 for w in para) < paragraph_chars:
            para.append(rng.choice(words))
        out.append(" ".join(para))
    return "\r\n".join(out)


@cache
def large_project() -> tuple[Project, str, list[str]]:
    """A project with the 1.3 MB, 2,000-paragraph article carrying 10,000 annotations, plus a few small ones."""
    folder = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
    project = Project.open(folder / "bench.sqlite")
    text = article(2000, 650)
    doc = Document(text, title="Large article")
    rng = random.Random(2)
    with project.transaction() as session:
        documents.add_document(project, doc, "bench", session)
        for i in range(10_000):
            start = rng.randrange(0, len(text) - 200)
            label, subtype = LABELS[i % 4]
            ann = Annotation(doc.uuid, "bench", label, (Fragment(start, start + rng.randrange(5, 120)),), subtype)
            store_annotation(project, session, ann, "bench")
    samples.load_samples(project, "bench")
    small = [r.uuid for r in documents.list_documents(project) if r.uuid != doc.uuid]
    return project, doc.uuid, small


def window_for(project: Project):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from annotator.settings import Settings
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(project, Settings(annotator="bench"))
    window.show()
    app.processEvents()
    return window


def open_and_paint(window, uuid: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    window.open_document(uuid)
    window.reader.view.viewport().repaint()
    return (time.perf_counter() - start) * 1000


@figure("open_large_document_ms", target="< 150 ms to first paint (1.3 MB, 2,000 paragraphs, 10,000 annotations)")
def open_large_document() -> Measurement:
    project, uuid, small = large_project()
    window = window_for(project)
    times = []
    for _ in range(3):
        window.open_document(small[0])
        times.append(open_and_paint(window, uuid))
    window.close()
    return Measurement(min(times), detail=f"runs: {', '.join(f'{t:.0f}' for t in times)} ms")


@figure("add_annotation_ms", target="< 10 ms, saved and repainted, on the large document")
def add_annotation() -> Measurement:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    project, uuid, _ = large_project()
    window = window_for(project)
    window.open_document(uuid)
    view = window.reader.view
    times = []
    for i in range(30):
        view.select_range(1000 + i * 40, 1010 + i * 40)
        start = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_C)
        view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    window.close()
    times.sort()
    return Measurement(times[len(times) // 2], detail=f"median of 30; max {times[-1]:.1f} ms")


@figure("switch_document_ms", target="< 100 ms between typical 5-20 KB articles")
def switch_document() -> Measurement:
    project, _, small = large_project()
    folder = Path(tempfile.mkdtemp(prefix="bench-switch-"))
    project = Project.open(folder / "switch.sqlite")
    uuids = []
    for i in range(6):
        doc = Document(article(30, 400, seed=10 + i), title=f"Article {i}")  # about 12 KB
        documents.add_document(project, doc, "bench")
        uuids.append(doc.uuid)
    window = window_for(project)
    times = [open_and_paint(window, uuids[i % 6]) for i in range(24)]
    window.close()
    times.sort()
    return Measurement(times[len(times) // 2], detail=f"median of 24 switches; max {times[-1]:.1f} ms")


@figure("open_single_paragraph_300kb_ms", target="usable; report the figure")
def open_single_paragraph() -> Measurement:
    folder = Path(tempfile.mkdtemp(prefix="bench-onepara-"))
    project = Project.open(folder / "one.sqlite")
    doc = Document(article(1, 300_000), title="One paragraph")
    documents.add_document(project, doc, "bench")
    window = window_for(project)
    times = [open_and_paint(window, doc.uuid) for _ in range(2)]
    window.close()
    return Measurement(min(times))


@figure("startup_ms", target="< 1,500 ms to a usable window")
def startup() -> Measurement:
    """A fresh interpreter: imports, QApplication, opening the project, the main window shown."""
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    script = (
        "import time; t=time.perf_counter();"
        "from PySide6.QtWidgets import QApplication; app=QApplication([]);"
        "from annotator.services.project import Project; from annotator.settings import Settings;"
        "from annotator.ui.main_window import MainWindow;"
        f"w=MainWindow(Project.open({str(folder / 'p.sqlite')!r}), Settings(annotator='bench')); w.show();"
        "app.processEvents(); print((time.perf_counter()-t)*1000)"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)  # first run creates the db
    runs = [
        float(
            subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout
        )
        for _ in range(3)
    ]
    return Measurement(min(runs), detail=f"runs: {', '.join(f'{t:.0f}' for t in runs)} ms")
