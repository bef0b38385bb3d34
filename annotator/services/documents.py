"""Adding, listing, reading, editing and deleting documents. Every change is written to the change log."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from annotator.core.changes import Change
from annotator.core.errors import ConflictError
from annotator.core.listing import DocumentFilter, DocumentOrder
from annotator.core.model import Document, DocumentSummary
from annotator.core.ranges import Ranges, normalised
from annotator.services.project import Project
from annotator.store import (
    adjudications,
    annotations,
    collections,
    documents,
    overview,
    relations,
    statuses,
)
from annotator.store.documents import METADATA_FIELDS

__all__ = ["METADATA_FIELDS", "AddOutcome", "add_document", "delete_document", "get_document", "list_documents"]


@dataclass(frozen=True)
class AddOutcome:
    document: Document
    duplicate_of: Document | None = None  # set when the same text was already in the project
    records: tuple[Change, ...] = ()

    @property
    def added(self) -> bool:
        return self.duplicate_of is None


def add_document(project: Project, doc: Document, actor: str, session: Any = None) -> AddOutcome:
    """Store doc unless a document with the same text is there already. Pass session to join a larger transaction."""
    if session is None:
        with project.transaction() as own:
            return add_document(project, doc, actor, own)
    existing = documents.find_by_hash(session, doc.sha256)
    if existing is not None:
        return AddOutcome(doc, duplicate_of=existing)
    return AddOutcome(doc, records=tuple(documents.insert_many(session, [doc], actor)))


def list_documents(project: Project, annotator: str | None = None) -> list[DocumentSummary]:
    with project.transaction() as session:
        return overview.summaries(session, annotator)


TITLE_ORDER = DocumentOrder()


def find_documents(
    project: Project, chosen: DocumentFilter, annotator: str | None, order: DocumentOrder = TITLE_ORDER
) -> list[int]:
    """The row ids of the documents the filter keeps, in order (the navigator's list; no text is read)."""
    with project.transaction() as session:
        return overview.find(session, chosen, annotator, order)


def summaries_of(project: Project, ids: list[int], annotator: str | None) -> list[DocumentSummary]:
    """The list rows of these documents, in the order given."""
    with project.transaction() as session:
        return overview.summaries_of(session, ids, annotator)


def row_of(project: Project, uuid: str) -> int | None:
    with project.transaction() as session:
        return overview.row_id(session, uuid)


def progress(project: Project, annotator: str | None) -> tuple[int, int]:
    """(done by the annotator, documents): counts over every row, for a worker thread."""
    with project.transaction() as session:
        return overview.progress(session, annotator)


def outlets(project: Project) -> list[str]:
    with project.transaction() as session:
        return overview.outlets(session)


def has_documents(project: Project) -> bool:
    with project.transaction() as session:
        return overview.any_documents(session)


def get_document(project: Project, uuid: str) -> Document:
    with project.transaction() as session:
        return documents.get(session, uuid)


def resolve_document(project: Project, key: str) -> str:
    with project.transaction() as session:
        return documents.resolve(session, key)


STORY = "story"  # a metadata field the user edits too: which story (event) the article covers, across outlets
EDITABLE_FIELDS = (*METADATA_FIELDS, STORY)


def field_value(doc: Document, name: str) -> str:
    return str(doc.metadata.get(STORY, "")) if name == STORY else getattr(doc, name)


def update_metadata(
    project: Project, uuid: str, actor: str, expected: dict[str, str] | None = None, **values: str
) -> list[Change]:
    """Change title, outlet, author, published, language, source or story; the text itself never changes.

    expected holds the values the user saw for the fields being changed: if someone changed one of them since,
    ConflictError carries the stored document and nothing is written (the row's version also catches a change
    committed between this read and this write)."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable metadata: {', '.join(sorted(unknown))}")
    with project.transaction() as session:
        before, version = documents.get_versioned(session, uuid)
        clashes = [
            key
            for key, seen in (expected or {}).items()
            if key in values and field_value(before, key) != seen and field_value(before, key) != values[key]
        ]
        if clashes:
            now = "; ".join(f"{key} is now “{field_value(before, key)}”" for key in clashes)
            raise ConflictError(
                f"someone changed this document since you opened it ({now}); nothing was overwritten", current=before
            )
        after = replace(before, **{k: v for k, v in values.items() if k != STORY})
        if STORY in values:
            metadata = {k: v for k, v in before.metadata.items() if k != STORY}
            after = replace(after, metadata={**metadata, STORY: values[STORY]} if values[STORY] else metadata)
        return [documents.update(session, before, version, after, actor)]


def set_boilerplate(
    project: Project, uuid: str, ranges: Ranges, actor: str, expected: Ranges | None = None
) -> list[Change]:
    """Mark exactly these ranges of the document as boilerplate (page furniture: shown greyed, left out of
    counts, exports' context and agreement); the text never changes. expected: the ranges the user saw, so a
    colleague's change in between is refused (ConflictError), not overwritten."""
    with project.transaction() as session:
        before, version = documents.get_versioned(session, uuid)
        if expected is not None and before.boilerplate != expected:
            raise ConflictError(
                "someone changed which parts of this document are boilerplate since you opened it; nothing was "
                "overwritten",
                current=before,
            )
        after = replace(before, boilerplate=normalised(ranges, len(before.text)))
        if after.boilerplate == before.boilerplate:
            return []
        return [documents.update(session, before, version, after, actor)]


def delete_document(project: Project, uuid: str, actor: str) -> list[Change]:
    """Delete a document with everything that belongs to it; each part is logged, so it can be restored."""
    with project.transaction() as session:
        doc = documents.get(session, uuid)
        gone_relations = relations.of_document(session, uuid)
        gone = annotations.of_document(session, uuid)
        records = relations.delete_many(session, gone_relations, uuid, actor)
        records += annotations.delete_many(session, gone, actor)
        states = statuses.of_document(session, uuid)
        records += statuses.delete_of_document(session, uuid, actor)
        joined = collections.of_document(session, uuid)
        records += collections.leave_all(session, uuid, actor)
        records += adjudications.delete_of_document(session, uuid, actor)
        # what went with it, so a restore brings back exactly that (services/history)
        went_with = {
            "annotations": [a.uuid for a in gone],
            "relations": [r.uuid for r in gone_relations],
            "statuses": {who: status.value for who, status in states.items()},
            "collections": joined,
        }
        return [*records, documents.delete(session, doc, went_with, actor)]
