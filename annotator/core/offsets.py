"""The one place that maps stored code-point offsets to UTF-16 units and to Qt document positions.

Stored offsets count Unicode code points of the text exactly as imported. Qt counts UTF-16 units, and
`QTextDocument.setPlainText` rewrites text (CRLF and lone CR become one paragraph break, a leading BOM is
dropped; measured with PySide6 6.11). Rather than depend on those rewrites, the view is given
`display_text()`, whose only differences from the stored text are the ones listed there, and positions are
mapped through a table of shifts built once per document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF_OR_CR = re.compile(r"\r\n?")
_CRLF = re.compile("\r\n")
_BOM = "\ufeff"
_WORD_JOINER = "\u2060"


class _ShiftTable:
    """Maps code-point index i to i + (sum of the deltas of all events at or before i), and back.

    Built from plain sorted int lists (no per-event tuples): a 1.3 MB article has some 16,000 events."""

    def __init__(self, gains: list[int], losses: list[int]):
        """gains: sorted positions where the output gains a unit; losses: sorted positions where it loses one."""
        if not losses:  # the common cases need no merge: astral characters only, or
            keys, totals = gains, list(range(1, len(gains) + 1))
        elif not gains:  # line breaks only
            keys, totals = losses, list(range(-1, -len(losses) - 1, -1))
        else:  # both: tag each position with its kind in the lowest bit, losses sorting first at a tie
            tagged = sorted([p * 2 + 1 for p in gains] + [p * 2 for p in losses])
            keys = [t >> 1 for t in tagged]
            totals = list(accumulate((t & 1) * 2 - 1 for t in tagged))
        self.starts = keys
        self._out_starts = [p + total for p, total in zip(keys, totals, strict=True)]
        self.shifts = [0, *totals]  # the total after the first k events, k = bisect_right(...)

    def forward(self, index: int) -> int:
        return index + self.shifts[bisect_right(self.starts, index)]

    def backward(self, position: int) -> int:
        """The largest code-point index that maps to position (so positions in a removed char move past it)."""
        return position - self.shifts[bisect_right(self._out_starts, position)]


class OffsetMap:
    """Offsets of one stored text in code points, UTF-16 units and Qt positions."""

    def __init__(self, text: str):
        self.text = text
        astral = [m.end() for m in _ASTRAL.finditer(text)]
        # a CRLF becomes one break: positions after its LF move back by one
        collapsed = [m.end() for m in _CRLF.finditer(text)]
        if text.startswith(_BOM):
            collapsed.insert(0, 1)
        self._utf16 = _ShiftTable(astral, [])
        self._qt = _ShiftTable(astral, collapsed)

    def display_text(self) -> str:
        """The text to give Qt: leading BOM left out, CRLF and lone CR shown as one line break each.

        Qt drops a BOM at the very start of what it is given, so a second BOM that would land there is shown
        as a word joiner instead: also invisible, also one position, so the mapping stays the same.
        """
        body = self.text[1:] if self.text.startswith(_BOM) else self.text
        if body.startswith(_BOM):
            body = _WORD_JOINER + body[1:]
        return _CRLF_OR_CR.sub("\n", body)

    def to_utf16(self, index: int) -> int:
        return self._utf16.forward(self._check(index))

    def from_utf16(self, unit: int) -> int:
        return self._utf16.backward(unit)

    def to_qt(self, index: int) -> int:
        return self._qt.forward(self._check(index))

    def qt_shifts(self) -> tuple[list[int], list[int]]:
        """(starts, shifts) such that to_qt(i) == i + shifts[bisect_right(starts, i)], for a caller mapping
        thousands of stored offsets in its own loop (a document's marks); unlike to_qt it does not check i."""
        return self._qt.starts, self._qt.shifts

    def from_qt(self, position: int) -> int:
        """Stored offset of a Qt position; a position inside a surrogate pair rounds up past the character."""
        return min(self._qt.backward(position), len(self.text))

    def _check(self, index: int) -> int:
        if not 0 <= index <= len(self.text):
            raise IndexError(f"offset {index} is outside the text (0..{len(self.text)})")
        return index


def utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))
