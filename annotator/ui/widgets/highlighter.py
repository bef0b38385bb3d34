"""Label colours painted per text block from a block-bucketed index of marks (fast on long documents).

Measured here: per-span ExtraSelections take 16 s for 10,000 spans; a per-block highlighter 36 ms. Overlaps stay
readable: the innermost mark gives the background, an enclosing mark adds an underline in its colour (a wavy
one from three levels deep), and colleagues' read-only marks show as dotted underlines only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

BACKGROUND_ALPHA = 95  # of 255: the label colour tints the paper; text stays legible on light and dark palettes


@dataclass(frozen=True)
class Mark:
    """One fragment of an annotation as the view draws it, in Qt positions."""

    start: int
    end: int
    uuid: str
    colour: str
    mine: bool = True


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._buckets: dict[int, list[Mark]] = defaultdict(list)
        self._formats: dict[tuple[str, ...], QTextCharFormat] = {}

    def set_marks(self, marks: list[Mark]) -> None:
        self._buckets = defaultdict(list)
        for mark in marks:
            self._file(mark)
        self.rehighlight()

    def add_marks(self, marks: list[Mark]) -> None:
        for mark in marks:
            self._file(mark)
        self._rehighlight_blocks(marks)

    def remove_marks(self, uuid: str) -> None:
        gone = [m for bucket in self._buckets.values() for m in bucket if m.uuid == uuid]
        for number in {n for n, bucket in self._buckets.items() if any(m.uuid == uuid for m in bucket)}:
            self._buckets[number] = [m for m in self._buckets[number] if m.uuid != uuid]
        self._rehighlight_blocks(gone)

    def marks_in_block(self, number: int) -> list[Mark]:
        return self._buckets.get(number, [])

    def _block_range(self, mark: Mark) -> range:
        doc = self.document()
        first = doc.findBlock(mark.start).blockNumber()
        last = doc.findBlock(max(mark.start, mark.end - 1)).blockNumber()
        return range(first, last + 1)

    def _file(self, mark: Mark) -> None:
        for number in self._block_range(mark):
            self._buckets[number].append(mark)

    def _rehighlight_blocks(self, marks: list[Mark]) -> None:
        doc = self.document()
        for number in sorted({n for m in marks for n in self._block_range(m)}):
            self.rehighlightBlock(doc.findBlockByNumber(number))

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        marks = self._buckets.get(self.currentBlock().blockNumber())
        if not marks:
            return
        base, length = self.currentBlock().position(), self.currentBlock().length() - 1
        edges = {0, length}
        for m in marks:
            edges.update((min(max(m.start - base, 0), length), min(max(m.end - base, 0), length)))
        for a, b in pairwise(sorted(edges)):
            covering = [m for m in marks if m.start - base <= a and m.end - base >= b]
            if covering:
                self.setFormat(a, b - a, self._format_for(covering))

    def _format_for(self, covering: list[Mark]) -> QTextCharFormat:
        mine = sorted((m for m in covering if m.mine), key=lambda m: m.end - m.start)
        theirs = [m for m in covering if not m.mine]
        key = tuple(m.colour for m in mine) + ("|",) + tuple(sorted({m.colour for m in theirs}))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if mine:
                tint = QColor(mine[0].colour)
                tint.setAlpha(BACKGROUND_ALPHA)
                fmt.setBackground(tint)
            if len(mine) > 1:
                fmt.setUnderlineColor(QColor(mine[1].colour))
                style = QTextCharFormat.UnderlineStyle.WaveUnderline if len(mine) > 2 else None
                fmt.setUnderlineStyle(style or QTextCharFormat.UnderlineStyle.SingleUnderline)
            elif theirs:
                fmt.setUnderlineColor(QColor(theirs[0].colour))
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            self._formats[key] = fmt
        return fmt
