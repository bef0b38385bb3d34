"""Bytes to text: the encoding detected (charset-normalizer), the BOM and line endings kept verbatim."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from annotator.core.errors import InputError
from annotator.core.text import looks_binary

MAX_TEXT_BYTES = 50 * 1024 * 1024  # one article; larger files are refused rather than loaded

PREFERENCE_MARGIN = 0.05

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding name). A BOM stays in the text as U+FEFF: stored offsets count it, as PTC's do."""
    if not data:
        raise InputError("the file is empty", path)
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"the file is larger than the {MAX_TEXT_BYTES // 2**20} MB limit for one text", path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), f"{encoding}-bom"
            except UnicodeDecodeError as exc:
                reason = f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}"
                raise InputError(reason, path) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_binary(data):
        raise InputError("this is a binary file, not text", path)
    matches = list(from_bytes(data))
    if not matches:
        raise InputError("cannot tell the text encoding of this file (is it text?)", path)
    best = min(matches, key=lambda m: m.chaos)
    # Short Western texts fit several Windows code pages equally well; cp1252 is by far the most common
    # legacy encoding of news text, so it wins a near tie (Cyrillic or Polish texts do not offer it).
    near = [m for m in matches if m.chaos <= best.chaos + PREFERENCE_MARGIN and m.encoding == "cp1252"]
    chosen = near[0] if near else best
    return str(chosen), chosen.encoding
