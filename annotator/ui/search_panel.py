"""Search the corpus: the best matches for a query, ranked, each with the passage around its match; choosing
one opens the document with the match selected."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.search import SearchHit
from annotator.services import search
from annotator.services.project import Project

Index = QModelIndex | QPersistentModelIndex
TYPING_PAUSE_MS = 300  # search once typing pauses; Enter searches at once


class SearchResultsModel(QAbstractListModel):
    HitRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title or "(untitled)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.passage
        if role == self.HitRole:
            return hit
        return None


def hit_html(hit: SearchHit) -> str:
    """Title, outlet and date, and the passage with the matched words in bold."""
    parts, last = [], 0
    for start, end in hit.marks:
        parts.append(html.escape(hit.passage[last:start]))
        parts.append(f"<b>{html.escape(hit.passage[start:end])}</b>")
        last = end
    parts.append(html.escape(hit.passage[last:]))
    facts = " · ".join(html.escape(x) for x in (hit.outlet, hit.published) if x)
    return (
        f"<div><b>{html.escape(hit.title or '(untitled)')}</b>"
        + (f" <span style='font-size:small'>{facts}</span>" if facts else "")
        + f"</div><div>{''.join(parts)}</div>"
    )


class HitDelegate(QStyledItemDelegate):
    """Paints a hit as rich text: the title, then the passage with its matches in bold, in the palette's colours."""

    WIDTH = 360

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(hit_html(index.data(SearchResultsModel.HitRole)))
        document.setTextWidth(max(option.rect.width(), 120) - 8)
        return document

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 3)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - 8, option.rect.height() - 3))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        self.initStyleOption(option, index)
        if option.rect.width() <= 0 and option.widget is not None:
            option.rect.setWidth(option.widget.viewport().width())
        document = self._document(option, index)
        return QSize(int(document.idealWidth()) + 8, int(document.size().height()) + 8)


class SearchPanel(QWidget):
    hit_chosen = Signal(object)  # SearchHit

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.query_box = QLineEdit(placeholderText='Search all texts: words, "a phrase", OR, -word, word*')
        self.query_box.setClearButtonEnabled(True)
        self.query_box.setToolTip(
            'All the words must occur; "quotes" for a phrase; OR between two words for either; -word leaves '
            "out articles with it; word* for words starting so. Title words count more."
        )
        self.results = SearchResultsModel(self)
        self.list = QListView()
        self.list.setModel(self.results)
        self.list.setItemDelegate(HitDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setAlternatingRowColors(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.pause.timeout.connect(self.run)
        self.query_box.textChanged.connect(lambda _t: self.pause.start())
        self.query_box.returnPressed.connect(self.run)
        self.list.activated.connect(self._choose)
        self.list.clicked.connect(self._choose)

    def run(self) -> list[SearchHit]:
        """Search now for what is typed; shows the ranked hits (at most search.TOP)."""
        self.pause.stop()
        query = self.query_box.text()
        hits = search.search(self.project, query) if query.strip() else []
        self.results.set_hits(hits)
        if not query.strip():
            self.summary.setText("")
        elif not hits:
            self.summary.setText("No article matches all of these words.")
        else:
            best = "the best " if len(hits) == search.TOP else ""
            self.summary.setText(f"{best}{len(hits)} article{'s' if len(hits) != 1 else ''}, best first".capitalize())
        return hits

    def _choose(self, index: QModelIndex) -> None:
        hit = index.data(SearchResultsModel.HitRole)
        if hit is not None:
            self.hit_chosen.emit(hit)
