"""The document navigator's model: a thin adapter over DocumentSummary rows (no texts are loaded).

Filtering and sorting run over the plain rows; the view is handed rows in batches (fetchMore) so 10,000
documents open instantly.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from annotator.core.model import DocumentSummary, Status
from annotator.ui.models.base import FlatTableModel, Index

STATUS_TEXT = {Status.NOT_STARTED: "", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}
BATCH = 500


class DocumentTableModel(FlatTableModel):
    TITLE, OUTLET, DATE, STATUS, COUNT = range(5)
    HEADERS = ("Title", "Outlet", "Date", "My status", "Mine")
    UuidRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._all: list[DocumentSummary] = []
        self._rows: list[DocumentSummary] = []  # filtered and sorted
        self._shown = 0  # rows handed to the view so far
        self._filter = ""
        self._only: set[str] | None = None  # uuids from a corpus search or a collection
        self._sort = (self.TITLE, Qt.SortOrder.AscendingOrder)

    # -- data in --------------------------------------------------------------------------------------

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self._all = list(rows)
        self._rebuild()

    def update_summary(self, uuid: str, **changes: Any) -> None:
        """Change one row in place (e.g. its annotation count) without a reset."""
        self._all = [replace(r, **changes) if r.uuid == uuid else r for r in self._all]
        for i, r in enumerate(self._rows):
            if r.uuid == uuid:
                self._rows[i] = replace(r, **changes)
                if i < self._shown:
                    self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def set_filter(self, text: str, only: set[str] | None = None) -> None:
        self._filter, self._only = text.casefold().strip(), only
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        rows = [r for r in self._all if self._keeps(r)]
        column, order = self._sort
        rows.sort(key=lambda r: self._sort_key(r, column), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = rows
        self._shown = min(BATCH, len(rows))
        self.endResetModel()

    def _keeps(self, row: DocumentSummary) -> bool:
        if self._only is not None and row.uuid not in self._only:
            return False
        return not self._filter or self._filter in f"{row.title}\n{row.outlet}\n{row.published}".casefold()

    def _sort_key(self, row: DocumentSummary, column: int) -> Any:
        keys = (row.title.casefold(), row.outlet.casefold(), row.published, row.status.value, row.annotation_count)
        return keys[column]

    # -- lazy rows ------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        more = min(BATCH, len(self._rows) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def row_of(self, uuid: str) -> int:
        """Row of the document, fetching rows up to it if needed; -1 when filtered out."""
        row = next((i for i, r in enumerate(self._rows) if r.uuid == uuid), -1)
        while 0 <= row and row >= self._shown:
            self.fetchMore(QModelIndex())
        return row

    def summary(self, row: int) -> DocumentSummary:
        return self._rows[row]

    @property
    def total(self) -> int:
        return len(self._rows)

    # -- Qt model -------------------------------------------------------------------------------------

    def visible_rows(self) -> int:
        return self._shown

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                row.title or "(untitled)",
                row.outlet,
                row.published,
                STATUS_TEXT[row.status],
                row.annotation_count,
            )
            return values[column]
        if role == self.UuidRole:
            return row.uuid
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return f"{row.title}\n{row.length:,} characters"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
