"""The article as researchers read it: read-only, selectable by mouse and keyboard, highlights, outlines, tooltips.

The view knows Qt positions only; annotator/core/offsets.py maps them to stored code-point offsets. For reading
comfort it keeps a readable column (margins on wide windows), spaces paragraphs apart, can show the headline as
a heading above the text (outside the text and its positions) and greys page furniture (widgets/page_layout.py).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextDocument,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QStyle, QToolTip, QWidget

from annotator.core.offsets import OffsetMap
from annotator.ui.appearance import line_colour
from annotator.ui.widgets.page_layout import FurnitureFormat, ParagraphSpacedLayout
from annotator.ui.widgets.span_painter import Mark, SpanPainter
from annotator.ui.widgets.suggestion_painter import paint_suggestions

BASE_POINT_SIZE = 12
MIN_ZOOM, MAX_ZOOM = -6, 16
READABLE_CHARACTERS = 80  # the text column's width on wide windows, in average characters
PARAGRAPH_SPACING = 0.6  # space below a paragraph, in lines
FURNITURE_TIP = "Page furniture (menus, captions, calls to subscribe): set aside from the article"


class ReadingView(QPlainTextEdit):
    hovered = Signal(int)  # Qt position under the mouse, or -1
    clicked = Signal(int)  # Qt position clicked without dragging a selection

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        self.setCursorWidth(2)
        document = QTextDocument(self)
        self.page_layout = ParagraphSpacedLayout(document)
        document.setDocumentLayout(self.page_layout)
        self.setDocument(document)
        self.document().setDocumentMargin(24)
        self.marks = SpanPainter(self.document())
        self.furniture = FurnitureFormat(self.document())
        self.heading = QLabel(self)  # over the top margin, outside the text: no position of the text moves
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setAutoFillBackground(True)
        self.heading.setBackgroundRole(QPalette.ColorRole.Base)
        self.heading.hide()
        self._heading = ("", "")
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins look like the page, not like the window
        self.setAutoFillBackground(True)
        self.marks.forget_styles(self.palette().color(QPalette.ColorRole.Base))
        self.describe: Callable[[int], str] = lambda _pos: ""
        self._outlined: list[Mark] = []
        self._related: list[Mark] = []
        self.suggestions: list[Mark] = []  # dashed outlines (widgets/suggestion_painter.py)
        self.current_suggestion: str | None = None
        # keys taken before the view's own (Enter, Backspace, Tab for suggestions): (key, modifiers) -> handled
        self.key_handler: Callable[[int, Qt.KeyboardModifier], bool] = lambda _key, _modifiers: False
        self._press_pos: QPoint | None = None
        self.zoom = 0
        self._apply_font()

    # -- content --------------------------------------------------------------------------------------

    def show_text(self, text: str, marks: list[Mark]) -> None:
        self._outlined, self._related, self.suggestions = [], [], []
        self.setPlainText(text)
        self.marks.document = self.document()
        self.marks.set_marks(marks)
        self.furniture = FurnitureFormat(self.document())  # the new text's blocks carry no formats
        self.viewport().update()

    def set_boilerplate(self, ranges: Iterable[Sequence[int]], offsets: OffsetMap) -> None:
        """Show these [start, end) code-point ranges of the stored text (offsets maps them) greyed and smaller;
        a pair that does not fit the text (a hand-edited file) is left out rather than refused."""
        size = len(offsets.text)
        fitting = [r for r in ranges if len(r) == 2 and all(isinstance(x, int) for x in r) and 0 <= r[0] < r[1] <= size]
        qt_ranges = [(offsets.to_qt(start), offsets.to_qt(end)) for start, end in fitting]
        self.furniture.set_ranges(qt_ranges, self.font().pointSizeF(), self._furniture_colour())
        self.viewport().update()

    def in_boilerplate(self, start: int, end: int) -> bool:
        """Whether Qt positions [start, end) touch furniture (e.g. a selection about to be labelled)."""
        return self.furniture.covers(start, end)

    def set_heading(self, title: str, facts: str = "") -> None:
        """Show title (and a line of facts: outlet, date, …) as a heading above the text; "" hides it."""
        self._heading = (title, facts)
        if title:
            facts_line = f"<div style='color:gray'>{html.escape(facts)}</div>" if facts else ""
            self.heading.setText(f"<h2 style='margin:0'>{html.escape(title)}</h2>{facts_line}")
        self.heading.setVisible(bool(title))
        self._update_page()

    def heading_text(self) -> str:
        return self._heading[0]

    def add_marks(self, marks: list[Mark]) -> None:
        self.marks.add_marks(marks)
        self.viewport().update()

    def remove_marks(self, uuid: str) -> None:
        self.marks.remove_marks(uuid)
        self.viewport().update()

    def set_outlines(self, current: list[Mark], related: list[Mark]) -> None:
        self._outlined, self._related = current, related
        self.viewport().update()

    def set_suggestions(self, marks: list[Mark], current: str | None) -> None:
        self.suggestions, self.current_suggestion = marks, current
        self.viewport().update()

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def selected_range(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return cursor.selectionStart(), cursor.selectionEnd()

    @property
    def _dark(self) -> bool:
        return self.marks.page.lightness() < 128

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:  # the system switched between light and dark
            self.marks.forget_styles(self.palette().color(QPalette.ColorRole.Base))
            self.viewport().update()
        super().changeEvent(event)

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self._apply_font()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # QPlainTextEdit zooms by itself on these keys; route them through set_zoom so the level is remembered
        if event.matches(QKeySequence.StandardKey.ZoomIn):
            self.set_zoom(self.zoom + 1)
        elif event.matches(QKeySequence.StandardKey.ZoomOut):
            self.set_zoom(self.zoom - 1)
        elif not self.key_handler(event.key(), event.modifiers()):
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.zoom + (1 if event.angleDelta().y() > 0 else -1))
        else:
            super().wheelEvent(event)

    def _apply_font(self) -> None:
        font = QFont(self.font())
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setFamilies(["Noto Serif", "DejaVu Serif", "Georgia", "Times New Roman", "serif"])
        font.setPointSize(BASE_POINT_SIZE + self.zoom)
        self.page_layout.spacing = round(QFontMetricsF(font).lineSpacing() * PARAGRAPH_SPACING)
        self.setFont(font)
        self.heading.setFont(font)
        if self.furniture.ranges:
            self.furniture.apply(font.pointSizeF(), self._furniture_colour())
        self._update_page()

    def _furniture_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    # -- the page: a readable column, and the heading above it ------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_page()

    def _update_page(self) -> None:
        """Side margins that keep the column readable on wide windows; room above it for the heading."""
        margin = self.document().documentMargin()
        column = READABLE_CHARACTERS * QFontMetricsF(self.font()).averageCharWidth() + 2 * margin
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        room = self.width() - 2 * self.frameWidth() - bar
        side = int(max(0.0, room - column) / 2)
        top = 0
        if self.heading.isVisible():
            width = max(100, int(room - 2 * side - 2 * margin))
            height = self.heading.heightForWidth(width)
            self.heading.setGeometry(self.frameWidth() + side + int(margin), self.frameWidth() + 12, width, height)
            top = height + 16
        self.setViewportMargins(side, top, side, 0)

    # -- painting: outline the current annotation, dash the ones related to it ----------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._paint_marks(event)
        super().paintEvent(event)
        if self.suggestions:
            painter = QPainter(self.viewport())
            focus = self.palette().color(QPalette.ColorRole.Highlight)
            marks, current, page = self.suggestions, self.current_suggestion, self.marks.page
            paint_suggestions(painter, marks, current, page, focus, self._visible(), self.range_rects)
            painter.end()
        if not (self._outlined or self._related):
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for marks, style in ((self._related, Qt.PenStyle.DashLine), (self._outlined, Qt.PenStyle.SolidLine)):
            for mark in marks:
                line = line_colour(
                    QColor(mark.colour).darker(130) if not self._dark else QColor(mark.colour), self.marks.page
                )
                pen = QPen(line, 2 if style is Qt.PenStyle.SolidLine else 1.5, style)
                painter.setPen(pen)
                for rect in self.range_rects(mark.start, mark.end):
                    painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 3, 3)
        painter.end()

    def _paint_marks(self, event: QPaintEvent) -> None:
        """Highlights under the text, for the blocks in the area being repainted only."""
        painter = QPainter(self.viewport())
        painter.setClipRect(event.rect())
        offset, bottom = self.contentOffset(), event.rect().bottom()
        block = self.firstVisibleBlock()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if block.isVisible() and geometry.bottom() >= event.rect().top():
                self.marks.paint_block(painter, block, geometry.top(), geometry.left())
            block = block.next()
        painter.end()

    def _visible(self) -> tuple[int, int]:
        """The Qt positions from the first visible block to the last character on screen."""
        corner = self.viewport().rect().bottomRight()
        return self.firstVisibleBlock().position(), self.cursorForPosition(corner).position() + 1

    def range_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering [start, end), one per visual line."""
        rects: list[QRectF] = []
        doc, offset = self.document(), self.contentOffset()
        block = doc.findBlock(start)
        top = self.viewport().rect().top()
        bottom = self.viewport().rect().bottom()
        while block.isValid() and block.position() < end:
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if geometry.bottom() >= top and block.isVisible():
                layout = block.layout()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    a = max(start - block.position(), line.textStart())
                    b = min(end - block.position(), line.textStart() + line.textLength())
                    if a >= b:
                        continue
                    x1, x2 = line.cursorToX(a)[0], line.cursorToX(b)[0]
                    y = geometry.top() + line.y()
                    rects.append(QRectF(min(x1, x2), y, abs(x2 - x1), line.height()))
            block = block.next()
        return rects

    # -- mouse: hover, tooltips, click ------------------------------------------------------------------

    def position_at(self, point: QPoint) -> int:
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        # cursorForPosition snaps to the nearest gap; prefer the character under the pointer
        return cursor.position() - 1 if point.x() < rect.left() and cursor.position() > 0 else cursor.position()

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab would move the focus before keyPressEvent sees them; a handler may take them first
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.key_handler(event.key(), event.modifiers()):
                return True
        if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            self.wheelEvent(event)  # over the margins beside the column, which are not the viewport
            return True
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = self.viewport().mapFromGlobal(event.globalPos())
            position = self.position_at(point)
            text = self.describe(position) or (FURNITURE_TIP if self.in_boilerplate(position, position + 1) else "")
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            self.hovered.emit(self.position_at(event.position().toPoint()))

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        super().leaveEvent(event)
        self.hovered.emit(-1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pressed, self._press_pos = self._press_pos, None
        if pressed is not None and (event.position().toPoint() - pressed).manhattanLength() < 4:
            if not self.textCursor().hasSelection():
                self.clicked.emit(self.position_at(event.position().toPoint()))
