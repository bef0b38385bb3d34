"""History and recovery, from the change log: who changed what in a document and when; restoring a deleted
annotation (with its relations) or a deleted document (with the annotations and relations deleted with it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import InputError, NotFound
from annotator.core.model import Status, annotation_from_dict, document_from_dict, relation_from_dict
from annotator.services.annotating import check_annotation, store_annotation
from annotator.services.project import Project
from annotator.store import annotations, change_log, collections, documents, relations, statuses

BATCH_SECONDS = 2.0  # older logs: a document's deletion logged its annotations within this time of the document


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    actor: str
    entity: str  # annotation, relation, document, status, import (the annotations a document gained)
    uuid: str
    action: str  # create, update, delete
    summary: str  # e.g. "claim/factual 'taxes will rise'"
    restorable: bool = False  # a deleted annotation that is still deleted


@dataclass
class RestoreReport:
    document: str
    annotations: int = 0
    relations: int = 0
    skipped: list[str] = field(default_factory=list)  # what could not come back, and why


def _label(data: dict[str, Any]) -> str:
    return data.get("label", "") + (f"/{data['subtype']}" if data.get("subtype") else "")


def _summary(entry: Change, text: str) -> str:
    data = entry.after or entry.before or {}
    if entry.entity == "annotation":
        quotes = [text[s:e] for s, e in data.get("fragments", ()) if 0 <= s < e <= len(text)]
        quote = " … ".join(quotes)
        quote = quote if len(quote) <= 60 else quote[:57] + "…"
        was = _label(entry.before) if entry.action == "update" and entry.before else ""
        change = f" (was {was})" if was and was != _label(data) else ""
        return f"{_label(data)}{change} “{quote}”" if quote else f"{_label(data)}{change} (whole document)"
    if entry.entity == "relation":
        return data.get("type", "relation")
    if entry.entity == "import":
        count = len(data.get("annotations", ()))
        return f"{count} annotation{'s' if count != 1 else ''} by {', '.join(data.get('annotators', ()))}"
    if entry.entity == "status":
        before, after = (entry.before or {}).get("status", ""), (entry.after or {}).get("status", "")
        return f"{entry.key.rsplit('/', 1)[-1]}: {before.replace('_', ' ')} → {after.replace('_', ' ')}"
    if entry.entity == changes.MEMBERSHIP:
        return f"{'left' if entry.action == changes.DELETE else 'in'} collection {data.get('collection', '')}"
    if entry.entity == "document":
        if entry.action == "update" and entry.before and entry.after:
            fields = [k for k in entry.after if entry.after.get(k) != entry.before.get(k)]
            return "metadata: " + ", ".join(fields) if fields else "metadata"
        return data.get("title") or "(untitled)"
    return entry.key


def document_history(project: Project, document: str) -> list[HistoryEntry]:
    """Every change to the document and its annotations, relations and statuses, newest first."""
    with project.transaction() as session:
        entries = change_log.entries(session, document=document)
        try:
            text = documents.get(session, document).text
        except NotFound:
            deleted = next((e for e in entries if e.entity == "document" and e.before), None)
            text = (deleted.before or {}).get("text", "") if deleted else ""
        annotation_uuids = list({e.key for e in entries if e.entity == "annotation"})
        last = change_log.last_of(session, annotation_uuids)
        live = annotations.existing(session, annotation_uuids)
    return [
        HistoryEntry(
            e.log_id or 0,
            e.at,
            e.actor,
            e.entity,
            e.key,
            e.action,
            _summary(e, text),
            restorable=e.entity == "annotation"
            and e.action == "delete"
            and last[e.key].log_id == e.log_id
            and e.key not in live
            and e.before is not None,
        )
        for e in entries
    ]


def deleted_documents(project: Project) -> list[Change]:
    """Documents deleted (and not restored since): their delete records, newest first."""
    with project.transaction() as session:
        return change_log.deleted_documents(session, documents.uuids_query())


def _restore_relations(session: Any, entries: list[Change], document: str, actor: str, report: RestoreReport) -> None:
    for entry in entries:
        rel = relation_from_dict(entry.before or {})
        ends = annotations.existing(session, [rel.source, rel.target])
        if len(ends) == 2 and not relations.exists(session, rel.uuid):
            relations.insert_one(session, rel, document, actor)
            report.relations += 1


def restore_annotation(project: Project, uuid: str, actor: str) -> RestoreReport:
    """Bring back a deleted annotation as last logged (whoever made it), with the relations deleted with it whose
    other end exists. actor is who restored it, for the log."""
    with project.transaction() as session:
        last = change_log.last_of(session, [uuid]).get(uuid)
        if last is None or last.entity != "annotation" or last.action != "delete" or last.before is None:
            raise NotFound(f"annotation {uuid} is not a deleted annotation in the change log")
        ann = annotation_from_dict(last.before)
        if not documents.exists(session, ann.document):
            raise InputError("its document is deleted: restore the document first")
        store_annotation(project, session, ann, actor)
        report = RestoreReport(ann.document, annotations=1)
        related = [
            e
            for e in change_log.earlier(session, ann.document, last.log_id or 0)[:200]
            if e.entity == "relation"
            and e.action == "delete"
            and e.before
            and uuid in (e.before.get("source"), e.before.get("target"))
        ]
        _restore_relations(session, related, ann.document, actor, report)
    return report


def restore_document(project: Project, uuid: str, actor: str) -> RestoreReport:
    """Bring back a deleted document with the annotations and relations that were deleted with it."""
    with project.transaction() as session:
        deleted = {e.key: e for e in change_log.deleted_documents(session, documents.uuids_query())}
        entry = deleted.get(uuid)
        if entry is None or not entry.before or "text" not in entry.before:
            raise NotFound(f"document {uuid} is not a deleted document in the change log")
        doc = document_from_dict(entry.before)
        same = documents.find_by_hash(session, doc.sha256)
        if same is not None:
            raise InputError(f"the same text is in the project already, as '{same.title or same.uuid}'")
        documents.insert_many(session, [doc], actor)
        report = RestoreReport(uuid)
        gone: list[Change] = []
        links: list[Change] = []
        went_with = set(entry.before.get("annotations", ())) | set(entry.before.get("relations", ()))
        for e in change_log.earlier(session, uuid, entry.log_id or 0):  # what the deletion logged just before
            if e.action != "delete" or e.actor != entry.actor:
                break
            if "annotations" in entry.before and e.key not in went_with:
                continue  # deleted on its own earlier: it stays deleted
            if "annotations" not in entry.before and (entry.at - e.at).total_seconds() > BATCH_SECONDS:
                break  # a log written before deletions listed their annotations: go by time
            if e.entity in (changes.ANNOTATION, changes.RELATION):
                (gone if e.entity == changes.ANNOTATION else links).append(e)
        for e in reversed(gone):
            ann = annotation_from_dict(e.before or {})
            try:
                check_annotation(project, session, ann)
            except InputError as exc:  # e.g. its label was removed from the scheme since
                report.skipped.append(f"{ann.label} annotation {ann.uuid}: {exc}")
                continue
            store_annotation(project, session, ann, actor)
            report.annotations += 1
        _restore_relations(session, list(reversed(links)), uuid, actor, report)
        states = [(uuid, who, Status(value)) for who, value in entry.before.get("statuses", {}).items()]
        statuses.set_many(session, states, actor)
        for name in entry.before.get("collections", ()):
            collections.add_members(session, name, [uuid], actor)
    return report
