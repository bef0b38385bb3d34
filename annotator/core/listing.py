"""What the document list shows: which documents (a filter) in which order, answered by the store in SQL so
that 100,000 documents are listed without reading a text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from annotator.core.model import Status

SORT_KEYS = ("title", "outlet", "published", "status", "count")


@dataclass(frozen=True)
class DocumentFilter:
    text: str = ""  # a part of the title, the outlet or the date
    outlet: str | None = None
    collection: str | None = None
    status: Status | None = None  # the listing annotator's status
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    label: str | None = None  # someone annotated this label (with any sub-type) in the document

    @property
    def active(self) -> bool:
        return self != DocumentFilter()


@dataclass(frozen=True)
class DocumentOrder:
    key: str = "title"  # one of SORT_KEYS; count and status are the listing annotator's
    descending: bool = False

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise ValueError(f"cannot sort documents by {self.key}")
