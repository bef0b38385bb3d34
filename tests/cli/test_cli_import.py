"""`annotator import` and `annotator collections` as a user runs them: real processes, real exit codes."""

import io
import json
import os
import subprocess
import sys

import pytest

from annotator.cli.progress import ProgressBar, print_report
from annotator.services.importing import ImportReport
from tests.cli.test_cli import run
from tests.conftest import shared_data


def test_summary_lists_duplicates_with_their_document_and_failures_with_reasons(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Minister resigns\nSame words.")
    (folder / "b.csv").write_text('title;body\nCopy;"Minister resigns\nSame words."\nFresh;Other words.\n')
    (folder / "c.pdf").write_bytes(b"%PDF-1.4\nnot really")
    (folder / "d.html").write_bytes(b"")
    out = run("import", str(folder), env_home=tmp_path, check=False)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    listed = json.loads(run("list", "--json", env_home=tmp_path).stdout)
    original = next(d["id"] for d in listed if d["title"] == "Minister resigns")
    assert f'duplicate skipped: {folder / "b.csv"}:2 (same text as document {original[:8]} "Minister resigns")' in lines
    assert any(line.startswith(f"failed: {folder / 'c.pdf'}: not a readable PDF") for line in lines)
    assert f"failed: {folder / 'd.html'}: the file is empty" in lines
    assert lines[-1] == "2 imported, 1 duplicates skipped, 2 failed"
    assert out.stderr == ""  # no progress bar when stderr is not a terminal


def test_babe_sample_with_a_mapping_into_a_collection(tmp_path) -> None:
    babe = shared_data("babe", "final_labels_SG2.sample40.csv")
    out = run(
        "import",
        str(babe),
        "--map",
        "text=text,url=news_link,title=-",
        "--collection",
        "BABE sample",
        env_home=tmp_path,
    )
    assert out.stdout.splitlines()[-2:] == [
        "collection 'BABE sample' holds the 40 documents of this import",
        "40 imported, 0 duplicates skipped, 0 failed",
    ]
    listed = json.loads(run("collections", "list", "--json", env_home=tmp_path).stdout)
    assert listed == [{"name": "BABE sample", "description": "", "documents": 40}]
    shown = json.loads(run("collections", "show", "BABE sample", "--json", env_home=tmp_path).stdout)
    assert len(shown) == 40 and shown[0]["outlet"] == "Fox News"
    doc = json.loads(run("show", shown[0]["id"], "--json", env_home=tmp_path).stdout)
    assert doc["metadata"]["label_bias"] == "Non-biased" and doc["source"].startswith("https://www.foxnews.com/")


def test_bad_mapping_is_a_clear_failure(tmp_path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("story,paper\nWords.,P\n")
    out = run("import", str(table), "--map", "text=body", env_home=tmp_path, check=False)
    assert out.returncode == 1
    assert f"failed: {table}: there is no column 'body' to map text to; the columns are: story, paper" in out.stdout
    out = run("import", str(table), "--map", "text", env_home=tmp_path, check=False)
    assert out.returncode == 2 and "--map takes field=column pairs" in out.stderr and "Traceback" not in out.stderr


def test_collections_commands(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Alpha article.")
    (tmp_path / "b.txt").write_text("Beta article.")
    run("import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), env_home=tmp_path)
    assert run("collections", "create", "left", "--description", "left outlets", env_home=tmp_path).stdout.strip() == (
        "created collection 'left'"
    )
    assert (
        "2 documents added to 'left'"
        in run("collections", "add", "left", "Alpha article.", "Beta article.", env_home=tmp_path).stdout
    )
    assert "1 documents taken out" in run("collections", "remove", "left", "Beta article.", env_home=tmp_path).stdout
    run("collections", "rename", "left", "left-leaning", env_home=tmp_path)
    out = run("collections", env_home=tmp_path).stdout
    assert "     1  left-leaning  — left outlets" in out
    again = run("collections", "create", "left-leaning", env_home=tmp_path, check=False)
    assert again.returncode == 2 and "already a collection named 'left-leaning'" in again.stderr
    run("collections", "delete", "left-leaning", env_home=tmp_path)
    assert json.loads(run("collections", "list", "--json", env_home=tmp_path).stdout) == []
    assert len(json.loads(run("list", "--json", env_home=tmp_path).stdout)) == 2  # documents stay


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_is_drawn_on_a_terminal(tmp_path) -> None:
    import pty

    (tmp_path / "in").mkdir()
    for i in range(3):
        (tmp_path / "in" / f"{i}.txt").write_text(f"Article {i}.")
    master, slave = pty.openpty()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", "--as", "t", "import", str(tmp_path / "in")],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
        text=True,
    )
    os.close(slave)
    drawn = os.read(master, 65536).decode()
    os.close(master)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("3 imported, 0 duplicates skipped, 0 failed")
    assert "[....." in drawn and "2/3" in drawn and "\r" in drawn


def test_progress_bar_and_report_printing() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, enabled=True, stream=stream)
    assert bar.update(2, "/data/folder/article.txt") is True
    bar.close()
    assert stream.getvalue().startswith("\r[###############...............] 2/4 /data/folder/article.txt")
    assert stream.getvalue().endswith("\n")
    silent = io.StringIO()
    ProgressBar(4, enabled=False, stream=silent).update(1, "x")
    assert silent.getvalue() == ""
    report = ImportReport(imported=[("a", "u1")], failed=[("b", "b: broken")], cancelled=True)
    out = io.StringIO()
    print_report(report, out=out)
    assert out.getvalue().splitlines() == [
        "failed: b: broken",
        "1 imported, 0 duplicates skipped, 1 failed; cancelled before the end",
    ]


def test_every_format_through_the_command_line(tmp_path) -> None:
    from tests.services.test_importing_articles import write_all_formats

    write_all_formats(tmp_path / "in")
    out = run("import", str(tmp_path / "in"), "--collection", "all", env_home=tmp_path)
    assert out.stdout.splitlines()[-1] == "9 imported, 0 duplicates skipped, 0 failed"
    listed = {d["title"]: d for d in json.loads(run("list", "--json", env_home=tmp_path).stdout)}
    assert listed["Web story"]["outlet"] == "The Web Times" and listed["CSV two"]["outlet"] == "Outlet B"
    shown = json.loads(run("show", listed["Word story"]["id"], "--json", env_home=tmp_path).stdout)
    assert shown["metadata"]["source_format"] == "docx" and shown["text"].startswith("Word story\n")
    assert json.loads(run("collections", "list", "--json", env_home=tmp_path).stdout)[0]["documents"] == 9
