"""The annotation list of the open document: a thin model over Annotation rows, in reading order."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from annotator.core.model import Annotation
from annotator.ui.models.base import FlatTableModel, Index

EXCERPT = 80
_TOP = QModelIndex()


def _key(ann: Annotation) -> tuple[int, int, str]:
    return (ann.start, -ann.end, ann.uuid)


class AnnotationListModel(FlatTableModel):
    POSITION, LABEL, TEXT, ANNOTATOR = range(4)
    HEADERS = ("At", "Label", "Text", "By")
    AnnotationRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[Annotation] = []
        self._keys: list[tuple[int, int, str]] = []
        self._key_of: dict[str, tuple[int, int, str]] = {}
        self.text = ""
        self.colour_of: Any = lambda ann: "#9e9e9e"

    def set_rows(self, rows: list[Annotation], text: str) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=_key)
        self._keys = [_key(a) for a in self._rows]
        self._key_of = {a.uuid: k for a, k in zip(self._rows, self._keys, strict=True)}
        self.text = text
        self.endResetModel()

    def upsert(self, ann: Annotation) -> None:
        """Insert or replace one annotation without resetting the model (keeps the view's selection)."""
        self.remove(ann.uuid)
        row = bisect_left(self._keys, _key(ann))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, ann)
        self._keys.insert(row, _key(ann))
        self._key_of[ann.uuid] = _key(ann)
        self.endInsertRows()

    def remove(self, uuid: str) -> None:
        row = self.row_of(uuid)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row], self._keys[row], self._key_of[uuid]
            self.endRemoveRows()

    def row_of(self, uuid: str) -> int:
        key = self._key_of.get(uuid)
        return -1 if key is None else bisect_left(self._keys, key)

    def annotation(self, row: int) -> Annotation:
        return self._rows[row]

    def visible_rows(self) -> int:
        return len(self._rows)

    # Qt asks for both counts each time it makes an index (hundreds of times per paint of the list): answered
    # here directly rather than through FlatTableModel's visible_rows and HEADERS
    def rowCount(self, parent: Index = _TOP) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _TOP) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the role is checked first: a table asks for some eight roles per cell on every paint, most unused here
        if role not in _ROLES_SHOWN:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        ann, column = self._rows[row], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.POSITION:
                return ann.start if ann.fragments else "doc"
            if column == self.LABEL:
                return ann.label + (f" / {ann.subtype}" if ann.subtype else "")
            if column == self.TEXT:
                covered = " … ".join(ann.covered_texts(self.text)).replace("\n", " ").replace("\r", "")
                return covered if len(covered) <= EXCERPT else covered[: EXCERPT - 1] + "…"
            return ann.annotator
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(self.colour_of(ann)) if column == self.LABEL else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return ann.note or None
        return ann  # AnnotationRole


_ROLES_SHOWN = frozenset(
    (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        AnnotationListModel.AnnotationRole,
    )
)


class AnnotationFilter(QSortFilterProxyModel):
    """Keeps rows whose label and annotator are among the chosen ones (None: all)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.labels: set[str] | None = None
        self.annotators: set[str] | None = None

    def set_filter(self, labels: set[str] | None, annotators: set[str] | None) -> None:
        self.labels, self.annotators = labels, annotators
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, AnnotationListModel)
        ann = model.annotation(row)
        return (self.labels is None or ann.label in self.labels) and (
            self.annotators is None or ann.annotator in self.annotators
        )
