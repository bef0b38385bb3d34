"""The centre of the window: the article's title and metadata, the reading view, and a find bar."""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QVBoxLayout, QWidget

from annotator.core.model import Annotation, Fragment
from annotator.ui.annotation_session import AnnotationSession
from annotator.ui.widgets.reading_view import ReadingView


class ReaderPane(QWidget):
    def __init__(self, session: AnnotationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.header = QLabel("Open a document from the list, or File › Load sample articles.")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setContentsMargins(24, 12, 24, 4)
        self.view = ReadingView()
        self.view.describe = self.describe
        self.find_box = QLineEdit(placeholderText="Find in this document (Enter: next, Shift+Enter: previous)")
        self.find_box.setClearButtonEnabled(True)
        close = QPushButton("Close")
        self.find_bar = QWidget()
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(8, 0, 8, 4)
        bar.addWidget(self.find_box, 1)
        bar.addWidget(close)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)

        close.clicked.connect(self.close_find)
        self.find_box.returnPressed.connect(lambda: self.find_next(backwards=False))
        self.context_actions: list[QAction] = []  # added to the view's own context menu (the window's)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.view.hovered.connect(self._on_view_hovered)
        self.view.clicked.connect(self._on_view_clicked)
        session.document_opened.connect(self._on_document_opened)
        session.annotation_stored.connect(self._on_annotation_stored)
        session.annotation_removed.connect(self._on_annotation_removed)
        session.current_changed.connect(lambda _a: self._outline())
        session.relations_changed.connect(self._outline)

    def context_menu(self) -> QMenu:
        menu = self.view.createStandardContextMenu()
        if self.context_actions:
            menu.addSeparator()
            menu.addActions(self.context_actions)
        return menu

    def _on_context_menu_requested(self, point: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(point))

    # -- showing --------------------------------------------------------------------------------------

    def _on_document_opened(self) -> None:
        doc = self.session.document
        assert doc is not None
        facts = " · ".join(x for x in (doc.outlet, doc.author, doc.published, doc.source) if x)
        self.header.hide()  # the view shows the headline above the text now
        self.view.show_text(self.session.offsets.display_text(), self.session.all_marks())
        self.view.set_heading(doc.title or "(untitled)", facts)
        self.view.set_boilerplate(list(doc.boilerplate), self.session.offsets)
        self._outline()

    def _on_annotation_stored(self, ann: Annotation) -> None:
        self.view.remove_marks(ann.uuid)
        self.view.add_marks(self.session.marks_of(ann))
        self._outline()

    def _on_annotation_removed(self, uuid: str) -> None:
        self.view.remove_marks(uuid)
        self._outline()

    def _outline(self, hovered: Annotation | None = None) -> None:
        current = self.session.current
        focus = hovered or current
        related: list = []
        if focus is not None:
            for rel in self.session.related_to(focus.uuid):
                other = self.session.annotations.get(rel.target if rel.source == focus.uuid else rel.source)
                related += self.session.marks_of(other) if other else []
            if hovered is not None and hovered is not current:
                related += self.session.marks_of(hovered)
        self.view.set_outlines(self.session.marks_of(current) if current else [], related)

    def show_annotation(self, ann: Annotation) -> None:
        """Scroll to an annotation and make it current."""
        if ann.fragments:
            to_qt = self.session.offsets.to_qt
            self.view.select_range(to_qt(ann.end), to_qt(ann.start))
            cursor = self.view.textCursor()
            cursor.clearSelection()
            self.view.setTextCursor(cursor)
        self.session.select(ann)

    def describe(self, qt_position: int) -> str:
        """Tooltip: label, sub-type, attributes, annotator, note and the label's guideline."""
        parts = []
        scheme = self.session.project.scheme
        for ann in self.session.at(qt_position):
            lines = [f"<b>{html.escape(ann.label)}</b>" + (f" / {html.escape(ann.subtype)}" if ann.subtype else "")]
            lines += [f"{html.escape(k)}: {html.escape(str(v))}" for k, v in ann.attributes.items()]
            lines.append(f"<i>by {html.escape(ann.annotator)}</i>")
            if ann.note:
                lines.append(f"note: {html.escape(ann.note)}")
            guideline = scheme.label(ann.label).guideline if scheme.has_label(ann.label) else ""
            if guideline:
                lines.append(f"<span style='color:gray'>{html.escape(guideline)}</span>")
            parts.append("<br>".join(lines))
        return "<hr>".join(parts)

    # -- mouse ----------------------------------------------------------------------------------------

    def _on_view_hovered(self, qt_position: int) -> None:
        hits = self.session.at(qt_position)
        self._outline(hits[0] if hits else None)

    def _on_view_clicked(self, qt_position: int) -> None:
        hits = self.session.at(qt_position)
        if not hits:
            self.session.select(None)
            return
        # clicking again on nested spans cycles from the innermost outwards
        current = self.session.current
        index = next((i for i, a in enumerate(hits) if current and a.uuid == current.uuid), -1)
        self.session.select(hits[(index + 1) % len(hits)])

    def selection_fragment(self) -> Fragment | None:
        start, end = self.view.selected_range()
        if start == end or self.session.document is None:
            return None
        return self.session.fragment_from_selection(start, end)

    # -- find -----------------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.show()
        self.find_box.setFocus()
        self.find_box.selectAll()

    def close_find(self) -> None:
        self.find_bar.hide()
        self.view.setFocus()

    def find_next(self, backwards: bool = False) -> bool:
        text = self.find_box.text()
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = self.view.find(text, flags)
        if not found:  # wrap around
            cursor = self.view.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backwards else cursor.MoveOperation.Start)
            self.view.setTextCursor(cursor)
            found = self.view.find(text, flags)
        return found
