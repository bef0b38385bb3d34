"""The domain: documents, annotators, annotations and relations as plain, immutable dataclasses.

Offsets are 0-based, end-exclusive Unicode code points into the document's stored text (see offsets.py).
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from annotator.core.errors import InputError
from annotator.core.ranges import Ranges, normalised
from annotator.core.text import sha256_of

AttributeValue = str | bool | int | float | None


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


class Origin(StrEnum):
    MANUAL = "manual"
    IMPORTED = "imported"
    SUGGESTION = "suggestion"  # an accepted suggestion (its provenance on the annotation)


# stored value -> Origin, without the enum's lookup cost; "suggested" is how files of earlier versions spell it
ORIGINS = {**{origin.value: origin for origin in Origin}, "suggested": Origin.SUGGESTION}


@dataclass(frozen=True)
class Provenance:
    """Where an accepted suggestion came from: kept on the annotation it became, and in every export."""

    suggestion: str  # the suggestion's id
    recommender: str
    recommender_version: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.suggestion,
            "recommender": self.recommender,
            "recommender_version": self.recommender_version,
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        return cls(
            str(data["id"]), str(data["recommender"]), str(data.get("recommender_version", "")), float(data["score"])
        )


class Status(StrEnum):
    """One annotator's progress on one document."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class AnnotatorKind(StrEnum):
    PERSON = "person"
    GOLD = "gold"  # the adjudicated layer is written by its own annotator identity


@dataclass(frozen=True)
class Annotator:
    name: str
    uuid: str = field(default_factory=new_uuid)
    kind: AnnotatorKind = AnnotatorKind.PERSON


@dataclass(frozen=True)
class Document:
    text: str
    title: str = ""
    uuid: str = field(default_factory=new_uuid)
    sha256: str = ""
    encoding: str = "utf-8"
    newline: str = "none"  # lf, crlf, cr, mixed or none: how the source ended its lines
    source: str = ""  # file path or URL it came from
    outlet: str = ""
    author: str = ""
    published: str = ""  # ISO 8601 date as given; kept as text because sources give partial dates
    language: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    created: datetime = field(default_factory=utc_now)
    # page furniture around the article (navigation, captions, "Subscribe"): ranges of the text marked, never cut
    boilerplate: Ranges = ()

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_of(self.text))
        if self.boilerplate:
            object.__setattr__(self, "boilerplate", normalised(self.boilerplate, len(self.text)))


