"""Annotating one document as one annotator: create, edit, delete, restore, relate, and progress status.

Each call is one transaction that writes the annotation tables and the change log together, so the log
always agrees with the data and any deleted annotation can be brought back from it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from annotator.core.errors import ConflictError, InputError, NotFound
from annotator.core.model import (
    Annotation,
    Relation,
    Status,
    annotation_from_dict,
    annotation_to_dict,
    relation_to_dict,
    utc_now,
)
from annotator.core.scheme import Scope
from annotator.services.project import Change, Project
from annotator.store import repo, versions


class Annotating:
    """The edits one annotator makes. The UI's undo commands call these methods."""

    def __init__(self, project: Project, annotator: str):
        if not annotator.strip():
            raise InputError("an annotator needs a name")
        self.project = project
        self.annotator = annotator
        # uuid -> the version this user's own last save left (undo and redo write over that one, see commands)
        self.last_written: dict[str, int] = {}

    # -- annotations ----------------------------------------------------------------------------------

    def create(self, ann: Annotation) -> Change:
        """Store a new annotation (or put a deleted one back, same uuid) and log it."""
        if ann.annotator != self.annotator:
            raise InputError(f"{self.annotator} cannot write an annotation of {ann.annotator}")
        with self.project.transaction() as session:
            store_annotation(self.project, session, ann, self.annotator)
            # a new annotation is stored as version 1; only a re-inserted one needs its version number back
            version = versions.keep_annotation_version(session, ann.uuid, ann.version) if ann.version > 1 else 1
        self.last_written[ann.uuid] = version
        return Change("created", "annotation", ann.uuid, ann.document)

    def update(self, ann: Annotation) -> Annotation:
        """Replace an annotation's label, sub-type, fragments, attributes or note; returns the stored version.

        ann.version is the version the user saw: if the stored one is newer (the same person on another machine,
        a curator), ConflictError carries the stored annotation and nothing is written."""
        with self.project.transaction() as session:
            row = repo.annotation_row(session, ann.uuid)
            before = repo.get_annotation(session, ann.uuid)
            if before.annotator != self.annotator:
                raise InputError(f"this annotation belongs to {before.annotator}; only they can change it")
            check_version(session, before, ann.version)
            if before.document != ann.document:
                raise InputError("an annotation cannot move to another document")
            check_annotation(self.project, session, ann)
            stored = replace(ann, annotator=before.annotator, created=before.created, modified=utc_now())
            repo.update_annotation_row(session, row, stored, self.project.label_ids(session))
            stored = replace(stored, version=row.version)
            repo.log_change(
                session,
                self.annotator,
                "annotation",
                ann.uuid,
                "update",
                ann.document,
                annotation_to_dict(before),
                annotation_to_dict(stored),
            )
        self.last_written[ann.uuid] = stored.version
        return stored

    def delete(self, uuid: str, version: int | None = None) -> tuple[Annotation, list[Relation]]:
        """Delete an annotation and the relations that touch it; returns both so an undo can restore them.
        With version (the one the user saw), a newer stored version raises ConflictError instead."""
        with self.project.transaction() as session:
            ann = repo.get_annotation(session, uuid)
            if ann.annotator != self.annotator:
                raise InputError(f"this annotation belongs to {ann.annotator}; only they can delete it")
            if version is not None:
                check_version(session, ann, version)
            relations = repo.relations_touching(session, uuid)
            for rel in relations:
                repo.log_change(
                    session,
                    self.annotator,
                    "relation",
                    rel.uuid,
                    "delete",
                    ann.document,
                    relation_to_dict(rel),
                    None,
                )
            session.delete(repo.annotation_row(session, uuid))
            repo.log_change(
                session, self.annotator, "annotation", uuid, "delete", ann.document, annotation_to_dict(ann), None
            )
        self.last_written.pop(uuid, None)
        return ann, relations

    def restore(self, uuid: str) -> Annotation:
        """Bring back a deleted annotation exactly as it was last logged (with its relations where possible)."""
        with self.project.transaction() as session:
            entries = repo.changes(session, entity_uuid=uuid, limit=1)
            if not entries or entries[0].action != "delete" or entries[0].before is None:
                raise NotFound(f"annotation {uuid} is not a deleted annotation in the change log")
            ann = annotation_from_dict(entries[0].before)
        self.create(ann)
        return ann

    # -- relations ------------------------------------------------------------------------------------

    def relate(self, rel: Relation) -> Change:
        with self.project.transaction() as session:
            if rel.type not in {r.name for r in self.project.scheme.relation_types}:
                raise InputError(f"the scheme has no relation type '{rel.type}'")
            if rel.source == rel.target:
                raise InputError("a relation needs two different annotations")
            source, target = repo.get_annotation(session, rel.source), repo.get_annotation(session, rel.target)
            if source.document != target.document:
                raise InputError("both ends of a relation must be in the same document")
            store_relation(session, rel, source.document, self.annotator)
        return Change("created", "relation", rel.uuid, source.document)

    def unrelate(self, rel: Relation, document: str) -> Change:
        with self.project.transaction() as session:
            repo.delete_relation_row(session, rel.uuid)
            repo.log_change(
                session, self.annotator, "relation", rel.uuid, "delete", document, relation_to_dict(rel), None
            )
        return Change("deleted", "relation", rel.uuid, document)

    # -- reading --------------------------------------------------------------------------------------

    def annotations(self, document: str, annotators: list[str] | None = None) -> list[Annotation]:
        """The document's annotations of the given annotators (default: only mine), in reading order."""
        with self.project.transaction() as session:
            return repo.annotations_of(session, document, annotators or [self.annotator])

    def relations(self, document: str) -> list[Relation]:
        with self.project.transaction() as session:
            return repo.relations_of(session, document)

    # -- progress -------------------------------------------------------------------------------------

    def status(self, document: str) -> Status:
        with self.project.transaction() as session:
            return repo.get_status(session, document, self.annotator)

    def set_status(self, document: str, status: Status) -> Change:
        with self.project.transaction() as session:
            before = repo.get_status(session, document, self.annotator)
            repo.set_status(session, document, self.annotator, status)
            repo.log_change(
                session,
                self.annotator,
                "status",
                f"{document}/{self.annotator}",
                "update",
                document,
                {"status": before.value},
                {"status": status.value},
            )
        return Change("updated", "status", document, document)


