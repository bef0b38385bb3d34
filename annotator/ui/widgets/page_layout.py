"""Reading comfort for the plain-text view: space between paragraphs, and page furniture shown greyed and smaller.

QPlainTextEdit's layout ignores block margins and line heights (measured with PySide6 6.11), so paragraph
spacing is added where the view asks each block for its height: blockBoundingRect, which painting, hit testing,
scrolling and the span painter all go through. Furniture is formatted the way QSyntaxHighlighter formats text
(QTextLayout.setFormats on the blocks concerned, then a relayout of those blocks), but only for the blocks that
hold furniture, so a long article with none costs nothing. Neither changes the text or any position in it.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout
from PySide6.QtWidgets import QPlainTextDocumentLayout

FURNITURE_SCALE = 0.85  # furniture is set this much smaller than the article


class ParagraphSpacedLayout(QPlainTextDocumentLayout):
    """QPlainTextEdit's own layout with `spacing` pixels below every paragraph but the last."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.spacing = 0.0

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt's name)
        rect = super().blockBoundingRect(block)
        if self.spacing and block.isVisible() and block.next().isValid():
            rect.setHeight(rect.height() + self.spacing)
        return rect


class FurnitureFormat:
    """Greys and shrinks given ranges (Qt positions) of a document; they stay selectable and keep positions."""

    def __init__(self, document: QTextDocument):
        self.document = document
        self.ranges: list[tuple[int, int]] = []
        self._blocks: list[int] = []  # block numbers formatted, to clear them when the ranges change

    def set_ranges(self, ranges: list[tuple[int, int]], point_size: float, colour: QColor) -> None:
        self.clear()
        self.ranges = sorted((s, e) for s, e in ranges if e > s)
        self.apply(point_size, colour)

    def apply(self, point_size: float, colour: QColor) -> None:
        """(Re)format the ranges' blocks, e.g. after a zoom changed the article's size."""
        style = QTextCharFormat()
        style.setForeground(colour)
        style.setFontPointSize(max(1.0, point_size * FURNITURE_SCALE))
        per_block: dict[int, list[QTextLayout.FormatRange]] = defaultdict(list)
        for start, end in self.ranges:
            block = self.document.findBlock(start)
            while block.isValid() and block.position() < end:
                first = max(start, block.position()) - block.position()
                last = min(end, block.position() + block.length() - 1) - block.position()
                if last > first:
                    piece = QTextLayout.FormatRange()
                    piece.start, piece.length, piece.format = first, last - first, style
                    per_block[block.blockNumber()].append(piece)
                block = block.next()
        for number, pieces in per_block.items():
            self._format(self.document.findBlockByNumber(number), pieces)
        self._blocks = list(per_block)

    def clear(self) -> None:
        for number in self._blocks:
            block = self.document.findBlockByNumber(number)
            if block.isValid():
                self._format(block, [])
        self._blocks, self.ranges = [], []

    def covers(self, start: int, end: int) -> bool:
        """True when [start, end) (Qt positions) overlaps furniture; a caret position when start == end."""
        return any(s < max(end, start + 1) and start < e for s, e in self.ranges)

    def _format(self, block: QTextBlock, pieces: list[QTextLayout.FormatRange]) -> None:
        block.layout().setFormats(pieces)
        self.document.markContentsDirty(block.position(), block.length())
