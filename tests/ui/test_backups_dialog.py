"""File › Backups: list, back up now, restore (the window shows the restored data), refuse a non-backup;
and interval backups made while editing, keeping the last N."""

from PySide6.QtWidgets import QMessageBox

from annotator.services import backups
from annotator.ui.dialogs.backups_dialog import BackupScheduler, BackupsDialog, after_restore
from tests.ui.conftest import select_text


def test_back_up_now_lists_the_backup(qtbot, project) -> None:
    dialog = BackupsDialog(project)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    dialog.backup_button.click()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "manual"
    assert "Backed up to" in dialog.message.text()
    assert str(backups.backup_folder(project)) in dialog.where.text()


def test_restore_from_the_window(qtbot, window, tricky_doc, monkeypatch) -> None:
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    snapshot = backups.make_backup(window.project)
    select_text(window, "a disgrace")
    window.apply_label("opinion")
    assert len(window.session.annotations) == 2
    dialog = BackupsDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.restored.connect(lambda _p: after_restore(window))
    row = [b.path for b in dialog.backups].index(snapshot)
    dialog.table.selectRow(row)
    assert dialog.restore_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.restore_button.click()
    assert "Restored" in dialog.message.text()
    assert [a.label for a in window.session.annotations.values()] == ["claim"]
    assert window.session.history.count() == 0  # history of a state that no longer exists is dropped
    assert any(b.reason == "before-restore" for b in backups.list_backups(window.project))
    select_text(window, "a disgrace")
    window.apply_label("opinion")  # editing goes on in the restored project
    assert len(window.session.annotations) == 2


def test_restoring_a_file_that_is_not_a_backup_is_refused(qtbot, project, tmp_path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("hello")
    dialog = BackupsDialog(project)
    qtbot.addWidget(dialog)
    assert dialog.restore(notes, confirm=False) is False
    assert "Not restored" in dialog.message.text() and "not a SQLite database file" in dialog.message.text()


def test_interval_backups_only_after_edits_and_keep_the_last_n(qtbot, project) -> None:
    scheduler = BackupScheduler(project, minutes=10, keep=2)
    assert scheduler.timer.isActive() and scheduler.timer.interval() == 600_000
    assert scheduler.run() is None  # nothing saved since the last backup: no backup
    made = []
    for _ in range(4):
        scheduler.mark_edited()
        made.append(scheduler.run())
        qtbot.wait(3)
    interval = [b.path for b in backups.list_backups(project) if b.reason == backups.INTERVAL]
    assert interval == list(reversed(made[-2:]))


def test_window_arms_the_scheduler_when_an_edit_is_saved(window, tricky_doc) -> None:
    assert not window.backup_scheduler.dirty
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    assert window.backup_scheduler.dirty
    assert window.backup_scheduler.run() is not None and not window.backup_scheduler.dirty
    assert window.menus.backups_action.text() == "&Backups…"
