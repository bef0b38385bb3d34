"""CoNLL, reading: one token per line with its tag in the last column (space or tab separated), blank lines
between sentences, as written by this tool's CoNLL export (conll.py), CoNLL-2003 (TOKEN POS CHUNK TAG) and
doccano's CoNLL export.

Documents: "-DOCSTART-" lines start them; a file without any (doccano's) has one document per blank-line-separated
block. A document's text is its tokens joined by spaces, its sentences by line breaks (CoNLL keeps no more of
the original text). Tags: IOB2/BIO, IOB1 (CoNLL-2003's: an I- after O or another label starts a span), BIOES (S- and
E-) and BILOU (U- and L-); "claim/statistical" names a sub-type. The tag scheme, the separator, the
"-DOCSTART-" line and the columns between token and tag are kept as the document's CoNLL data (fidelity.py), so
an export to CoNLL writes them back. Annotators are not in CoNLL: documents are by --annotator or "conll", and
a text the file holds again (a second annotator's block in this tool's export) is by "conll#2", "conll#3", ...
so that two people's tags are never merged. A line that breaks the format names its rule, file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin
from annotator.formats._common import IdMaker, split_label
from annotator.formats.decoding import decode_text
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

FORMAT = "conll"
DOCSTART = "-DOCSTART-"
DEFAULT_ANNOTATOR = "conll"
_TAG = re.compile(r"^(O|[BIESLU]-.+)$")


def _sniff(path: Path, head: bytes) -> bool:
    """Token lines whose last column is a tag, with at least one span tag or a -DOCSTART- line."""
    lines = [line for line in head.decode("utf-8", "ignore").lstrip("\ufeff").splitlines()[:60] if line.strip()]
    if head[:4096].count(b"\n") >= 3 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the end of the head
    if len(lines) < 2 or lines[0].startswith(("#", "{", "[", "<")):
        return False
    tagged = [line.split() for line in lines if not line.startswith(DOCSTART)]
    if not tagged or any(len(cells) < 2 or not _TAG.match(cells[-1]) for cells in tagged):
        return False
    return any(cells[-1] != "O" for cells in tagged) or any(line.startswith(DOCSTART) for line in lines)


@reader(
    "conll", extensions=("conll", "iob", "bio"), description="CoNLL IOB2/BIOES tags (one label layer)", sniff=_sniff
)
def read_conll(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    text, _ = decode_text(raw, str(path))
    lines = text.lstrip("\ufeff").split("\n")
    with_docstart = any(line.startswith(DOCSTART) for line in lines)
    seen: dict[str, int] = {}
    for block in _documents(lines, with_docstart, str(path)):
        bundle = _document(block, str(path), options, seen)
        if bundle is not None:
            yield bundle


def _documents(lines: list[str], with_docstart: bool, where: str) -> Iterator[dict[str, Any]]:
    """{"docstart": line, "sentences": [[(line number, cells), ...], ...]} per document."""
    current: dict[str, Any] = {"docstart": None, "sentences": [[]]}
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if line.startswith(DOCSTART):
            if any(current["sentences"]):
                yield current
            current = {"docstart": line, "sentences": [[]]}
            continue
        if not line.strip():
            if current["sentences"][-1]:
                if with_docstart:
                    current["sentences"].append([])
                else:  # doccano: one document per block
                    yield current
                    current = {"docstart": None, "sentences": [[]]}
            continue
        separator = "\t" if "\t" in line else " "
        cells = line.split(separator) if separator == "\t" else line.split()
        if len(cells) < 2:
            raise InputError(
                f"a token line is 'TOKEN TAG' (more columns between are kept); got {line[:40]!r}", where, number
            )
        if not _TAG.match(cells[-1]):
            raise InputError(
                f"the last column is a tag: O, B-, I-, E-, S-, L- or U- and a label; got {cells[-1]!r}", where, number
            )
        current.setdefault("separator", separator)
        current["sentences"][-1].append((number, cells))
    if any(current["sentences"]):
        yield current


def _document(block: dict[str, Any], where: str, options: ReadOptions, seen: dict[str, int]) -> DocumentBundle | None:
    sentences = [s for s in block["sentences"] if s]
    if not sentences:
        return None
    pieces, positions = [], []
    offset = 0
    for s, sentence in enumerate(sentences):
        for t, (_, cells) in enumerate(sentence):
            if t:
                pieces.append(" ")
                offset += 1
            positions.append((offset, offset + len(cells[0])))
            pieces.append(cells[0])
            offset += len(cells[0])
        if s + 1 < len(sentences):
            pieces.append("\n")
            offset += 1
    text = "".join(pieces)
    seen[text] = seen.get(text, 0) + 1
    base = options.annotator or DEFAULT_ANNOTATOR
    annotator = base if seen[text] == 1 else f"{base}#{seen[text]}"
    rows = [row for sentence in sentences for row in sentence]
    data: dict[str, Any] = {
        "scheme": _scheme(sentences),
        "separator": block.get("separator", " "),
    }
    data["docstart"] = block["docstart"]  # None: a file without them (doccano's)
    if any(len(cells) > 2 for _, cells in rows):
        data["columns"] = [cells[1:-1] for _, cells in rows]
    doc = Document(
        text=text, title=title_from(text, "CoNLL document"), newline="lf" if "\n" in text else "none", source=where
    )
    doc.metadata[FORMAT] = data
    ids = IdMaker(doc, FORMAT)
    annotations = []
    for label, first, last in _spans(sentences, where):
        frag = Fragment(positions[first][0], positions[last][1])
        name, subtype = split_label(label)
        uuid = ids(annotator, label, [frag])
        annotations.append(Annotation(doc.uuid, annotator, name, (frag,), subtype, origin=Origin.IMPORTED, uuid=uuid))
    options.fidelity.keep(FORMAT, "document")
    options.fidelity.keep(FORMAT, "span", len(annotations))
    options.fidelity.preserve(FORMAT, "column value", sum(len(c) for c in data.get("columns", [])))
    return DocumentBundle(doc, annotations, [])


def _scheme(sentences: list[list[tuple[int, list[str]]]]) -> str:
    tags = [[cells[-1] for _, cells in sentence] for sentence in sentences]
    prefixes = {tag[0] for sentence in tags for tag in sentence if tag != "O"}
    if prefixes & {"L", "U"}:
        return "BILOU"
    if prefixes & {"E", "S"}:
        return "BIOES"
    for sentence in tags:  # IOB1 (CoNLL-2003): a span starts with I-, B- only right after one of its label
        for n, tag in enumerate(sentence):
            if tag.startswith("I-") and (n == 0 or sentence[n - 1][2:] != tag[2:] or sentence[n - 1] == "O"):
                return "IOB1"
    return "IOB2"


def _spans(sentences: list[list[tuple[int, list[str]]]], where: str) -> Iterator[tuple[str, int, int]]:
    """(label, first token, last token) of each tagged span; token indexes count across the document."""
    index = 0
    for sentence in sentences:
        open_span: tuple[str, int] | None = None
        for number, cells in sentence:
            tag = cells[-1]
            kind, _, label = tag.partition("-")
            if tag == "O" or kind in "BSU" or (open_span is not None and open_span[0] != label):
                if open_span is not None:
                    yield open_span[0], open_span[1], index - 1
                open_span = None
            if kind in "BIEL" and open_span is None:
                open_span = (label, index)
            elif kind in "SU":
                yield label, index, index
            if kind in "EL" and open_span is not None:
                yield open_span[0], open_span[1], index
                open_span = None
            if not label and tag != "O":
                raise InputError(f"the tag {tag!r} names no label", where, number)
            index += 1
        if open_span is not None:
            yield open_span[0], open_span[1], index - 1
