"""The Linux app as a user gets it: dist/media-annotator/ run with every Python on the machine hidden (where root and
unshare allow), in a desktop-like environment, on temporary projects; the window shown on a real X server.

Selected with `pytest -m bundle`: builds the bundle first when it is missing or older than its sources (~2 min).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import tomllib
from contextlib import closing
from pathlib import Path

import pytest

from annotator.formats.registry import formats
from annotator.store.schema import head_revision
from tests.bundle import harness
from tests.formats.test_docx import write_docx
from tests.formats.test_html import PAGE
from tests.formats.test_pdf import write_pdf

pytestmark = pytest.mark.bundle
HIDE_PYTHON = harness.can_hide_python()


@pytest.fixture(scope="module")
def bundle() -> Path:
    if reason := harness.ensure_x_tools():
        pytest.skip(reason)
    return harness.ensure_bundle()


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        harness.bundle_command(*args, hide_python=HIDE_PYTHON),
        env=harness.clean_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"media-annotator {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def test_python_is_hidden_where_the_bundle_runs(bundle: Path, tmp_path: Path) -> None:
    if not HIDE_PYTHON:
        pytest.skip("hiding the machine's Python needs root and unshare(1)")
    for python in ("python3", str(Path(sys.base_prefix) / "bin" / "python3"), "/usr/bin/python3"):
        tried = subprocess.run(harness.without_python([python, "-c", "print('alive')"]), capture_output=True, text=True)
        assert tried.returncode != 0 and "alive" not in tried.stdout, python
    assert run(tmp_path, "--version").returncode == 0


def test_version_is_the_package_version(bundle: Path, tmp_path: Path) -> None:
    version = tomllib.loads((harness.ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(tmp_path, "--version").stdout == f"annotator {version}\n"


def test_every_file_format_is_in_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """formats/registry.py finds the format modules with pkgutil at run time; the frozen app must find them all."""
    (tmp_path / "a.txt").write_text("x")
    args = ("--db", str(tmp_path / "p.sqlite"), "import", "--format", "nosuch", str(tmp_path / "a.txt"))
    refused = run(tmp_path, *args, check=False)
    assert refused.returncode == 1 and "unknown format 'nosuch'; known: " in refused.stdout
    known = refused.stdout.split("known: ", 1)[1].splitlines()[0].split(", ")
    assert sorted(known) == sorted(f.name for f in formats()) and len(known) >= 16


def test_imports_articles_of_every_kind_into_a_new_database(bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "minister.html").write_text(PAGE, encoding="utf-8")  # trafilatura, jusText's stop lists, lxml
    crlf = "\ufeffCafé 😀 says: prices rose by 5%.\r\nשלום and e\u0301 stay as written.\r\n"
    (folder / "note.txt").write_bytes(crlf.encode("utf-8"))  # charset detection; the text is stored unaltered
    write_docx(folder / "story.docx", ["Council votes on bus fares."], title="Council vote", author="Ann")
    write_pdf(folder / "report.pdf", ["Budget row deepens\nThe minister said taxes will rise."], title="Budget row")
    db = tmp_path / "project.sqlite"
    out = run(tmp_path, "--db", str(db), "import", str(folder))
    assert out.stdout.splitlines()[-1] == "4 imported, 0 duplicates skipped, 0 failed"

    listed = json.loads(run(tmp_path, "--db", str(db), "list", "--json").stdout)
    titles = {d["title"] for d in listed}
    assert {"Minister resigns over tax plan", "Council vote", "Budget row"} <= titles and len(listed) == 4
    html = next(d for d in listed if d["title"] == "Minister resigns over tax plan")
    assert (html["outlet"], html["published"]) == ("Daily Planet", "2024-03-05")
    note = next(d for d in listed if d["title"] not in {"Minister resigns over tax plan", "Council vote", "Budget row"})
    shown = json.loads(run(tmp_path, "--db", str(db), "show", note["id"], "--json").stdout)
    assert shown["text"] == crlf and len(crlf) == note["length"]

    # the new database was stamped from the Alembic scripts shipped as files in the bundle
    assert run(tmp_path, "--db", str(db), "db", "check").stdout == "ok\n"
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]


def test_samples_and_an_export_round_trip(bundle: Path, tmp_path: Path) -> None:
    samples = harness.BUNDLE / "_internal" / "annotator" / "samples" / "samples.jsonl"
    db = tmp_path / "project.sqlite"
    assert run(tmp_path, "--db", str(db), "import", str(samples)).stdout.splitlines()[-1].startswith("5 imported")
    out = tmp_path / "out.jsonl"
    run(tmp_path, "--db", str(db), "export", "--out", str(out))  # orjson, compiled, inside the bundle
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5 and sum(len(r["annotations"]) for r in records) > 0


@pytest.mark.postgres
def test_imports_into_a_team_server_database(bundle: Path, tmp_path: Path) -> None:
    """psycopg with its compiled libpq from psycopg_binary, loaded by SQLAlchemy from the URL alone."""
    from tests import pg

    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    name = pg.unique_name("annotator_bundle")
    url = pg.create_database(name)
    try:
        (tmp_path / "a.txt").write_text("The minister said taxes will rise.")
        assert run(tmp_path, "--db", url, "import", str(tmp_path / "a.txt")).stdout.endswith(
            "1 imported, 0 duplicates skipped, 0 failed\n"
        )
        [doc] = json.loads(run(tmp_path, "--db", url, "list", "--json").stdout)
        assert doc["title"] == "The minister said taxes will rise."
        assert pg.execute(url, "SELECT count(*) FROM alembic_version") == [(1,)]
    finally:
        pg.drop_database(name)


def test_a_file_that_is_not_an_article_is_refused_and_the_database_untouched(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite"
    (tmp_path / "ok.txt").write_text("A first article.")
    run(tmp_path, "--db", str(db), "import", str(tmp_path / "ok.txt"))
    before = run(tmp_path, "--db", str(db), "list", "--json").stdout
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"%PDF-1.4\nnot really")
    refused = run(tmp_path, "--db", str(db), "import", str(fake), check=False)
    assert refused.returncode == 1 and f"failed: {fake}: not a readable PDF" in refused.stdout
    assert run(tmp_path, "--db", str(db), "list", "--json").stdout == before


def test_window_comes_up_on_a_project(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite"
    samples = harness.BUNDLE / "_internal" / "annotator" / "samples" / "samples.jsonl"
    run(tmp_path, "--db", str(db), "import", str(samples))
    harness.write_settings(tmp_path, "alice")
    with harness.virtual_display() as display:
        app = subprocess.Popen(
            harness.bundle_command("--db", str(db), hide_python=HIDE_PYTHON),
            env=harness.clean_env(tmp_path, display),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            window = harness.wait_for_window(display, "^Media Annotator", app)
            assert str(db) in harness.window_title(display, window)
            time.sleep(1.0)  # let it paint
            shot = harness.screenshot(display, tmp_path / "window.png", window)
            assert harness.colour_count(shot) > 50  # text, the label colours, widgets: not an empty frame
            assert app.poll() is None, "the app quit after showing its window"
        finally:
            app.terminate()
            app.wait(timeout=20)
    log = tmp_path / "state" / "media-annotator" / "log" / "annotator.log"
    assert not log.exists() or "unexpected error" not in log.read_text()


def test_desktop_entry_installs_and_uninstalls(bundle: Path, tmp_path: Path) -> None:
    """Into a folder whose name has a space and a dollar, as the .desktop quoting rules must survive."""
    odd = tmp_path / "My $Apps"
    odd.mkdir()
    (odd / "media-annotator").symlink_to(harness.BUNDLE, target_is_directory=True)
    env = harness.clean_env(tmp_path)
    script = odd / "media-annotator" / "install-desktop-entry.sh"
    subprocess.run([str(script)], env=env, check=True, capture_output=True)
    data = Path(env["XDG_DATA_HOME"])
    entry = data / "applications" / "media-annotator.desktop"
    validated = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert validated.returncode == 0 and validated.stdout == "", validated.stdout
    lines = entry.read_text().splitlines()
    assert f'Exec="{odd}/media-annotator/media-annotator" %f'.replace("$", "\\\\$") in lines
    assert f"TryExec={odd}/media-annotator/media-annotator" in lines and "Icon=media-annotator" in lines
    icons = sorted(p.relative_to(data).as_posix() for p in (data / "icons").rglob("media-annotator.*"))
    assert "icons/hicolor/scalable/apps/media-annotator.svg" in icons
    assert "icons/hicolor/16x16/apps/media-annotator.png" in icons and len(icons) == 9

    subprocess.run([str(script), "--uninstall"], env=env, check=True, capture_output=True)
    assert not entry.exists() and not list((data / "icons").rglob("media-annotator.*"))
