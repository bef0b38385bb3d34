"""Document › History: who changed what in the document and when, from the change log; restore a deleted
annotation, or (second tab) a deleted document with the annotations deleted with it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import history
from annotator.services.project import Project

ACTIONS = {"create": "created", "update": "changed", "delete": "deleted"}


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()


class HistoryDialog(QDialog):
    restored = Signal(str)  # document uuid whose contents came back; the window reloads it

    def __init__(self, project: Project, actor: str, document: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.actor, self.document = project, actor, document
        self.setWindowTitle("History")
        self.resize(900, 480)
        self.tabs = QTabWidget()
        self.changes = _table(("When (local time)", "Who", "What", "Action", "Details"))
        self.deleted = _table(("Deleted (local time)", "By", "Title", "Annotations"))
        self.tabs.addTab(self.changes, "This document")
        self.tabs.addTab(self.deleted, "Deleted documents")
        self.restore_button = QPushButton("&Restore")
        self.message = QLabel()
        self.message.setWordWrap(True)
        close = QPushButton("Close")
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addWidget(self.message, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        close.clicked.connect(self.accept)
        self.changes.itemSelectionChanged.connect(self._update_button)
        self.deleted.itemSelectionChanged.connect(self._update_button)
        self.tabs.currentChanged.connect(lambda _i: self._update_button())
        if document is None:
            self.tabs.setTabEnabled(0, False)
            self.tabs.setCurrentIndex(1)
        self.refresh()

    def refresh(self) -> None:
        self.entries = history.document_history(self.project, self.document) if self.document else []
        _fill(
            self.changes,
            [
                (
                    e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.entity,
                    ACTIONS.get(e.action, e.action),
                    e.summary + ("   (can be restored)" if e.restorable else ""),
                )
                for e in self.entries
            ],
        )
        self.gone = history.deleted_documents(self.project)
        _fill(
            self.deleted,
            [
                (
                    e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    (e.before or {}).get("title") or "(untitled)",
                    str(len((e.before or {}).get("annotations", ()))) if "annotations" in (e.before or {}) else "",
                )
                for e in self.gone
            ],
        )
        self._update_button()

    def _selected(self, table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_button(self) -> None:
        if self.tabs.currentIndex() == 0:
            row = self._selected(self.changes)
            self.restore_button.setEnabled(row is not None and self.entries[row].restorable)
            self.restore_button.setText("&Restore annotation")
        else:
            self.restore_button.setEnabled(self._selected(self.deleted) is not None)
            self.restore_button.setText("&Restore document")

    def _on_restore_clicked(self) -> None:
        try:
            if self.tabs.currentIndex() == 0:
                row = self._selected(self.changes)
                if row is None:
                    return
                report = history.restore_annotation(self.project, self.entries[row].uuid, self.actor)
                text = "Annotation restored" + (f" with {report.relations} relation(s)" if report.relations else "")
            else:
                row = self._selected(self.deleted)
                if row is None:
                    return
                report = history.restore_document(self.project, self.gone[row].key, self.actor)
                text = f"Document restored with {report.annotations} annotation(s), {report.relations} relation(s)"
                if report.skipped:
                    text += f"; {len(report.skipped)} could not come back: " + "; ".join(report.skipped[:3])
        except AnnotatorError as exc:
            self.message.setText(f"Not restored: {exc}")
            return
        self.message.setText(text)
        self.refresh()
        self.restored.emit(report.document)
