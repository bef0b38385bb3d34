"""Hypothesis strategies shared by the format tests: texts with emoji, CRLF, a BOM, combining marks and RTL
script, and annotated documents over them."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from annotator.core.model import Annotation, Document, Fragment, Origin, Relation
from annotator.formats._common import stable_uuid
from annotator.formats.registry import DocumentBundle

PIECES = (
    "The",
    "minister",
    "said",
    "taxes",
    "rise",
    "5%",
    "😀",
    "👍🏽",
    "e\u0301",
    "na\u0303o",
    "שלום",
    "مرحبا",
    "中文",
    "\u00a0",
    " ",
    " ",
    " ",
    "\n",
    "\r\n",
    "\r\n\r\n",
    ".",
    ",",
    "«",
    "»",
    '"',
    "—",
    "x",
    "\\",
    "[",
    "]",
    "|",
    "_",
    "*",
)
WORDS = tuple(p for p in PIECES if p.strip())
LABELS = ("claim", "claim/statistical", "opinion/loaded_language", "attribution/source", "framing/economic")
PEOPLE = ("alice", "bob")
ATTRIBUTES = ({}, {"check_worthy": True}, {"polarity": "negative", "holder": "the minister"}, {"quote": "direct"})
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@st.composite
def texts(draw: st.DrawFn, bom: bool | None = None) -> str:
    """A text starting with a word (after an optional BOM) and holding at least one more word."""
    body = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
    text = draw(st.sampled_from(WORDS)) + "".join(body) + draw(st.sampled_from(WORDS))
    with_bom = draw(st.booleans()) if bom is None else bom
    return ("\ufeff" + text) if with_bom else text


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


@st.composite
def bundles(
    draw: st.DrawFn,
    *,
    max_annotations: int = 6,
    fragments: int = 1,
    trim: bool = False,
    relations: bool = False,
    notes: bool = False,
    document_level: bool = False,
    attributes: bool = False,
    people: tuple[str, ...] = PEOPLE,
) -> DocumentBundle:
    """A document with annotations: spans of 1..fragments pieces (trimmed of outer spaces when trim)."""
    text = draw(texts())
    doc = Document(text, title="Generated", created=WHEN)
    annotations = []
    for n in range(draw(st.integers(0, max_annotations))):
        pieces = []
        for _ in range(draw(st.integers(1, fragments))):
            a, b = sorted(draw(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))))
            span = _trimmed(text, a, b) if trim else ((a, b) if a < b else None)
            if span and all(span[1] <= p.start or span[0] >= p.end for p in pieces):
                pieces.append(Fragment(*span))
        if not pieces:
            continue
        label, _, subtype = draw(st.sampled_from(LABELS)).partition("/")
        annotations.append(
            Annotation(
                document=doc.uuid,
                annotator=draw(st.sampled_from(people)),
                label=label,
                subtype=subtype or None,
                fragments=tuple(pieces),
                note=draw(st.sampled_from(("", "a note", "two\nlines"))) if notes else "",
                origin=Origin.IMPORTED,
                uuid=stable_uuid("test", doc.uuid, n),
                created=WHEN,
                modified=WHEN,
                attributes=draw(st.sampled_from(ATTRIBUTES)) if attributes else {},
            )
        )
    if document_level and draw(st.booleans()):
        annotations.append(Annotation(doc.uuid, people[0], "genre", (), "reporting", uuid=stable_uuid("doc", doc.uuid)))
    links = []
    if relations and len(annotations) >= 2:
        for k in range(draw(st.integers(0, 2))):
            a, b = draw(st.permutations(annotations))[:2]
            if a.annotator == b.annotator and a.fragments and b.fragments:
                links.append(Relation("attributed_to", a.uuid, b.uuid, a.annotator, uuid=stable_uuid("rel", k, a.uuid)))
    return DocumentBundle(doc, annotations, links)


def spans_of(bundle: DocumentBundle, *, with_subtype: bool = True, by_fragment: bool = False) -> list[tuple]:
    """What a span format must bring back: annotator, label, sub-type and fragments, in a fixed order."""
    out = []
    for a in bundle.annotations:
        if not a.fragments:
            continue
        subtype = a.subtype if with_subtype else None
        if by_fragment:
            out += [(a.annotator, a.label, subtype, ((f.start, f.end),)) for f in a.fragments]
        else:
            out.append((a.annotator, a.label, subtype, tuple((f.start, f.end) for f in a.fragments)))
    return sorted(out, key=repr)


def relations_of(bundle: DocumentBundle) -> list[tuple]:
    """Relations as (type, from span, to span), independent of ids."""
    where = {a.uuid: (a.label, a.subtype, tuple((f.start, f.end) for f in a.fragments)) for a in bundle.annotations}
    return sorted(((r.type, where[r.source], where[r.target]) for r in bundle.relations), key=repr)


def round_trip(
    format_name: str, items: list[DocumentBundle], read_options: object = None, **extra: object
) -> list[DocumentBundle]:
    """Write bundles with the format's writer into a temporary place and read them back with its reader."""
    import tempfile
    from pathlib import Path

    from annotator.core.scheme import default_scheme
    from annotator.formats import registry
    from annotator.formats.registry import ReadOptions, WriteOptions

    fmt = registry.get(format_name)
    assert fmt.read is not None and fmt.write is not None
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("out" if fmt.folder else f"out.{fmt.extensions[0]}")
        if fmt.folder:
            target.mkdir()
        fmt.write(items, target, WriteOptions(extra={"scheme": default_scheme(), **extra}))
        return list(fmt.read(target, read_options or ReadOptions()))  # type: ignore[arg-type]
