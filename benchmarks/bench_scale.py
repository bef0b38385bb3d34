"""A researcher's scale: 100,000 articles of 2-5 KB each (generated once, cached between runs): full-text search,
opening the project in the window, and filtering the navigator.

The corpus is a SQLite project under ~/.cache/media-annotator-bench (ANNOTATOR_BENCH_CACHE moves it), made
through the import path (documents, a few annotations and statuses, each logged); building it takes a few
minutes the first time.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from functools import cache
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.listing import DocumentFilter  # noqa: E402
from annotator.core.model import Annotation, Document, Fragment, Status  # noqa: E402
from annotator.formats.registry import DocumentBundle  # noqa: E402
from annotator.services import documents  # noqa: E402
from annotator.services.bulk_storing import store_annotated  # noqa: E402
from annotator.services.importing import ImportReport  # noqa: E402
from annotator.services.project import Project  # noqa: E402
from annotator.services.search import search  # noqa: E402
from benchmarks.registry import Measurement, figure, median_ms  # noqa: E402

ARTICLES = 100_000
CORPUS_VERSION = 3  # 3: built at schema 0003 (full-text search after boilerplate)
QUERY = "harbour strike"  # two words: each in a few percent of the articles, both together in fewer
OUTLETS = [
    f"{town} {kind}"
    for town in ("Northfield", "Riverside", "Civic", "Harbour", "Morning")
    for kind in ("Courier", "Ledger", "Post", "Daily", "Tribune", "Herald", "Gazette", "Observer")
]
COMMON = (
    "the of and to in a is that for on was with as by at from his her it said be has have an are were which this "
    "but not they their after who also its been more than would new one year people government minister council "
    "city police report week state public plan told two last could over about first into time other health school"
).split()
TOPICS = (
    "harbour strike ferry budget tax climate flood housing rent transit union election court protest hospital "
    "teachers farmers energy wind solar fishing tourism crime bridge airport railway museum library festival"
).split()


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    made = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(30_000)}
    return sorted(made)


def _article(rng: random.Random, vocabulary: list[str], topics: list[str]) -> str:
    """2-5 KB of sentences: common words, a long tail of rarer ones (Zipf-like), and the article's topics."""
    size = rng.randint(2000, 5000)
    paragraphs, length = [], 0
    while length < size:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = []
            for _ in range(rng.randint(8, 24)):
                pick = rng.random()
                if pick < 0.55:
                    words.append(rng.choice(COMMON))
                elif pick < 0.62:
                    words.append(rng.choice(topics))
                else:
                    words.append(vocabulary[min(int(rng.paretovariate(0.7)) - 1, len(vocabulary) - 1)])
            sentences.append(" ".join(words).capitalize() + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def cache_folder() -> Path:
    return Path(os.environ.get("ANNOTATOR_BENCH_CACHE", Path.home() / ".cache" / "media-annotator-bench"))


def build(path: Path, articles: int = ARTICLES) -> None:
    """The corpus, through the import path in batches of 2,000: every 20th article gets annotations by alice,
    every 10th a status."""
    rng = random.Random(16)
    vocabulary = _vocabulary(rng)
    start_day = date(2021, 1, 1)
    project = Project.open(path, creator="bench")
    labels = [("claim", "statistical"), ("opinion", "loaded_language"), ("framing", "economic")]
    for first in range(0, articles, 2000):
        bundles = []
        for i in range(first, min(first + 2000, articles)):
            topics = rng.sample(TOPICS, 3)
            text = _article(rng, vocabulary, topics)
            day = start_day + timedelta(days=rng.randrange(1460))
            doc = Document(
                text,
                title=" ".join(w.capitalize() for w in (*topics[:2], *rng.sample(COMMON, 3))),
                outlet=OUTLETS[i % len(OUTLETS)],
                published=day.isoformat(),
            )
            notes = []
            if i % 20 == 0:
                for _ in range(rng.randint(1, 8)):
                    a = rng.randrange(0, len(text) - 60)
                    label, sub = rng.choice(labels)
                    notes.append(Annotation(doc.uuid, "alice", label, (Fragment(a, a + rng.randint(5, 50)),), sub))
            status = {"alice": Status.DONE if i % 20 == 0 else Status.IN_PROGRESS} if i % 10 == 0 else {}
            bundles.append(DocumentBundle(doc, notes, [], status))
        with project.transaction() as session:
            store_annotated(project, session, bundles, "bench", ImportReport())
    project.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    conn.close()


@cache
def corpus() -> Path:
    """The cached 100,000-article project, built on first use."""
    path = cache_folder() / f"scale-{ARTICLES}-v{CORPUS_VERSION}.sqlite"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in path.parent.glob(partial.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        build(partial)
        partial.rename(path)
        print(f"(built {path} in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return path


@figure("search_100k_docs_ms", "<= 50 ms")
def search_100k_docs() -> Measurement:
    project = Project.open(corpus())
    hits = search(project, QUERY)  # warm: the first query reads the index from disk
    value = median_ms(lambda: search(project, QUERY), 15)
    with sqlite3.connect(corpus()) as conn:  # the floor: FTS5 alone, ranking only (no passages, no Python)

        def raw() -> object:
            sql = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT 50"
            return conn.execute(sql, ('"harbour" AND "strike"',)).fetchall()

        floor = median_ms(raw, 15)
        matched = conn.execute(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", ('"harbour" AND "strike"',)
        ).fetchone()[0]
    conn.close()
    project.close()
    detail = f"{len(hits)} hits with passages, of {matched:,} articles matching both words"
    return Measurement(value, floor, "raw FTS5 top-50 by bm25 rank, no passages", detail)


@figure("navigator_filter_100k_ms", "<= 100 ms")
def navigator_filter_100k() -> Measurement:
    project = Project.open(corpus())
    chosen = DocumentFilter(outlet=OUTLETS[3], date_from=date(2023, 1, 1), date_to=date(2023, 6, 30))

    def apply() -> int:  # what the navigator does: the ordered ids, then its first page of rows
        ids = documents.find_documents(project, chosen, "alice")
        documents.summaries_of(project, ids[:500], "alice")
        return len(ids)

    found = apply()
    value = median_ms(apply, 15)
    with sqlite3.connect(corpus()) as conn:

        def raw() -> object:
            sql = "SELECT id FROM documents WHERE outlet = ? AND published >= ? AND published < ? ORDER BY title"
            return conn.execute(sql, (OUTLETS[3], "2023-01-01", "2023-07-01")).fetchall()

        floor = median_ms(raw, 15)
    conn.close()
    project.close()
    return Measurement(value, floor, "raw SQL of the same filter, ids only", f"{found:,} of {ARTICLES:,} articles")


LAUNCH = """
import sys, time
started = float(sys.argv[2])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.settings import Settings
from annotator.ui import app as annotator_app
bench = annotator_app.launch(Settings(annotator="alice"), given=sys.argv[1])
window = bench.window
while window.navigator.model.rowCount() == 0 or not window.isVisible():
    app.processEvents()
app.processEvents()  # the first rows painted
shown = time.time()
counted = window.progress_label.text()
print(f"{(shown - started) * 1000:.0f} {window.navigator.model.rowCount()} {counted!r}")
"""

BARE = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.show(); app.processEvents()
print(f"{(time.time() - started) * 1000:.0f}")
"""


@figure("open_project_100k_docs_ms", "<= 2,000 ms")
def open_project_100k_docs() -> Measurement:
    """From starting the app's process on the project to the navigator showing its first rows."""
    path = str(corpus())
    home = tempfile.mkdtemp(prefix="bench-scale-home-")
    env = {**os.environ, "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home, "XDG_STATE_HOME": home}
    runs, floors, detail = [], [], ""
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", LAUNCH, path, repr(time.time())], capture_output=True, text=True, env=env
        )
        if out.returncode:
            raise RuntimeError(out.stderr)
        ms, rows, counted = out.stdout.split(" ", 2)
        runs.append(float(ms))
        detail = f"{rows} rows shown; progress label at that moment: {counted.strip()}"
        bare = subprocess.run([sys.executable, "-c", BARE, repr(time.time())], capture_output=True, text=True)
        floors.append(float(bare.stdout))
    runs.sort()
    floors.sort()
    return Measurement(runs[1], floors[1], "python + Qt + an empty window shown", detail)
