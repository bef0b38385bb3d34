"""Adding, listing, reading, editing and deleting documents. Every change is written to the change log."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from annotator.core.errors import ConflictError
from annotator.core.model import Document, DocumentSummary, annotation_to_dict, relation_to_dict
from annotator.services.project import Change, Project
from annotator.store import repo

METADATA_FIELDS = ("title", "outlet", "author", "published", "language", "source")


@dataclass(frozen=True)
class AddOutcome:
    document: Document
    duplicate_of: Document | None = None  # set when the same text was already in the project

    @property
    def added(self) -> bool:
        return self.duplicate_of is None


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
    }
    if with_text:
        data["text"] = doc.text
    return data


def add_document(project: Project, doc: Document, actor: str, session: Any = None) -> AddOutcome:
    """Store doc unless a document with the same text is there already. Pass session to join a larger transaction."""
    if session is None:
        with project.transaction() as own:
            return add_document(project, doc, actor, own)
    existing = repo.find_document_by_hash(session, doc.sha256)
    if existing is not None:
        return AddOutcome(doc, duplicate_of=existing)
    session.add(repo.document_to_row(doc))
    repo.log_change(session, actor, "document", doc.uuid, "create", doc.uuid, None, document_to_dict(doc))
    return AddOutcome(doc)


def list_documents(project: Project, annotator: str | None = None) -> list[DocumentSummary]:
    with project.transaction() as session:
        return repo.document_summaries(session, annotator)


def get_document(project: Project, uuid: str) -> Document:
    with project.transaction() as session:
        return repo.row_to_document(repo.document_row(session, uuid))


def resolve_document(project: Project, key: str) -> str:
    with project.transaction() as session:
        return repo.resolve_document(session, key)


def update_metadata(
    project: Project, uuid: str, actor: str, expected: dict[str, str] | None = None, **values: str
) -> Change:
    """Change title, outlet, author, published, language or source; the text itself never changes.

    expected holds the values the user saw for the fields being changed: if someone changed one of them since,
    ConflictError carries the stored document and nothing is written (the row's version column also catches a
    change committed between this read and this write)."""
    unknown = set(values) - set(METADATA_FIELDS)
    if unknown:
        raise ValueError(f"not editable metadata: {', '.join(sorted(unknown))}")
    with project.transaction() as session:
        row = repo.document_row(session, uuid)
        before = repo.row_to_document(row)
        clashes = [
            key
            for key, seen in (expected or {}).items()
            if key in values and getattr(before, key) != seen and getattr(before, key) != values[key]
        ]
        if clashes:
            now = "; ".join(f"{key} is now “{getattr(before, key)}”" for key in clashes)
            raise ConflictError(
                f"someone changed this document since you opened it ({now}); nothing was overwritten", current=before
            )
        for key, value in values.items():
            setattr(row, key, value)
        after = replace(before, **values)
        repo.log_change(
            session,
            actor,
            "document",
            uuid,
            "update",
            uuid,
            document_to_dict(before, with_text=False),
            document_to_dict(after, with_text=False),
        )
    return Change("updated", "document", uuid, uuid)


def delete_document(project: Project, uuid: str, actor: str) -> Change:
    """Delete a document and its annotations; the change log keeps all of it, so it can be restored."""
    with project.transaction() as session:
        row = repo.document_row(session, uuid)
        relations, annotations = repo.relations_of(session, uuid), repo.annotations_of(session, uuid)
        for rel in relations:
            repo.log_change(session, actor, "relation", rel.uuid, "delete", uuid, relation_to_dict(rel), None)
        for ann in annotations:
            repo.log_change(session, actor, "annotation", ann.uuid, "delete", uuid, annotation_to_dict(ann), None)
        doc = repo.row_to_document(row)
        # which annotations and relations went with it, so a restore brings back exactly those (services/history)
        logged = {
            **document_to_dict(doc),
            "annotations": [a.uuid for a in annotations],
            "relations": [r.uuid for r in relations],
        }
        repo.log_change(session, actor, "document", uuid, "delete", uuid, logged, None)
        session.delete(row)
    return Change("deleted", "document", uuid, uuid)