@dataclass(frozen=True, order=True)
class Fragment:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise InputError(f"a fragment needs 0 <= start < end, got {self.start}..{self.end}")

    def covered(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Annotation:
    """A labelled span (one or more fragments) by one annotator; no fragment means a document-level label."""

    document: str  # document uuid
    annotator: str  # annotator name
    label: str
    fragments: tuple[Fragment, ...] = ()
    subtype: str | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    note: str = ""
    origin: Origin = Origin.MANUAL
    uuid: str = field(default_factory=new_uuid)
    created: datetime = field(default_factory=utc_now)
    modified: datetime = field(default_factory=utc_now)
    version: int = 1
    provenance: Provenance | None = None  # set when the annotation is an accepted suggestion

    def __post_init__(self) -> None:
        if len(self.fragments) > 1 or not isinstance(self.fragments, tuple):
            object.__setattr__(self, "fragments", tuple(sorted(self.fragments)))

    @property
    def is_document_level(self) -> bool:
        return not self.fragments

    @property
    def start(self) -> int:
        return self.fragments[0].start if self.fragments else 0

    @property
    def end(self) -> int:
        return max(f.end for f in self.fragments) if self.fragments else 0

    def covered_texts(self, text: str) -> list[str]:
        return [f.covered(text) for f in self.fragments]

    def check_within(self, text_length: int) -> None:
        for frag in self.fragments:
            if frag.end > text_length:
                raise InputError(
                    f"span {frag.start}..{frag.end} lies beyond the end of the text ({text_length} characters)"
                )


# -- rebuilding what our own database holds ---------------------------------------------------------------
# Rows read back were checked when they were stored, so these skip the constructors' checks and per-field
# setattr calls: a large document's 10,000 annotations are made at once when it opens (about 3x faster).

_new = object.__new__
_set_attribute = object.__setattr__


def stored_fragment(start: int, end: int) -> Fragment:
    """A Fragment as stored (0 <= start < end already holds)."""
    fragment = _new(Fragment)
    _set_attribute(fragment, "__dict__", {"start": start, "end": end})
    return fragment


def stored_annotation(
    document: str,
    annotator: str,
    label: str,
    fragments: tuple[Fragment, ...],
    subtype: str | None,
    attributes: dict[str, AttributeValue],
    note: str,
    origin: Origin,
    uuid: str,
    created: datetime,
    modified: datetime,
    version: int,
    provenance: Provenance | None = None,
) -> Annotation:
    """An Annotation as stored, equal to the one the constructor makes from the same values."""
    if len(fragments) > 1:
        fragments = tuple(sorted(fragments))
    ann = _new(Annotation)
    _set_attribute(
        ann,
        "__dict__",
        {
            "document": document,
            "annotator": annotator,
            "label": label,
            "fragments": fragments,
            "subtype": subtype,
            "attributes": attributes,
            "note": note,
            "origin": origin,
            "uuid": uuid,
            "created": created,
            "modified": modified,
            "version": version,
            "provenance": provenance,
        },
    )
    return ann


@dataclass(frozen=True)
class Relation:
    """A typed, directed link between two annotations, e.g. an attribution's content to its source."""

    type: str
    source: str  # annotation uuid the relation starts from
    target: str  # annotation uuid it points to
    annotator: str
    uuid: str = field(default_factory=new_uuid)
    created: datetime = field(default_factory=utc_now)


@dataclass(frozen=True)
class DocumentSummary:
    """A row of the document list: what the navigator shows without loading texts."""

    uuid: str
    title: str
    outlet: str
    published: str
    sha256: str
    length: int
    annotation_count: int
    status: Status


# -- JSON forms, used by the change log (and so for recovery) and by the CLI --------------------------------


def annotation_to_dict(ann: Annotation) -> dict[str, Any]:
    return {
        "uuid": ann.uuid,
        "document": ann.document,
        "annotator": ann.annotator,
        "label": ann.label,
        "subtype": ann.subtype,
        "fragments": [[f.start, f.end] for f in ann.fragments],
        "attributes": dict(ann.attributes),
        "note": ann.note,
        "origin": ann.origin.value,
        "created": ann.created.isoformat(),
        "modified": ann.modified.isoformat(),
        "version": ann.version,
        **({"suggestion": ann.provenance.to_dict()} if ann.provenance else {}),
    }


def annotation_from_dict(data: dict[str, Any]) -> Annotation:
    return Annotation(
        uuid=data["uuid"],
        document=data["document"],
        annotator=data["annotator"],
        label=data["label"],
        subtype=data.get("subtype"),
        fragments=tuple(Fragment(s, e) for s, e in data.get("fragments", ())),
        attributes=dict(data.get("attributes", {})),
        note=data.get("note", ""),
        origin=ORIGINS.get(data.get("origin", "manual")) or Origin(data["origin"]),
        created=datetime.fromisoformat(data["created"]),
        modified=datetime.fromisoformat(data["modified"]),
        version=int(data.get("version", 1)),
        provenance=Provenance.from_dict(data["suggestion"]) if data.get("suggestion") else None,
    )


def relation_to_dict(rel: Relation) -> dict[str, Any]:
    return {
        "uuid": rel.uuid,
        "type": rel.type,
        "source": rel.source,
        "target": rel.target,
        "annotator": rel.annotator,
        "created": rel.created.isoformat(),
    }


def relation_from_dict(data: dict[str, Any]) -> Relation:
    return Relation(
        data["type"],
        data["source"],
        data["target"],
        data["annotator"],
        data["uuid"],
        datetime.fromisoformat(data["created"]),
    )


def document_to_dict(doc: Document, with_text: bool = True) -> dict[str, Any]:
    data = {
        "uuid": doc.uuid,
        "title": doc.title,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "newline": doc.newline,
        "source": doc.source,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
        "language": doc.language,
        "metadata": dict(doc.metadata),
        "created": doc.created.isoformat(),
        "length": len(doc.text),
        "boilerplate": [list(pair) for pair in doc.boilerplate],
    }
    if with_text:
        data["text"] = doc.text
    return data


def document_from_dict(data: dict[str, Any]) -> Document:
    """The document a logged creation or deletion holds (its text included)."""
    return Document(
        text=data["text"],
        title=data.get("title", ""),
        uuid=data["uuid"],
        sha256=data.get("sha256", ""),
        encoding=data.get("encoding", "utf-8"),
        newline=data.get("newline", "none"),
        source=data.get("source", ""),
        outlet=data.get("outlet", ""),
        author=data.get("author", ""),
        published=data.get("published", ""),
        language=data.get("language", ""),
        metadata=dict(data.get("metadata") or {}),
        created=datetime.fromisoformat(data["created"]),
        boilerplate=tuple(tuple(pair) for pair in data.get("boilerplate") or ()),
    )
