"""Annotating one document as one annotator: create, edit, delete, restore, relate, and progress status.

Each call is one transaction that writes the tables and the change log together (the store logs every write)
and returns the change records, which the window shows and undo reverses; so the log always agrees with the
data, and any deleted annotation can be brought back from it.
"""

from __future__ import annotations

from typing import Any

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import ConflictError, InputError, NotFound
from annotator.core.model import Annotation, Relation, Status, annotation_from_dict
from annotator.services.project import Project
from annotator.store import annotations, annotators, change_log, documents, relations, statuses


class Annotating:
    """The edits one annotator makes. The editing model's undoable edits call these methods."""

    def __init__(self, project: Project, annotator: str):
        if not annotator.strip():
            raise InputError("an annotator needs a name")
        self.project = project
        self.annotator = annotator
        # uuid -> the version this user's own last save left (undo and redo write over that one, see edits.py)
        self.last_written: dict[str, int] = {}

    # -- annotations ----------------------------------------------------------------------------------

    def create(self, ann: Annotation) -> list[Change]:
        """Store a new annotation (or put a deleted one back, same uuid and version) and log it."""
        if ann.annotator != self.annotator:
            raise InputError(f"{self.annotator} cannot write an annotation of {ann.annotator}")
        with self.project.transaction() as session:
            store_annotation(self.project, session, ann, self.annotator)
            records = change_log.written(session)
        self.last_written[ann.uuid] = ann.version
        return records

    def update(self, ann: Annotation) -> list[Change]:
        """Replace an annotation's label, sub-type, fragments, attributes or note.

        ann.version is the version the user saw: if the stored one is newer (the same person on another machine,
        a curator), ConflictError carries the stored annotation and nothing is written."""
        with self.project.transaction() as session:
            before = annotations.get(session, ann.uuid)
            if before.annotator != self.annotator:
                raise InputError(f"this annotation belongs to {before.annotator}; only they can change it")
            check_version(session, before, ann.version)
            if before.document != ann.document:
                raise InputError("an annotation cannot move to another document")
            check_annotation(self.project, session, ann)
            stored, record = annotations.update(session, before, ann, self.project.label_ids(session), self.annotator)
        self.last_written[ann.uuid] = stored.version
        return [record]

    def delete(self, uuid: str, version: int | None = None) -> list[Change]:
        """Delete an annotation and the relations that touch it (records of both, so an undo can restore them).
        With version (the one the user saw), a newer stored version raises ConflictError instead."""
        with self.project.transaction() as session:
            ann = annotations.get(session, uuid)
            if ann.annotator != self.annotator:
                raise InputError(f"this annotation belongs to {ann.annotator}; only they can delete it")
            if version is not None:
                check_version(session, ann, version)
            records = remove_annotation(session, ann, self.annotator)
        self.last_written.pop(uuid, None)
        return records

    def restore(self, uuid: str) -> list[Change]:
        """Bring back a deleted annotation exactly as it was last logged."""
        with self.project.transaction() as session:
            last = change_log.entries(session, key=uuid, limit=1)
            if not last or last[0].action != changes.DELETE or last[0].before is None:
                raise NotFound(f"annotation {uuid} is not a deleted annotation in the change log")
        return self.create(annotation_from_dict(last[0].before))

    # -- relations ------------------------------------------------------------------------------------

    def relate(self, rel: Relation) -> list[Change]:
        with self.project.transaction() as session:
            if rel.type not in {r.name for r in self.project.scheme.relation_types}:
                raise InputError(f"the scheme has no relation type '{rel.type}'")
            if rel.source == rel.target:
                raise InputError("a relation needs two different annotations")
            source, target = annotations.get(session, rel.source), annotations.get(session, rel.target)
            if source.document != target.document:
                raise InputError("both ends of a relation must be in the same document")
            relations.insert_one(session, rel, source.document, self.annotator)
            return change_log.written(session)

    def unrelate(self, rel: Relation, document: str) -> list[Change]:
        with self.project.transaction() as session:
            return [relations.delete_one(session, rel, document, self.annotator)]

    # -- reading --------------------------------------------------------------------------------------

    def annotations(self, document: str, people: list[str] | None = None) -> list[Annotation]:
        """The document's annotations of the given annotators (default: only mine), in reading order."""
        with self.project.transaction() as session:
            who = annotators.ids_named(session, people or [self.annotator])
            return annotations.of_document(session, document, who)

    def relations(self, document: str) -> list[Relation]:
        with self.project.transaction() as session:
            return relations.of_document(session, document)

    # -- progress -------------------------------------------------------------------------------------

    def status(self, document: str) -> Status:
        with self.project.transaction() as session:
            return statuses.get(session, document, self.annotator)

    def set_status(self, document: str, status: Status) -> list[Change]:
        with self.project.transaction() as session:
            documents.id_and_length(session, document)  # NotFound for a document that is gone
            statuses.set_one(session, document, self.annotator, status, self.annotator)
            return change_log.written(session)


def check_version(session: Any, stored: Annotation, seen: int) -> None:
    """Raise ConflictError (carrying the stored annotation) unless seen is the stored version."""
    if stored.version == seen:
        return
    last = change_log.entries(session, key=stored.uuid, limit=1)
    who = f" by {last[0].actor} at {last[0].at:%H:%M:%S} UTC" if last else ""
    where = ", ".join(f"{f.start}–{f.end}" for f in stored.fragments) or "the whole document"
    note = f", note “{stored.note}”" if stored.note else ""
    raise ConflictError(
        f"this annotation was changed elsewhere{who} since you read it (version {stored.version}, you edited "
        f"version {seen}); it is now “{stored.label}{' / ' + stored.subtype if stored.subtype else ''}” at "
        f"{where}{note}. Nothing was overwritten.",
        current=stored,
    )


def check_annotation(project: Project, session: Any, ann: Annotation, text_length: int | None = None) -> None:
    """Raise InputError unless ann fits the scheme and lies within its document's text (of text_length, when
    the caller has it)."""
    project.scheme.check(ann, documents.length(session, ann.document) if text_length is None else text_length)


def store_annotation(project: Project, session: Any, ann: Annotation, actor: str) -> Change:
    """Check, insert and log one annotation inside the caller's transaction."""
    doc_id, text_length = documents.id_and_length(session, ann.document)
    check_annotation(project, session, ann, text_length)
    return annotations.insert_one(session, ann, doc_id, project.label_ids(session), actor)


def remove_annotation(session: Any, ann: Annotation, actor: str) -> list[Change]:
    """Delete an annotation with the relations that touch it, inside the caller's transaction."""
    records = relations.delete_many(session, relations.touching(session, ann.uuid), ann.document, actor)
    return [*records, annotations.delete_one(session, ann, actor)]


def stored_annotation(records: list[Change]) -> Annotation:
    """The annotation a create or update stored, from its record."""
    record = next(r for r in records if r.entity == changes.ANNOTATION and r.after is not None)
    return annotation_from_dict(record.after or {})
