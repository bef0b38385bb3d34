from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.offsets import OffsetMap, utf16_length

# pieces that real corpora contain and that Qt and UTF-16 count differently from code points
PIECES = [
    "a",
    "Z",
    " ",
    "é",
    "e\u0301",
    "😀",
    "👩\u200d🔬",
    "中文",
    "مرحبا",
    "שלום",
    "\r\n",
    "\r",
    "\n",
    "\u2028",
    "\u2029",
    "\t",
    "\ufeff",
    "𝔘",
    "ﬁ",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
bom_texts = texts.map(lambda t: "\ufeff" + t)
any_text = st.one_of(texts, bom_texts)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(any_text, st.data())
def test_utf16_offsets_match_the_encoder(text: str, data: st.DataObject) -> None:
    mapping = OffsetMap(text)
    i = data.draw(st.integers(0, len(text)))
    assert mapping.to_utf16(i) == utf16_units(text[:i])
    assert mapping.from_utf16(mapping.to_utf16(i)) == i
    assert utf16_length(text) == utf16_units(text)


@given(any_text, st.data())
def test_qt_positions_point_at_the_same_characters(text: str, data: st.DataObject) -> None:
    mapping = OffsetMap(text)
    display = mapping.display_text()
    units = display.encode("utf-16-le")
    i = data.draw(st.integers(0, len(text)))
    q = mapping.to_qt(i)
    assert 0 <= q <= utf16_units(display)
    if i < len(text) and text[i] not in "\r\n\ufeff":
        # the character at stored offset i is the character at Qt position q
        assert units[2 * q : 2 * q + 2 * len(text[i].encode("utf-16-le")) // 2].decode("utf-16-le") == text[i]
    # every position maps back to an offset whose Qt position is the same
    assert mapping.to_qt(mapping.from_qt(q)) == q


@given(any_text, st.data())
def test_span_text_survives_the_round_trip(text: str, data: st.DataObject) -> None:
    mapping = OffsetMap(text)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    start, end = mapping.from_qt(mapping.to_qt(a)), mapping.from_qt(mapping.to_qt(b))
    # a span maps back to itself, except that an end inside a BOM or a CRLF pair moves past it
    assert start - a <= 1 and text[a:start].strip("\ufeff\n") == ""
    assert end - b <= 1 and text[b:end].strip("\ufeff\n") == ""


@given(any_text)
def test_the_shift_table_maps_as_to_qt_does(text: str) -> None:
    mapping = OffsetMap(text)
    starts, shifts = mapping.qt_shifts()
    assert [i + shifts[bisect_right(starts, i)] for i in range(len(text) + 1)] == [
        mapping.to_qt(i) for i in range(len(text) + 1)
    ]


def test_display_text_rewrites_only_line_breaks_and_the_leading_bom() -> None:
    text = "\ufeffOne\r\ntwo\rthree\nfour\u2028five 😀 \ufeff"
    mapping = OffsetMap(text)
    assert mapping.display_text() == "One\ntwo\nthree\nfour\u2028five 😀 \ufeff"
    assert mapping.to_qt(0) == 0 and mapping.to_qt(1) == 0  # the BOM has no Qt position
    assert mapping.to_qt(text.index("two")) == 4  # CRLF counted once
    assert mapping.to_qt(text.index(" \ufeff") + 1) == mapping.to_qt(text.index("😀")) + 3  # emoji is two units
    assert mapping.from_qt(4) == text.index("two")


def test_offsets_outside_the_text_are_refused() -> None:
    import pytest

    with pytest.raises(IndexError):
        OffsetMap("abc").to_qt(4)
