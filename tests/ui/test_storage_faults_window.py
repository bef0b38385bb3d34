"""Storage faults seen from the window: a clear message, the window keeps working, an unsaved edit is never
shown as saved, and it is kept and saved by a later retry."""

import contextlib

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import StoreError
from annotator.core.model import Document
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui.main_window import MainWindow
from tests import pg
from tests.store.faults import fill_disk, lock
from tests.ui.conftest import open_new_document, select_text

TEXT = "The minister said taxes will rise. Critics call it a disgrace and a betrayal of voters."


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def opened(window) -> Document:
    return open_new_document(window, TEXT, "Taxes")


def stored(project, doc) -> list[str]:
    return [a.label for a in Annotating(project, "alice").annotations(doc.uuid)]


def test_locked_database_edit_is_kept_and_saved_by_the_retry(window, opened, warnings, monkeypatch) -> None:
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    window.project.database.engine.dispose()
    release = lock(window.project.database.file_path)
    try:
        select_text(window, "taxes will rise")
        window.apply_label("claim")
        assert warnings and "locked by another program" in warnings[0] and "kept" in warnings[0]
        assert window.saved_label.text() == "Not saved"
        assert (
            window.menus.pending_label.text() == "1 edit waiting to be saved" and window.menus.pending_label.isVisible()
        )
        assert window.session.annotations == {}  # not shown as if it were saved
        select_text(window, "a disgrace")
        window.apply_label("opinion")  # the window keeps working: the next edit queues behind the first
        assert len(window.session.pending) == 2
        assert window.menus.pending_label.text() == "2 edits waiting to be saved"
    finally:
        release()
    assert window.session.retry_pending() == 0
    assert sorted(a.label for a in window.session.annotations.values()) == ["claim", "opinion"]
    assert sorted(stored(window.project, opened)) == ["claim", "opinion"]
    assert window.saved_label.text().startswith("Saved at") and not window.menus.pending_label.isVisible()
    window.session.history.undo()  # both edits entered the undo history once saved
    assert stored(window.project, opened) == ["claim"]


def test_retry_timer_saves_without_a_new_edit(qtbot, window, opened, warnings, monkeypatch) -> None:
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    window.project.database.engine.dispose()
    window.session.retry_timer.setInterval(50)
    release = lock(window.project.database.file_path)
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    assert window.session.pending
    release()
    qtbot.waitUntil(lambda: not window.session.pending, timeout=5000)
    assert stored(window.project, opened) == ["claim"]
    assert not window.session.retry_timer.isActive()


def test_full_disk_edit_is_not_shown_as_saved(window, opened, warnings) -> None:
    free = fill_disk(window.project)
    for _ in range(400):  # the file may have room left in its last pages: annotate and delete until it is full
        select_text(window, "Critics call it a disgrace")
        window.apply_label("opinion")
        if window.session.pending:
            break
        with contextlib.suppress(StoreError):
            window.session.delete(window.session.current)
        if window.session.pending:
            break
    assert window.session.pending, "the capped file never filled up"
    assert "is full" in window.menus.pending_label.toolTip()
    assert window.saved_label.text().startswith("Not saved")
    shown = set(window.session.annotations)
    assert shown == {a.uuid for a in Annotating(window.project, "alice").annotations(opened.uuid)}
    free()
    window.session.retry_pending()
    assert not window.session.pending
    assert {a.uuid for a in Annotating(window.project, "alice").annotations(opened.uuid)} == set(
        window.session.annotations
    )


def test_undo_that_cannot_be_saved_is_kept(window, opened, warnings, monkeypatch) -> None:
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    window.project.database.engine.dispose()
    release = lock(window.project.database.file_path)
    window.session.history.undo()
    assert len(window.session.pending) == 1 and window.saved_label.text() == "Not saved"
    assert len(window.session.annotations) == 1  # the view still shows what the database holds
    release()
    window.session.retry_pending()
    assert stored(window.project, opened) == [] and window.session.annotations == {}


def test_file_removed_while_open(window, opened, warnings, tmp_path) -> None:
    path = window.project.database.file_path
    aside = tmp_path / "aside"
    aside.mkdir()
    names = [p.name for p in path.parent.iterdir() if p.name.startswith(path.name)]
    for name in names:
        (path.parent / name).rename(aside / name)
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    assert "removed or moved while open" in warnings[-1]
    assert window.session.pending and window.session.annotations == {}
    for name in names:
        (aside / name).rename(path.parent / name)
    window.session.retry_pending()
    assert stored(window.project, opened) == ["claim"]


def test_read_only_database(qtbot, tmp_path, warnings) -> None:
    path = tmp_path / "ro.sqlite"
    setup = Project.open(path)
    doc = Document(TEXT)
    documents.add_document(setup, doc, "alice")
    setup.close()
    project = Project.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    win = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(win)
    win.open_document(doc.uuid)
    select_text(win, "taxes will rise")
    win.apply_label("claim")
    assert "read-only" in warnings[-1]
    assert win.session.pending and win.session.annotations == {}
    assert win.saved_label.text().startswith("Not saved")
    win.open_document(doc.uuid)  # reading still works
    assert win.session.document.uuid == doc.uuid
    project.close()


def test_a_lasting_database_refusal_is_not_kept_for_retry(window, opened, warnings, monkeypatch) -> None:
    """Only storage that refuses for now (locked, full, read-only, file gone) is retried; anything else is an
    edit that was refused, shown as not saved, and not retried for ever."""

    def refuse(_ann):
        raise StoreError("database error on p.sqlite: UNIQUE constraint failed")

    monkeypatch.setattr(window.session.service, "create", refuse)
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    assert "UNIQUE constraint failed" in warnings[-1] and window.saved_label.text() == "Not saved"
    assert window.session.pending == [] and window.session.annotations == {}


def test_a_server_that_goes_away_keeps_the_edit_and_saves_it_when_back(qtbot, pg_url, warnings) -> None:
    project = Project.open(pg_url)
    window = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(window)
    window.show()
    doc = open_new_document(window, TEXT, "Taxes")
    with pg.server_away(pg_url):
        select_text(window, "taxes will rise")
        window.apply_label("claim")
        assert warnings and "cannot reach the database server" in warnings[0] and "kept" in warnings[0]
        assert window.saved_label.text() == "Not saved" and window.session.annotations == {}
        assert window.menus.pending_label.text() == "1 edit waiting to be saved"
    assert window.session.retry_pending() == 0
    assert stored(project, doc) == ["claim"] and window.saved_label.text().startswith("Saved at")
    window.close()
    project.close()
