"""Facts about a stored text: its hash and its newline style. The text itself is never altered."""

import hashlib
import re

_NEWLINES = re.compile(r"\r\n|\r|\n")


def sha256_of(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes: identifies a document across projects and machines."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def newline_style(text: str) -> str:
    """'lf', 'crlf', 'cr', 'mixed' or 'none', as the source ended its lines."""
    kinds = {m.group() for m in _NEWLINES.finditer(text)}
    if not kinds:
        return "none"
    if len(kinds) > 1:
        return "mixed"
    return {"\n": "lf", "\r\n": "crlf", "\r": "cr"}[kinds.pop()]


def looks_binary(data: bytes) -> bool:
    """True for bytes that are clearly not text: NUL bytes outside a UTF-16/32 encoding."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    return b"\x00" in head
