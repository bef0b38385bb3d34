"""The offset map against the real QTextDocument: every stored offset lands on the same character in Qt."""

from hypothesis import given, settings
from PySide6.QtGui import QTextDocument

from annotator.core.offsets import OffsetMap
from tests.core.test_offsets import any_text


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_qt_positions_address_the_same_characters(qapp, text: str) -> None:
    mapping = OffsetMap(text)
    doc = QTextDocument()
    doc.setPlainText(mapping.display_text())
    raw = doc.toRawText()  # paragraph breaks show as U+2029
    assert doc.characterCount() - 1 == len(raw.encode("utf-16-le")) // 2
    units = raw.encode("utf-16-le")
    for i, ch in enumerate(text):
        if ch in "\r\n" or (i == 0 and ch == "\ufeff"):
            continue
        q = mapping.to_qt(i)
        width = len(ch.encode("utf-16-le"))
        shown = units[2 * q : 2 * q + width].decode("utf-16-le")
        assert shown == ch or (q == 0 and ch == "\ufeff" and shown == "\u2060")  # a second leading BOM
    for i, ch in enumerate(text):
        # each line break (CRLF, lone CR, lone LF) is one paragraph break, at the position of its first character
        if ch == "\r" or (ch == "\n" and text[i - 1 : i] != "\r"):
            assert units[2 * mapping.to_qt(i) : 2 * mapping.to_qt(i) + 2].decode("utf-16-le") == "\u2029"
