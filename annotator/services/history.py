"""History and recovery, from the change log: who changed what in a document and when; restoring a deleted
annotation (with its relations) or a deleted document (with the annotations and relations deleted with it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.core.errors import InputError, NotFound
from annotator.core.model import ChangeEntry, Document, Relation, annotation_from_dict
from annotator.services.annotating import check_annotation, store_annotation, store_relation
from annotator.services.documents import document_to_dict
from annotator.services.project import Project
from annotator.store import history_repo, repo

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


def _summary(entry: ChangeEntry, text: str) -> str:
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
        return f"{entry.uuid.rsplit('/', 1)[-1]}: {before.replace('_', ' ')} → {after.replace('_', ' ')}"
    if entry.entity == "document":
        if entry.action == "update" and entry.before and entry.after:
            fields = [k for k in entry.after if entry.after.get(k) != entry.before.get(k)]
            return "metadata: " + ", ".join(fields) if fields else "metadata"
        return data.get("title") or "(untitled)"
    return entry.uuid


def document_history(project: Project, document: str) -> list[HistoryEntry]:
    """Every change to the document and its annotations, relations and statuses, newest first."""
    with project.transaction() as session:
        entries = repo.changes(session, document=document)
        try:
            text = repo.row_to_document(repo.document_row(session, document)).text
        except NotFound:
            deleted = next((e for e in entries if e.entity == "document" and e.before), None)
            text = (deleted.before or {}).get("text", "") if deleted else ""
        annotation_uuids = list({e.uuid for e in entries if e.entity == "annotation"})
        last = history_repo.last_entries(session, annotation_uuids)
        live = {u for u in annotation_uuids if repo.annotation_exists(session, u)}
    return [
        HistoryEntry(
            e.id,
            e.at,
            e.actor,
            e.entity,
            e.uuid,
            e.action,
            _summary(e, text),
            restorable=e.entity == "annotation"
            and e.action == "delete"
            and last[e.uuid].id == e.id
            and e.uuid not in live
            and e.before is not None,
        )
        for e in entries
    ]


def deleted_documents(project: Project) -> list[ChangeEntry]:
    """Documents deleted (and not restored since): their delete entries, newest first."""
    with project.transaction() as session:
        return history_repo.deleted_documents(session)


def _relation(data: dict[str, Any]) -> Relation:
    return Relation(
        data["type"],
        data["source"],
        data["target"],
        data["annotator"],
        data["uuid"],
        datetime.fromisoformat(data["created"]),
    )


def _restore_relations(
    session: Any, entries: list[ChangeEntry], document: str, actor: str, report: RestoreReport
) -> None:
    for entry in entries:
        rel = _relation(entry.before or {})
        ends = [repo.annotation_exists(session, u) for u in (rel.source, rel.target)]
        if all(ends) and not any(r.uuid == rel.uuid for r in repo.relations_touching(session, rel.source)):
            store_relation(session, rel, document, actor)
            report.relations += 1


def restore_annotation(project: Project, uuid: str, actor: str) -> RestoreReport:
    """Bring back a deleted annotation as last logged (whoever made it), with the relations deleted with it whose
    other end exists. actor is who restored it, for the log."""
    with project.transaction() as session:
        last = history_repo.last_entries(session, [uuid]).get(uuid)
        if last is None or last.entity != "annotation" or last.action != "delete" or last.before is None:
            raise NotFound(f"annotation {uuid} is not a deleted annotation in the change log")
        ann = annotation_from_dict(last.before)
        try:
            repo.document_row(session, ann.document)
        except NotFound:
            raise InputError("its document is deleted: restore the document first") from None
        store_annotation(project, session, ann, actor)
        report = RestoreReport(ann.document, annotations=1)
        related = [
            e
            for e in history_repo.entries_before(session, ann.document, last.id)[:200]
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
        deleted = {e.uuid: e for e in history_repo.deleted_documents(session)}
        entry = deleted.get(uuid)
        if entry is None or not entry.before or "text" not in entry.before:
            raise NotFound(f"document {uuid} is not a deleted document in the change log")
        doc = _document(entry.before)
        same = repo.find_document_by_hash(session, doc.sha256)
        if same is not None:
            raise InputError(f"the same text is in the project already, as '{same.title or same.uuid}'")
        session.add(repo.document_to_row(doc))
        session.flush()
        repo.log_change(session, actor, "document", uuid, "create", uuid, None, document_to_dict(doc))
        report = RestoreReport(uuid)
        annotations, relations = [], []
        went_with = set(entry.before.get("annotations", ())) | set(entry.before.get("relations", ()))
        for e in history_repo.entries_before(session, uuid, entry.id):  # what the deletion logged just before
            if e.action != "delete" or e.actor != entry.actor:
                break
            if "annotations" in entry.before and e.uuid not in went_with:
                continue  # deleted on its own earlier: it stays deleted
            if "annotations" not in entry.before and (entry.at - e.at).total_seconds() > BATCH_SECONDS:
                break  # a log written before deletions listed their annotations: go by time
            (annotations if e.entity == "annotation" else relations).append(e)
        for e in reversed(annotations):
            ann = annotation_from_dict(e.before or {})
            try:
                check_annotation(project, session, ann)
            except InputError as exc:  # e.g. its label was removed from the scheme since
                report.skipped.append(f"{ann.label} annotation {ann.uuid}: {exc}")
                continue
            store_annotation(project, session, ann, actor)
            report.annotations += 1
        _restore_relations(session, list(reversed(relations)), uuid, actor, report)
    return report


def _document(data: dict[str, Any]) -> Document:
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
    )
