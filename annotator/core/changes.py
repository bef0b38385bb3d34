"""The change record: what every write produces, the change log stores, and windows and live updates consume.

One record per entity written (an import may write one per document for the annotations it brings). `before`
and `after` are the entity's JSON form (model.py) as it was and as it is, so history can show a change and
recovery can put a deleted record back. Records are compared by value; a stored one also knows its position
in the log (`log_id`), which is how a window recognises the echo of its own edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.core.model import utc_now

# entities (what `entity` holds)
ANNOTATOR = "annotator"
DOCUMENT = "document"
ANNOTATION = "annotation"
IMPORT = "import"  # the annotations one document gained in an import: after = {"annotations": [...], ...}
FILE = "file"  # one imported file: what it brought and what its format could not keep (no table: a record only)
RELATION = "relation"
STATUS = "status"  # key "document/annotator"
COLLECTION = "collection"  # key: the collection's name
MEMBERSHIP = "membership"  # key: the document; payload {"collection": name}
SCHEME = "scheme"
ADJUDICATION = "adjudication"
SUGGESTIONS = "suggestions"  # key: the document; after = {"suggestions": [...]}: its open ones after a run
FEEDBACK = "feedback"  # a learning record: what a person did with a suggestion
BLIND = "blind"  # a blind-annotation rule; key "annotator/NAME" or "collection/NAME"

KINDS = (
    *(ANNOTATOR, DOCUMENT, ANNOTATION, IMPORT, FILE, RELATION, STATUS, COLLECTION, MEMBERSHIP, SCHEME, ADJUDICATION),
    *(SUGGESTIONS, FEEDBACK, BLIND),
)

# actions
CREATE, UPDATE, DELETE = "create", "update", "delete"

Payload = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """One entity created, updated or deleted, by whom and when."""

    entity: str
    key: str  # the entity's id: a uuid, or the key named above
    action: str
    document: str | None  # the document it belongs to (None for project-wide entities)
    before: Payload | None
    after: Payload | None
    actor: str
    at: datetime = field(default_factory=utc_now)
    log_id: int | None = None  # its position in the change log, once stored

    @property
    def payload(self) -> Payload:
        """What the entity is after the change (what it was, for a deletion)."""
        return self.after or self.before or {}


def created(entity: str, key: str, document: str | None, after: Payload, actor: str) -> Change:
    return Change(entity, key, CREATE, document, None, after, actor)


def updated(entity: str, key: str, document: str | None, before: Payload, after: Payload, actor: str) -> Change:
    return Change(entity, key, UPDATE, document, before, after, actor)


def deleted(entity: str, key: str, document: str | None, before: Payload, actor: str) -> Change:
    return Change(entity, key, DELETE, document, before, None, actor)
