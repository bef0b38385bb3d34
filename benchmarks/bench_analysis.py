"""Analysis figures: `annotator analyze --by outlet --subtypes --bootstrap 1000` over 10,000 documents with
1,000,000 annotations, and opening the analysis window on the same project (first table and plot drawn).

The project (5 outlets, 24 months, 2,000 stories of 5 articles, claims and opinions with sub-types) is written
once with executemany and kept in the temporary folder between runs (rebuilt when absent). The floor is reading
the rows the analysis needs with sqlite3 alone, measured in the same run.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.core.model import new_uuid
from annotator.core.text import sha256_of
from annotator.services import analysis
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure

DOCUMENTS = 10_000
PER_DOCUMENT = 100
OUTLETS = ("Daily Ledger", "Harbour Courier", "Morning Star", "The Record", "Valley News")
SENTENCE = "The minister said taxes will rise by 5% next year. "  # 51 characters, 10 words
STAMP = "2026-01-02 03:04:05.000000"
CACHE = Path(tempfile.gettempdir()) / "media-annotator-bench" / "analysis-1m-v1.sqlite"


def build(path: Path) -> Path:
    """The 1 M-annotation project, from the cache when it is there."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.unlink(missing_ok=True)
    project = Project.open(partial)
    with project.transaction() as session:
        ids = project.label_ids(session)
    project.close()
    labels = [
        (ids[("claim", None)], ids[("statistical", "claim")]),
        (ids[("claim", None)], ids[("factual", "claim")]),
        (ids[("opinion", None)], ids[("loaded_language", "opinion")]),
        (ids[("opinion", None)], None),
    ]
    conn = sqlite3.connect(partial)
    conn.execute(
        "INSERT INTO annotators (uuid, name, kind, created) VALUES (?, 'bench', 'person', ?)", (new_uuid(), STAMP)
    )
    who = conn.execute("SELECT id FROM annotators WHERE name = 'bench'").fetchone()[0]
    docs, anns, frags = [], [], []
    ann_id = 0
    for d in range(1, DOCUMENTS + 1):
        text = f"Article {d}. " + SENTENCE * (30 + d % 20)
        outlet, month = OUTLETS[d % len(OUTLETS)], f"{2024 + (d // 12) % 2}-{d % 12 + 1:02d}-15"
        meta = json.dumps({"story": f"story {d // len(OUTLETS)}"})
        docs.append((d, new_uuid(), sha256_of(text), f"Article {d}", text, len(text), outlet, month, meta, STAMP))
        for k in range(PER_DOCUMENT):
            ann_id += 1
            start = 12 + (k % 30) * 51 + (k // 30) * 9
            label, sub = labels[(k + d * (d % 3)) % len(labels)]
            anns.append((ann_id, new_uuid(), d, who, label, sub, STAMP, STAMP))
            frags.append((ann_id, start, start + 22))
    conn.executemany(
        "INSERT INTO documents (id, uuid, sha256, title, text, length, encoding, newline, source, outlet, author,"
        " published, language, meta, created, version) VALUES (?, ?, ?, ?, ?, ?, 'utf-8', 'none', '', ?, '', ?,"
        " '', ?, ?, 1)",
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
    partial.rename(path)
    return path


def read_floor(path: Path) -> float:
    """sqlite3 alone reading what the analysis needs: each annotation's document, annotator, labels, attributes
    and fragment, and each document's text and fields."""
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("SELECT id, uuid, text, outlet, published, meta FROM documents").fetchall()
    conn.execute(
        'SELECT a.document_id, a.annotator_id, a.label_id, a.subtype_id, a.uuid, a.attributes, f.start, f."end" '
        "FROM annotations a JOIN fragments f ON f.annotation_id = a.id"
    ).fetchall()
    value = time.perf_counter() - start
    conn.close()
    return value


@figure("analyze_1m_annotations_s", target="<= 3 s")
def analyze_1m() -> Measurement:
    from annotator.cli.main import main

    path = build(CACHE)
    argv = ["--db", str(path), "analyze", "--by", "outlet", "--subtypes", "--bootstrap", "1000", "--json"]
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(argv)
    value = time.perf_counter() - start
    result = json.loads(out.getvalue())
    spans = sum(g["labels"]["claim"]["spans"] + g["labels"]["opinion"]["spans"] for g in result["groups"].values())
    assert spans == DOCUMENTS * PER_DOCUMENT, spans
    project = Project.open(path)
    options = analysis.AnalysisOptions(by="outlet", subtypes=True, bootstrap=1000)
    begin = time.perf_counter()
    loaded = analysis.prepare(project, options, spans=False)  # as the command does without --kwic or --report
    reading = time.perf_counter() - begin
    begin = time.perf_counter()
    analysis.run(project, options, loaded)
    computing = time.perf_counter() - begin
    project.close()
    detail = (
        f"{spans:,} spans in {DOCUMENTS:,} documents, {len(result['groups'])} outlets; of which reading the project "
        f"{reading:.2f} s (services.analysis.load_data: span counts), counting and 1,000 resamples {computing:.2f} s"
    )
    return Measurement(value, read_floor(path), "sqlite3 SELECT of the rows the analysis reads, s", detail)


@figure("analysis_window_ms", target="<= 1,500 ms to the first table and plot")
def analysis_window() -> Measurement:
    from PySide6.QtWidgets import QApplication

    from annotator.ui.analysis_view import AnalysisWindow

    path = build(CACHE)
    app = QApplication.instance() or QApplication([])
    project = Project.open(path)
    start = time.perf_counter()
    window = AnalysisWindow(project, "bench")
    window.show()
    app.processEvents()
    on_screen = (time.perf_counter() - start) * 1000
    deadline = time.perf_counter() + 120
    while window.result is None and not window.message.text():  # computed on a background thread
        if time.perf_counter() > deadline:
            raise RuntimeError("the analysis window showed no table within two minutes")
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()  # the table and plot are drawn by the handler that set the result
    value = (time.perf_counter() - start) * 1000
    rows = window.table.rowCount()
    assert rows == len(OUTLETS) and window.figure.axes, window.message.text()
    window.close()
    project.close()
    detail = f"{rows} outlets shown; the window (busy, not stalled) was on screen after {on_screen:.0f} ms"
    return Measurement(value, read_floor(path) * 1000, "sqlite3 SELECT of the same rows, ms", detail)
