"""Helpers the interchange formats share: stable ids, label names, span checks, text files, file names.

Foreign formats carry no annotation ids, so importers derive one from what identifies an annotation (document
text hash, annotator, label, offsets, and its position among equal ones): importing the same file twice gives
the same ids, and the import service skips what is already stored.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin
from annotator.formats.decoding import decode_text
from annotator.formats.fidelity import Fidelity

_NAMESPACE = uuid.UUID("6f1c1f9e-3a51-4b8e-9d0a-5a3e2c7b8d10")
_NAMESPACE_BYTES = _NAMESPACE.bytes
SUBTYPE_SEPARATOR = "/"


def stable_uuid(*parts: object) -> str:
    """uuid.uuid5(_NAMESPACE, the parts joined), computed without building UUID objects (an import makes one per
    annotation; this is three times faster and gives the very same ids)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "\x1f".join(str(p) for p in parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def join_label(label: str, subtype: str | None) -> str:
    """The one name other tools see for a label and sub-type: 'claim' or 'claim/statistical'."""
    return f"{label}{SUBTYPE_SEPARATOR}{subtype}" if subtype else label


def split_label(name: str) -> tuple[str, str | None]:
    label, sep, subtype = name.partition(SUBTYPE_SEPARATOR)
    return (label, subtype) if sep and label and subtype else (name, None)


class IdMaker:
    """Stable ids for the annotations of one document, counting repeats so equal annotations stay distinct."""

    def __init__(self, doc: Document, fmt: str):
        self._base = (fmt, doc.sha256)
        self._seen: Counter[tuple[Any, ...]] = Counter()

    def __call__(self, annotator: str, label: str, fragments: Iterable[Fragment]) -> str:
        key = (annotator, label, tuple((f.start, f.end) for f in fragments))
        self._seen[key] += 1
        return stable_uuid(*self._base, *key, self._seen[key])


def imported(
    doc: Document, ids: IdMaker, annotator: str, name: str, fragments: Iterable[Fragment], **fields: Any
) -> Annotation:
    """An imported annotation with a stable id; name may carry a sub-type ('claim/statistical')."""
    label, subtype = split_label(name)
    frags = tuple(sorted(fragments))
    return Annotation(
        document=doc.uuid,
        annotator=annotator,
        label=label,
        subtype=subtype,
        fragments=frags,
        origin=Origin.IMPORTED,
        uuid=ids(annotator, name, frags),
        **fields,
    )


def fragment(text: str, start: int, end: int, expected: str | None, path: str, line: int | None) -> Fragment:
    """A checked fragment: inside the text, non-empty, and covering what the file says it covers."""
    if not 0 <= start < end:
        raise InputError(f"span {start}..{end} is empty or reversed", path, line)
    if end > len(text):
        raise InputError(f"span {start}..{end} lies beyond the end of the text ({len(text)} characters)", path, line)
    if expected is not None and text[start:end] != expected:
        raise InputError(
            f"span {start}..{end} covers {_short(text[start:end])!r}, but the file says {_short(expected)!r}",
            path,
            line,
        )
    return Fragment(start, end)


def anchored(
    text: str,
    start: int,
    end: int,
    expected: str | None,
    *,
    region: str,
    path: str,
    line: int | None,
    reanchor: bool,
    fidelity: Fidelity,
) -> Fragment:
    """A fragment at start..end that covers expected (when given), for a region named in messages.

    An offset that misses its text is an error naming the region, file and line; only with reanchor is the span
    moved to the occurrence of its text nearest to start, and the move is listed in the fidelity report."""
    if 0 <= start < end <= len(text) and (expected is None or text[start:end] == expected):
        return Fragment(start, end)
    if not 0 <= start < end:
        raise InputError(f"{region}: span {start}..{end} is empty or reversed", path, line)
    if expected is None or not expected:
        raise InputError(
            f"{region}: span {start}..{end} lies beyond the end of the text ({len(text)} characters)", path, line
        )
    covered = text[start:end] if end <= len(text) else "(beyond the end of the text)"
    found = [at for at in _occurrences(text, expected)]
    if not reanchor or not found:
        hint = (
            "; --reanchor moves it to the nearest occurrence of its text" if found else ", which is nowhere in the text"
        )
        raise InputError(
            f"{region}: span {start}..{end} covers {_short(covered)!r}, but the file says {_short(expected)!r}{hint}",
            path,
            line,
        )
    best = min(found, key=lambda at: (abs(at - start), at))
    place = f"{path}:{line}" if line else path
    fidelity.moved(
        f"{place}: {region} from {start}..{end} to {best}..{best + len(expected)} ({_short(expected, 40)!r})"
    )
    return Fragment(best, best + len(expected))


def _occurrences(text: str, needle: str) -> Iterable[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def read_text(path: Path) -> tuple[str, str]:
    """(text, encoding) of a text file, BOM and line ends kept exactly (offsets count them)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    return decode_text(data, str(path))


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write a document's text back as it was read: its encoding, BOM inside the text, no newline translation."""
    codec = encoding.removesuffix("-bom") if encoding.endswith("-bom") else encoding
    try:
        data = text.encode(codec)
    except (LookupError, UnicodeEncodeError):
        data = text.encode("utf-8")
    path.write_bytes(data)


_UNSAFE = re.compile(r"[^\w.-]+")


def file_stem(doc: Document, taken: set[str]) -> str:
    """A file name stem for a document, unique among taken (which it joins)."""
    stem = _UNSAFE.sub("_", doc.title.strip())[:60].strip("._") or "document"
    candidate = stem
    if candidate in taken:
        candidate = f"{stem}_{doc.uuid[:8]}"
    n = 2
    while candidate in taken:
        candidate = f"{stem}_{doc.uuid[:8]}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(\s+)|(\s*\n\s*)")  # the break is the group that matched
# the same breaks in a text without a line break: trying the line-break branch at every character costs ~5x
_PUNCTUATION_END = re.compile(r"[.!?…][\"'”’)\]]*(\s+)")


class Sentences:
    """Sentence breaks of one text, found once, so the sentence around each of many spans is a lookup."""

    def __init__(self, text: str, boilerplate: tuple[tuple[int, int], ...] = ()):
        """boilerplate: ranges of page furniture, which break sentences: a span's context never reaches into it."""
        self.text = text
        matches = list((_SENTENCE_END if "\n" in text else _PUNCTUATION_END).finditer(text))
        self._break_starts = [m.start(m.lastindex or 0) for m in matches]
        self._break_ends = [m.end(m.lastindex or 0) for m in matches]
        if boilerplate:
            self._break_starts = sorted(self._break_starts + [start for start, _ in boilerplate])
            self._break_ends = sorted(self._break_ends + [end for _, end in boilerplate])

    def around(self, start: int, end: int) -> str:
        """The sentence(s) holding text[start:end]: from the last break before it to the next break after it."""
        i = bisect_right(self._break_ends, start) - 1
        j = bisect_left(self._break_starts, end)
        before = self._break_ends[i] if i >= 0 else 0
        after = self._break_starts[j] if j < len(self._break_starts) else len(self.text)
        return self.text[before:after].strip()
