"""The command line as a user runs it: real processes, real exit codes, data under $XDG_DATA_HOME."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env_home: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(env_home / "data"), "XDG_CONFIG_HOME": str(env_home / "config")}
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--as", "tester", *args], capture_output=True, text=True, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


def test_import_then_list_shows_the_document_with_its_hash(tmp_path) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(b"Minister resigns\r\n\r\nThe minister resigned on Friday.\r\n")
    out = run("import", str(article), env_home=tmp_path)
    assert "1 imported, 0 duplicates skipped, 0 failed" in out.stdout
    listed = json.loads(run("list", "--json", env_home=tmp_path).stdout)
    assert [d["title"] for d in listed] == ["Minister resigns"]
    assert listed[0]["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert (tmp_path / "data" / "media-annotator" / "project.sqlite").exists()


def test_duplicates_and_failures_are_summarised(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Same words.")
    (tmp_path / "b.txt").write_text("Same words.")
    (tmp_path / "c.txt").write_bytes(b"")
    out = run(
        "import",
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "c.txt"),
        env_home=tmp_path,
        check=False,
    )
    assert out.returncode == 1
    assert "1 imported, 1 duplicates skipped, 1 failed" in out.stdout
    assert f"failed: {tmp_path / 'c.txt'}: the file is empty" in out.stdout


def test_show_prints_text_and_annotations_as_json(tmp_path) -> None:
    from annotator.services.samples import samples_path

    run("import", str(samples_path()), env_home=tmp_path)
    shown = json.loads(
        run("show", "Refugee housing plan splits Riverside residents", "--json", env_home=tmp_path).stdout
    )
    assert shown["text"].startswith("Refugee housing plan splits Riverside residents\r\n")
    for ann in shown["annotations"]:
        assert ["".join(shown["text"][s:e]) for s, e in ann["fragments"]] == ann["text"]
    assert {a["annotator"] for a in shown["annotations"]} == {"alice", "bob"}


def test_user_errors_are_one_line_without_traceback(tmp_path) -> None:
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello " * 100)
    out = run("--db", str(not_db), "list", env_home=tmp_path, check=False)
    assert out.returncode == 2
    assert (
        out.stderr.strip() == f"annotator: {not_db} is not a database file (it does not start with the SQLite header)"
    )
    out = run("show", "nope", env_home=tmp_path, check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "no document matches 'nope'" in out.stderr


def test_db_backup_and_check(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    run("import", str(tmp_path / "a.txt"), env_home=tmp_path)
    out = run("db", "backup", "--to", str(tmp_path / "bk"), env_home=tmp_path)
    assert out.stdout.startswith("backup written to ") and len(list((tmp_path / "bk").iterdir())) == 1
    assert run("db", "check", env_home=tmp_path).stdout.strip() == "ok"
    assert "current schema" in run("db", "upgrade", env_home=tmp_path).stdout


def test_export_native_jsonl_round_trips(tmp_path) -> None:
    from annotator.services.samples import samples_path

    run("import", str(samples_path()), env_home=tmp_path)
    out = tmp_path / "out.jsonl"
    assert (
        "5 documents, 71 annotations" in run("export", "--format", "jsonl", "--out", str(out), env_home=tmp_path).stdout
    )
    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    original = [json.loads(line) for line in samples_path().read_text(encoding="utf-8").splitlines()]
    key = lambda a: a["id"]  # noqa: E731
    for mine, theirs in zip(sorted(again, key=key), sorted(original, key=key), strict=True):
        assert mine["text"] == theirs["text"]
        assert sorted(mine["annotations"], key=key) == sorted(theirs["annotations"], key=key)


@pytest.mark.parametrize("command", [[], ["import"], ["db"]])
def test_help_everywhere(tmp_path, command) -> None:
    out = run(*command, "--help", env_home=tmp_path)
    assert out.stdout.startswith("usage: annotator")