def check_version(session: Any, stored: Annotation, seen: int) -> None:
    """Raise ConflictError (carrying the stored annotation) unless seen is the stored version."""
    if stored.version == seen:
        return
    last = repo.changes(session, entity_uuid=stored.uuid, limit=1)
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
    scheme = project.scheme
    scheme.check_annotation(ann.label, ann.subtype, dict(ann.attributes))
    ann.check_within(repo.document_length(session, ann.document) if text_length is None else text_length)
    document_label = scheme.label(ann.label).scope is Scope.DOCUMENT
    if ann.is_document_level and not document_label:
        raise InputError(f"label '{ann.label}' marks passages of text; select the text it applies to")
    if document_label and not ann.is_document_level:
        raise InputError(f"label '{ann.label}' applies to the whole document, not to a passage")


def store_annotation(project: Project, session: Any, ann: Annotation, actor: str) -> None:
    """Check, insert and log one annotation inside the caller's transaction."""
    doc_id, text_length = repo.document_id_and_length(session, ann.document)
    check_annotation(project, session, ann, text_length)
    repo.insert_annotation(session, ann, project.label_ids(session), doc_id)
    repo.log_change(session, actor, "annotation", ann.uuid, "create", ann.document, None, annotation_to_dict(ann))


def store_relation(session: Any, rel: Relation, document: str, actor: str) -> None:
    repo.insert_relation(session, rel)
    repo.log_change(session, actor, "relation", rel.uuid, "create", document, None, relation_to_dict(rel))
