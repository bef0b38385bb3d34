"""A locked or read-only database gives one clear message and changes nothing."""

import sqlite3

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from tests.store.faults import read_only


def test_locked_database_gives_a_clear_error_and_keeps_data(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    doc = Document("A short text about taxes.")
    documents.add_document(project, doc, "alice")
    other = sqlite3.connect(path, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")
    try:
        project.database.engine.dispose()  # new connections pick up the short timeout
        with pytest.raises(StoreError, match="locked by another program"):
            Annotating(project, "alice").create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 7),)))
    finally:
        other.rollback()
        other.close()
    assert Annotating(project, "alice").annotations(doc.uuid) == []


def test_read_only_database_gives_a_clear_error(tmp_path) -> None:
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    doc = Document("Text.")
    documents.add_document(project, doc, "alice")
    project.close()
    with read_only(path):
        ro = Project.open(path)
        with pytest.raises(StoreError, match="read-only"):
            documents.add_document(ro, Document("Other text."), "alice")
        assert [d.uuid for d in documents.list_documents(ro)] == [doc.uuid]  # reading still works
        ro.close()


def test_read_only_database_via_uri_gives_a_clear_error(tmp_path) -> None:
    """Works as root too: SQLite's own read-only mode stands in for file permissions."""
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    documents.add_document(project, Document("Text."), "alice")
    project.close()
    ro = Project.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert len(documents.list_documents(ro)) == 1
    with pytest.raises(StoreError, match="read-only"):
        documents.add_document(ro, Document("Other text."), "alice")
    assert len(documents.list_documents(ro)) == 1
