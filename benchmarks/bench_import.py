"""Article import figures: a 10,000-article JSONL batch, a folder of 1,000 text files, HTML extraction rate."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from annotator.services import importing
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure

WORDS = (
    "Parliament debated the budget on Tuesday while critics warned of deep cuts to public services, "
    "and the minister said that taxes on large companies would rise by five percent next year. "
)


def _articles(count: int, repeat: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Article {i}",
            "text": f"Article {i}. " + WORDS * repeat,
            "outlet": f"Outlet {i % 12}",
            "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "url": f"https://news.example/{i}",
        }
        for i in range(count)
    ]


def _raw_floor(folder: Path, rows: list[dict[str, str]]) -> float:
    """The same rows into a documents-like table with sqlite3 executemany and one commit, in seconds."""
    conn = sqlite3.connect(folder / "raw.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE documents (id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, sha256 TEXT UNIQUE, title TEXT, "
        "text TEXT, outlet TEXT, published TEXT, source TEXT)"
    )
    start = time.perf_counter()
    conn.executemany(
        "INSERT INTO documents (uuid, sha256, title, text, outlet, published, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                str(uuid.uuid4()),
                hashlib.sha256(r["text"].encode()).hexdigest(),
                r["title"],
                r["text"],
                r["outlet"],
                r["date"],
                r["url"],
            )
            for r in rows
        ),
    )
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


@figure("import_jsonl_10k_s", target="< 10 s")
def import_jsonl_10k() -> Measurement:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = _articles(10_000, 17)
        path = folder / "articles.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
        size_mb = path.stat().st_size / 2**20
        project = Project.open(folder / "bench.sqlite")
        start = time.perf_counter()
        report = importing.import_paths(project, [path], "bench")
        value = time.perf_counter() - start
        project.close()
        assert len(report.imported) == 10_000 and not report.failed, report.summary()
        floor = _raw_floor(folder, rows)
    return Measurement(value, floor, "raw sqlite3 executemany of the same rows, s", f"{size_mb:.0f} MB JSONL")


@figure("import_folder_1k_txt_s", target="< 3 s")
def import_folder_1k_txt() -> Measurement:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        rows = _articles(1_000, 10)
        for i, row in enumerate(rows):
            (folder / f"{i:04d}.txt").write_text(f"{row['title']}\n\n{row['text']}\n", encoding="utf-8")
        project = Project.open(Path(tmp) / "bench.sqlite")
        importing.count_files([folder])  # warm the format registry and imports, as a running app has them
        start = time.perf_counter()
        report = importing.import_paths(project, [folder], "bench")
        value = time.perf_counter() - start
        project.close()
        assert len(report.imported) == 1_000 and not report.failed, report.summary()
        start = time.perf_counter()
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())]
        read = time.perf_counter() - start
        floor = read + _raw_floor(Path(tmp), [{**r, "text": t} for r, t in zip(rows, texts, strict=True)])
    return Measurement(value, floor, "reading the files + raw sqlite3 executemany, s", "one transaction per file")


@figure("html_articles_per_s", target="(rate; higher is better)")
def html_articles_per_s() -> Measurement:
    import lxml.html

    from annotator.formats.html import extract

    paragraphs = "".join(f"<p>{WORDS * 2} Paragraph {n}.</p>" for n in range(12))
    page = (
        "<html lang='en'><head><title>Budget row</title><meta name='author' content='A. Writer'>"
        "<meta property='og:site_name' content='News Example'></head><body>"
        "<script>" + "var tracking = {id: 1, events: []};" * 400 + "</script>"
        "<nav>" + "".join(f"<a href='/section/{n}'>Section {n}</a> " for n in range(300)) + "</nav>"
        "<div class='cookie-banner'>We use cookies. <button>Accept</button></div>"
        f"<article><h1>Budget row</h1><p class='byline'>By A. Writer</p>{paragraphs}</article>"
        "<aside><a href='/subscribe'>Subscribe</a></aside><section class='comments'>"
        + "<div class='comment'>A reader's comment.</div>" * 10
        + "</section><footer>© News Example</footer></body></html>"
    )
    count = 200
    extract(page)  # warm-up: trafilatura loads its settings on first use
    start = time.perf_counter()
    for _ in range(count):
        text, _meta = extract(page)
    value = count / (time.perf_counter() - start)
    assert "Paragraph 11" in text
    start = time.perf_counter()
    for _ in range(count):
        lxml.html.document_fromstring(page).text_content()
    floor = count / (time.perf_counter() - start)
    return Measurement(value, floor, "lxml parse + text_content only, pages/s", f"{len(page) // 1024} KB page")
