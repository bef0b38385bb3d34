"""The article as researchers read it: read-only, selectable by mouse and keyboard, highlights, outlines, tooltips.

The view knows Qt positions only; annotator/core/offsets.py maps them to stored code-point offsets.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.ui.appearance import line_colour
from annotator.ui.widgets.span_painter import Mark, SpanPainter

BASE_POINT_SIZE = 12
MIN_ZOOM, MAX_ZOOM = -6, 16


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
        self.document().setDocumentMargin(24)
        self.marks = SpanPainter(self.document())
        self.marks.forget_styles(self.palette().color(QPalette.ColorRole.Base))
        self.describe: Callable[[int], str] = lambda _pos: ""
        self._outlined: list[Mark] = []
        self._related: list[Mark] = []
        self._press_pos: QPoint | None = None
        self.zoom = 0
        self._apply_font()

    # -- content --------------------------------------------------------------------------------------

    def show_text(self, text: str, marks: list[Mark]) -> None:
        self._outlined, self._related = [], []
        self.setPlainText(text)
        self.marks.document = self.document()
        self.marks.set_marks(marks)
        self.viewport().update()

    def add_marks(self, marks: list[Mark]) -> None:
        self.marks.add_marks(marks)
        self.viewport().update()

    def remove_marks(self, uuid: str) -> None:
        self.marks.remove_marks(uuid)
        self.viewport().update()

    def set_outlines(self, current: list[Mark], related: list[Mark]) -> None:
        self._outlined, self._related = current, related
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
        else:
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
        self.setFont(font)

    # -- painting: outline the current annotation, dash the ones related to it ----------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._paint_marks(event)
        super().paintEvent(event)
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
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = self.viewport().mapFromGlobal(event.globalPos())
            text = self.describe(self.position_at(point))
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
