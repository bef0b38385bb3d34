"""The document navigator's model: a thin adapter over the store's ordered list of document ids, whose rows
(DocumentSummary: title, outlet, date, status, count; never a text) are read a batch at a time.

Filtering and sorting are SQL in the store (store/overview.py): the model holds the ids the filter keeps, in
order (100,000 ints), and the rows handed to the view so far; the view asks for more as it scrolls (fetchMore),
500 at a time, each batch one query of a few milliseconds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, Qt

from annotator.core.listing import SORT_KEYS, DocumentOrder
from annotator.core.model import DocumentSummary, Status
from annotator.ui.models.base import FlatTableModel, Index

STATUS_TEXT = {Status.NOT_STARTED: "", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}
BATCH = 500


class DocumentSource(Protocol):
    """Where the rows come from (the navigator, over the project's store)."""

    def ids(self, order: DocumentOrder) -> list[int]: ...
    def summaries(self, ids: list[int]) -> list[DocumentSummary]: ...
    def row_id(self, uuid: str) -> int | None: ...


class DocumentTableModel(FlatTableModel):
    TITLE, OUTLET, DATE, STATUS, COUNT = range(5)
    HEADERS = ("Title", "Outlet", "Date", "My status", "Mine")
    UuidRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, source: DocumentSource | None = None, parent: Any = None):
        super().__init__(parent)
        self.source = source
        self._ids: list[int] = []  # every document the filter keeps, in order
        self._rows: list[DocumentSummary] = []  # the first len(_rows) of them, handed to the view
        self._row_of_uuid: dict[str, int] = {}
        self._row_of_id: dict[int, int] | None = None  # made when first needed
        self._order = DocumentOrder()

    # -- data in --------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the source again (the filter, the order or the documents changed)."""
        self.beginResetModel()
        self._ids = self.source.ids(self._order) if self.source is not None else []
        self._rows, self._row_of_uuid, self._row_of_id = [], {}, None
        self._load(min(BATCH, len(self._ids)))
        self.endResetModel()

    def _load(self, count: int) -> None:
        start = len(self._rows)
        assert self.source is not None or count == 0
        for first in range(start, start + count, BATCH):
            wanted = self._ids[first : min(first + BATCH, start + count)]
            got = self.source.summaries(wanted) if self.source is not None else []
            if len(got) != len(wanted):  # deleted meanwhile (a colleague): show the list as it is now
                got = _fill_gaps(wanted, got)
            for row in got:
                self._row_of_uuid[row.uuid] = len(self._rows)
                self._rows.append(row)

    def update_summary(self, uuid: str, **changes: Any) -> None:
        """Change one row in place (e.g. its annotation count) without a reset."""
        i = self._row_of_uuid.get(uuid)
        if i is not None:
            self._rows[i] = replace(self._rows[i], **changes)
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = DocumentOrder(SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder)
        self.refresh()

    # -- lazy rows ------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < len(self._ids)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        self._fetch(min(BATCH, len(self._ids) - len(self._rows)))

    def _fetch(self, count: int) -> None:
        if count <= 0:
            return
        shown = len(self._rows)
        self.beginInsertRows(QModelIndex(), shown, shown + count - 1)
        self._load(count)
        self.endInsertRows()

    def row_of(self, uuid: str) -> int:
        """Row of the document, fetching rows up to it if needed; -1 when the filter leaves it out."""
        if uuid in self._row_of_uuid:
            return self._row_of_uuid[uuid]
        row_id = self.source.row_id(uuid) if self.source is not None else None
        if row_id is None:
            return -1
        if self._row_of_id is None:
            self._row_of_id = {i: n for n, i in enumerate(self._ids)}
        row = self._row_of_id.get(row_id, -1)
        if row >= len(self._rows):
            self._fetch(row + 1 - len(self._rows))
        return row

    def summary(self, row: int) -> DocumentSummary:
        if row >= len(self._rows):
            self._fetch(row + 1 - len(self._rows))
        return self._rows[row]

    @property
    def total(self) -> int:
        """Documents the filter keeps (all of them, not only the rows fetched)."""
        return len(self._ids)

    # -- Qt model -------------------------------------------------------------------------------------

    def visible_rows(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
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


def _fill_gaps(wanted: list[int], got: list[DocumentSummary]) -> list[DocumentSummary]:
    """Rows for ids that vanished between listing and reading, as placeholders (the next refresh drops them)."""
    gone = DocumentSummary("", "(deleted)", "", "", "", 0, 0, Status.NOT_STARTED)
    return got + [gone] * (len(wanted) - len(got))
