"""Storage faults beyond locks and read-only files: a full disk, a file removed while open, a read-only folder."""

import sqlite3

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from tests.store.faults import fill_disk, read_only

TEXT = "The minister said taxes will rise, and critics called it a disgrace. " * 20


@pytest.fixture
def doc(project) -> Document:
    document = Document(TEXT)
    documents.add_document(project, document, "alice")
    return document


def test_full_disk_gives_a_clear_error_and_keeps_every_earlier_edit(project, doc) -> None:
    service = Annotating(project, "alice")
    free = fill_disk(project)
    saved: list[str] = []
    with pytest.raises(StoreError, match="disk holding .* is full; nothing was changed"):
        for i in range(2000):  # the file may have room left in its last pages: write until it is full
            ann = Annotation(doc.uuid, "alice", "claim", (Fragment(i % 500, i % 500 + 9),), note="n" * 200)
            service.create(ann)
            saved.append(ann.uuid)
    free()
    assert sorted(a.uuid for a in service.annotations(doc.uuid)) == sorted(saved)
    assert project.database.check() == []
    service.create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 3),)))  # space again: saving works


def test_file_removed_while_open_is_refused_not_lost(tmp_path, project, doc) -> None:
    path = project.database.file_path
    service = Annotating(project, "alice")
    service.create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 3),)))
    moved = tmp_path / "moved-away.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if path.with_name(path.name + suffix).exists():
            path.with_name(path.name + suffix).rename(moved.with_name(moved.name + suffix))
    ann = Annotation(doc.uuid, "alice", "opinion", (Fragment(4, 12),))
    with pytest.raises(StoreError, match="removed or moved while open; nothing was saved"):
        service.create(ann)
    for suffix in ("", "-wal", "-shm"):
        if moved.with_name(moved.name + suffix).exists():
            moved.with_name(moved.name + suffix).rename(path.with_name(path.name + suffix))
    service.create(ann)  # the file is back: saving resumes, into the file the user sees
    project.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2


def test_file_deleted_while_open_is_refused(project, doc) -> None:
    path = project.database.file_path
    path.unlink()
    with pytest.raises(StoreError, match="removed or moved"):
        Annotating(project, "alice").create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 3),)))


def test_read_only_folder_gives_a_clear_error(tmp_path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    project = Project.open(folder / "p.sqlite")
    documents.add_document(project, Document("Text."), "alice")
    project.close()
    before = (folder / "p.sqlite").read_bytes()
    with read_only(folder):
        with pytest.raises(StoreError) as caught:
            reopened = Project.open(folder / "p.sqlite")
            documents.add_document(reopened, Document("Other."), "alice")
        assert "\n" not in str(caught.value) and "p.sqlite" in str(caught.value)
    assert (folder / "p.sqlite").read_bytes() == before


def test_new_project_in_a_read_only_location_gives_a_clear_error(tmp_path) -> None:
    """Works as root too: a 'folder' that is a file cannot hold a project."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder for .*not-a-folder/p.sqlite"):
        Project.open(blocker / "p.sqlite")
