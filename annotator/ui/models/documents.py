"""The document navigator's model: a thin adapter over DocumentSummary rows (no texts are loaded)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.model import DocumentSummary, Status

Index = QModelIndex | QPersistentModelIndex

STATUS_TEXT = {Status.NOT_STARTED: "", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}


class DocumentTableModel(QAbstractTableModel):
    TITLE, OUTLET, DATE, STATUS, COUNT = range(5)
    HEADERS = ("Title", "Outlet", "Date", "My status", "Mine")
    UuidRole = Qt.ItemDataRole.UserRole + 1
    SortRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[DocumentSummary] = []

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, uuid: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.uuid == uuid), -1)

    def summary(self, row: int) -> DocumentSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title or "(untitled)", row.outlet, row.published, STATUS_TEXT[row.status], row.annotation_count)[
                column
            ]
        if role == self.SortRole:
            return (row.title.lower(), row.outlet.lower(), row.published, row.status.value, row.annotation_count)[column]
        if role == self.UuidRole:
            return row.uuid
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return f"{row.title}\n{row.length:,} characters"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
