"""File › Backups: list the project's backups, make one now, restore one; and the interval backups while editing.

A restore first backs up the project as it is, so a restore can itself be undone from this window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import backups
from annotator.services.project import Project


class BackupScheduler(QObject):
    """Every `minutes`, if something was saved since the last backup, a verified backup; the last `keep` are kept."""

    backed_up = Signal(str)  # path of the new backup
    failed = Signal(str)  # why a backup could not be made (the app keeps working)

    def __init__(self, project: Project, minutes: int, keep: int, parent: QObject | None = None):
        super().__init__(parent)
        self.project, self.keep = project, keep
        self.dirty = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run)
        if minutes > 0 and project.database.file_path is not None:
            self.timer.start(minutes * 60_000)

    def mark_edited(self, *_args: object) -> None:
        self.dirty = True

    def run(self) -> Path | None:
        if not self.dirty:
            return None
        try:
            made = backups.make_backup(self.project, backups.INTERVAL, keep=self.keep)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
            return None
        self.dirty = False
        self.backed_up.emit(str(made))
        return made


class BackupsDialog(QDialog):
    restored = Signal(str)  # the backup restored; the window reloads what it shows

    COLUMNS = ("Made (local time)", "Kind", "Size", "File")

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Backups")
        self.resize(820, 420)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.backup_button = QPushButton("Back up &now")
        self.restore_button = QPushButton("&Restore selected…")
        self.restore_file_button = QPushButton("Restore from &file…")
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.backup_button.clicked.connect(self._on_backup_clicked)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.restore_file_button.clicked.connect(self._on_restore_file_clicked)
        close.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            found = backups.list_backups(self.project)
            self.where.setText(f"Backups of {self.project.where} are kept in {backups.backup_folder(self.project)}")
        except AnnotatorError as exc:
            found = []
            self.where.setText(str(exc))
            self.backup_button.setEnabled(False)
            self.restore_file_button.setEnabled(False)
        self.backups = found
        self.table.setRowCount(len(found))
        for row, b in enumerate(found):
            cells = (b.made.astimezone().strftime("%Y-%m-%d %H:%M:%S"), b.reason, f"{b.size / 1e6:.2f} MB", str(b.path))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()].path if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def _on_backup_clicked(self) -> None:
        try:
            made = backups.make_backup(self.project, "manual")
        except AnnotatorError as exc:
            self.message.setText(f"No backup made: {exc}")
            return
        self.message.setText(f"Backed up to {made}")
        self.refresh()

    def _on_restore_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore(chosen)

    def _on_restore_file_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Backup to restore", "", "Backups (*.sqlite *.db);;All files (*)")
        if path:
            self.restore(Path(path))

    def restore(self, backup: Path, confirm: bool = True) -> bool:
        if confirm:
            answer = QMessageBox.question(
                self,
                "Restore backup",
                f"Replace the project with the backup\n{backup.name}?\n\n"
                "The project as it is now is backed up first, so this can be undone from this window.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            safety = backups.restore(self.project, backup)
        except AnnotatorError as exc:
            self.message.setText(f"Not restored: {exc}")
            return False
        self.message.setText(f"Restored {backup.name}. The project as it was is kept in {safety.name}.")
        self.refresh()
        self.restored.emit(str(backup))
        return True


def install(window, open_dialog: Callable[[], None] | None = None) -> BackupScheduler:  # type: ignore[no-untyped-def]
    """Interval backups for the main window: armed by every save, run on the settings' interval."""
    settings = window.settings
    scheduler = BackupScheduler(window.project, settings.backup_every_minutes, settings.backups_kept, window)
    window.session.saved.connect(scheduler.mark_edited)
    scheduler.failed.connect(lambda reason: window.statusBar().showMessage(f"Automatic backup failed: {reason}", 10000))
    return scheduler


def after_restore(window) -> None:  # type: ignore[no-untyped-def]
    """The database changed under the window: forget edit history and waiting edits, reload what is shown."""
    session = window.session
    session.history.clear()
    session.pending.clear()
    session.pending_changed.emit(0, "")
    window.refresh_documents()
    if session.document is None:
        return
    try:
        session.open(session.document.uuid)
    except AnnotatorError:  # the backup predates this document: show the first one it has
        window.navigator.step(1)
