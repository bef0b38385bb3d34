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

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF_OR_CR = re.compile(r"\r\n?")
_BOM = "\ufeff"
_WORD_JOINER = "\u2060"


class _ShiftTable:
    """Maps code-point index i to i + (sum of the deltas of all events at or before i), and back."""

    def __init__(self, events: list[tuple[int, int]]):
        self._cp_starts: list[int] = []
        self._out_starts: list[int] = []
        self._totals: list[int] = []
        total = 0
        for cp_pos, delta in sorted(events):
            total += delta
            self._cp_starts.append(cp_pos)
            self._out_starts.append(cp_pos + total)
            self._totals.append(total)

    def forward(self, index: int) -> int:
        k = bisect_right(self._cp_starts, index) - 1
        return index + (self._totals[k] if k >= 0 else 0)

    def backward(self, position: int) -> int:
        """The largest code-point index that maps to position (so positions in a removed char move past it)."""
        k = bisect_right(self._out_starts, position) - 1
        return position - (self._totals[k] if k >= 0 else 0)


class OffsetMap:
    """Offsets of one stored text in code points, UTF-16 units and Qt positions."""

    def __init__(self, text: str):
        self.text = text
        astral = [(m.end(), 1) for m in _ASTRAL.finditer(text)]
        # a CRLF becomes one break: positions after its LF move back by one
        collapsed = [(m.end(), -1) for m in _CRLF_OR_CR.finditer(text) if m.end() - m.start() == 2]
        bom = [(1, -1)] if text.startswith(_BOM) else []
        self._utf16 = _ShiftTable(astral)
        self._qt = _ShiftTable(astral + collapsed + bom)

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

    def from_qt(self, position: int) -> int:
        """Stored offset of a Qt position; a position inside a surrogate pair rounds up past the character."""
        return min(self._qt.backward(position), len(self.text))

    def _check(self, index: int) -> int:
        if not 0 <= index <= len(self.text):
            raise IndexError(f"offset {index} is outside the text (0..{len(self.text)})")
        return index


def utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))
