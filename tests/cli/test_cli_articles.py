"""`annotator import` of scraped articles and web addresses, as a user runs it: real processes, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import page_server
from tests.cli.test_cli import run

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_b9b24f8ad2796175.txt"


def shown(tmp_path: Path, title: str) -> dict:
    return json.loads(run("show", title, "--json", env_home=tmp_path).stdout)


def seed() -> Path:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent (../shared is only beside the project on the team's machines)")
    return SEED


def test_the_seed_imports_with_headline_date_outlet_and_its_furniture_marked(tmp_path) -> None:
    out = run("import", str(seed()), env_home=tmp_path)
    assert out.stdout.strip().endswith("1 imported, 0 duplicates skipped, 0 failed")
    doc = shown(tmp_path, "China Comes First: Why NATO's Office in Japan Faces Uncertainty")
    assert (doc["published"], doc["outlet"]) == ("2023-07-11", "Sputnik International")
    assert doc["text"] == SEED.read_text(encoding="utf-8")
    marked = [doc["text"][s:e] for s, e in doc["boilerplate"]]
    assert marked[0].startswith("- Sputnik International, 1920\nAnalysis") and "Subscribe" in marked[1]
    assert marked[-1].startswith("Newsfeed") and not any("Ahead of the NATO summit" in m for m in marked)
    assert doc["metadata"]["guessed"] == ["title", "published", "outlet"]


def test_keep_boilerplate_outlet_and_published_for_a_batch(tmp_path) -> None:
    run(
        "import",
        str(seed()),
        "--keep-boilerplate",
        "--outlet",
        "Sputnik",
        "--published",
        "12.07.2023",
        env_home=tmp_path,
    )
    doc = shown(tmp_path, "China Comes First: Why NATO's Office in Japan Faces Uncertainty")
    assert (doc["outlet"], doc["published"]) == ("Sputnik", "2023-07-12")
    assert doc["boilerplate"] == [] and doc["metadata"]["guessed"] == ["title"]


def test_a_bad_publication_date_is_refused_before_anything_is_read(tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Words.")
    out = run("import", str(article), "--published", "soonish", env_home=tmp_path, check=False)
    assert out.returncode == 2
    assert out.stderr.strip() == "annotator: --published: 'soonish' is not a date (try 2023-07-11)"
    assert json.loads(run("list", "--json", env_home=tmp_path).stdout) == []


def test_urls_and_url_lists_are_fetched_with_each_failure_named(tmp_path) -> None:
    # the server runs in this process; the command is another process connecting to 127.0.0.1
    with page_server.serve() as site:
        listing = tmp_path / "reading-list.txt"
        listing.write_text(f"{site}/scraped.txt\n{site}/paper.pdf\n", encoding="utf-8")
        out = run(
            "import", f"{site}/article.html", f"{site}/missing", "ftp://127.0.0.1/x", env_home=tmp_path, check=False
        )
        listed = run("import", "--url-list", str(listing), env_home=tmp_path, check=False)
    assert out.returncode == 1 and listed.returncode == 1
    assert out.stdout.splitlines() == [
        f"failed: {site}/missing: HTTP 404 Not Found",
        "failed: ftp://127.0.0.1/x: the address is ftp:; only http and https pages can be imported",
        "1 imported, 0 duplicates skipped, 2 failed",
    ]
    assert listed.stdout.splitlines() == [
        f"failed: {listing}:2: {site}/paper.pdf: a PDF, not a web page",
        "1 imported, 0 duplicates skipped, 1 failed",
    ]
    page = shown(tmp_path, "Minister resigns over tax plan")
    assert page["source"] == f"{site}/article.html" and page["outlet"] == "Daily Planet"
    assert shown(tmp_path, "Ministers Clash Over Spending Plans Before Budget Vote")["published"] == "2024-03-05"
