"""Backups: made with the online backup API and verified, the last N interval ones kept, restored from the
service and the command line (after backing up the current state), and a file that is not a backup refused."""

import json
import sqlite3
import time

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment
from annotator.services import backups, documents
from annotator.services.annotating import Annotating
from tests.cli.test_cli import run


def count(path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_interval_backups_keep_the_last_n_and_never_prune_others(project) -> None:
    manual = backups.make_backup(project, "manual")
    made = []
    for _ in range(5):
        made.append(backups.make_backup(project, backups.INTERVAL, keep=3))
        time.sleep(0.002)  # distinct time stamps
    listed = backups.list_backups(project)
    interval = [b.path for b in listed if b.reason == backups.INTERVAL]
    assert interval == list(reversed(made[-3:]))  # newest first, the two oldest deleted
    assert manual in [b.path for b in listed]
    for b in listed:
        assert backups.check_backup(b.path)  # each one is a sound, openable project


def test_restore_brings_back_the_backup_and_keeps_the_current_state(sample_project) -> None:
    project = sample_project
    snapshot = backups.make_backup(project)
    doc = documents.list_documents(project)[0].uuid
    alice = Annotating(project, "alice")
    before = len(alice.annotations(doc))
    for ann in alice.annotations(doc):
        alice.delete(ann.uuid)
    safety = backups.restore(project, snapshot)
    assert len(alice.annotations(doc)) == before  # the open project reads the restored data
    assert safety.name.endswith("-before-restore.sqlite") and count(safety, "annotations") == 71 - before
    assert project.database.check() == []
    alice.create(Annotation(doc, "alice", "claim", (Fragment(0, 3),)))  # and keeps working


def test_not_a_backup_is_refused_and_the_project_untouched(project, tmp_path) -> None:
    documents.add_document(project, Document("Kept text."), "alice")
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    for bad, reason in (
        (notes, "not a SQLite database"),
        (other, "no project tables"),
        (tmp_path / "missing.sqlite", "no such backup"),
    ):
        with pytest.raises(InputError, match=reason):
            backups.restore(project, bad)
    assert len(documents.list_documents(project)) == 1
    assert backups.list_backups(project) == []  # nothing was even backed up


def test_damaged_backup_is_refused(project, tmp_path) -> None:
    snapshot = backups.make_backup(project)
    data = bytearray(snapshot.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page : page + 100] = b"\xff" * 100  # scribble over the header of the second page
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(bytes(data))
    with pytest.raises(InputError):
        backups.restore(project, damaged)


def test_cli_restore_and_list(tmp_path) -> None:
    home = tmp_path
    article = tmp_path / "a.txt"
    article.write_text("The first article.")
    run("import", str(article), env_home=home)
    out = run("db", "backup", env_home=home).stdout
    backup = out.strip().rsplit(" ", 1)[-1]
    article2 = tmp_path / "b.txt"
    article2.write_text("A second article, added after the backup.")
    run("import", str(article2), env_home=home)
    assert "1 backups" in run("db", "backups", env_home=home).stdout
    restored = run("db", "restore", backup, env_home=home)
    assert "the database as it was is kept in" in restored.stdout
    assert len(json.loads(run("list", "--json", env_home=home).stdout)) == 1
    assert "before-restore" in run("db", "backups", env_home=home).stdout
    refused = run("db", "restore", str(article), env_home=home, check=False)
    assert refused.returncode == 2 and "not a SQLite database file" in refused.stderr
    assert "Traceback" not in refused.stderr
