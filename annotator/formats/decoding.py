"""Bytes to text: the encoding detected (charset-normalizer), the BOM and line endings kept verbatim."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from annotator.core.errors import InputError
from annotator.core.text import looks_binary
from annotator.formats.limits import MAX_TEXT_BYTES, describe

PREFERENCE_MARGIN = 0.05
DETECTION_SAMPLE_BYTES = 1 << 20  # charset-normalizer looks at this much of a large file

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """The file's bytes, refusing empty files and files over limit before reading them."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputError("the file is empty", str(path))
        if size > limit:
            raise InputError(f"the {what} is {describe(size)}, over the {describe(limit)} limit", str(path))
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


def decode_text(data: bytes, path: str, limit: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    """(text, encoding name). A BOM stays in the text as U+FEFF: stored offsets count it, as PTC's do."""
    if not data:
        raise InputError("the file is empty", path)
    if len(data) > limit:
        raise InputError(f"the file is larger than the {describe(limit)} limit for one text", path)
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
    encoding = _guess_encoding(data, path)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:  # the guess came from a sample; the rest of the file disagrees
        raise InputError(f"looks like {encoding} text but byte {exc.start} is not {encoding}", path) from None


def strip_bom(text: str) -> str:
    """For batch files (CSV, JSON): the BOM belongs to the file, not to the first article in it."""
    return text[1:] if text.startswith("\ufeff") else text


def _guess_encoding(data: bytes, path: str) -> str:
    matches = list(from_bytes(data[:DETECTION_SAMPLE_BYTES]))
    if not matches:
        raise InputError("cannot tell the text encoding of this file (is it text?)", path)
    best = min(matches, key=lambda m: m.chaos)
    # Short Western texts fit several Windows code pages equally well; cp1252 is by far the most common
    # legacy encoding of news text, so it wins a near tie (Cyrillic or Polish texts do not offer it).
    near = [m for m in matches if m.chaos <= best.chaos + PREFERENCE_MARGIN and m.encoding == "cp1252"]
    return (near[0] if near else best).encoding
