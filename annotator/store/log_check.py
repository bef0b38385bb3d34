"""`annotator db check --log`: replay the change log and compare what it says with the tables.

Every row of every entity must have a record that made it what it is now; a row written without one (an
unlogged insert or update), or one the log says exists but the table lacks (an unlogged delete), is reported.
Annotations an import brought are listed by its per-document record, whose content is the row itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.model import annotation_from_dict, relation_from_dict
from annotator.core.scheme import scheme_from_dict
from annotator.review.adjudication import AdjudicationRecord
from annotator.store import (
    adjudications,
    annotations,
    annotators,
    blinding,
    collections,
    documents,
    learning_records,
    relations,
    scheme,
    suggestions,
)
from annotator.store import statuses as status_store

DOCUMENT_FIELDS = ("title", "outlet", "author", "published", "language", "source", "sha256", "metadata")


@dataclass
class Expected:
    """The project as its change log describes it."""

    annotators: dict[str, str] = field(default_factory=dict)  # name -> kind
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # uuid -> payload
    annotations: dict[str, tuple[str, dict[str, Any] | None]] = field(default_factory=dict)  # (document, payload)
    relations: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)  # (document, annotator) -> status
    collections: dict[str, str] = field(default_factory=dict)  # name -> description
    members: set[tuple[str, str]] = field(default_factory=set)  # (collection, document)
    scheme: dict[str, Any] | None = None
    adjudications: dict[str, dict[str, Any]] = field(default_factory=dict)
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # document -> its open suggestions' ids
    feedback: dict[str, dict[str, Any]] = field(default_factory=dict)  # learning record key -> payload
    blind: set[str] = field(default_factory=set)  # rule keys

    def apply(self, c: Change) -> None:
        getattr(self, f"_{c.entity}", self._unknown)(c)

    def _unknown(self, c: Change) -> None:
        pass  # an entity this version does not know: nothing to compare it with

    def _annotator(self, c: Change) -> None:
        self.annotators[c.payload["name"]] = c.payload.get("kind", "person")

    def _document(self, c: Change) -> None:
        if c.action == changes.DELETE:
            self._drop_document(c.key)
        else:
            self.documents[c.key] = {**self.documents.get(c.key, {}), **(c.after or {})}

    def _drop_document(self, uuid: str) -> None:  # what goes with a document (the tables cascade likewise)
        self.documents.pop(uuid, None)
        for key, (document, _) in list(self.annotations.items()):
            if document == uuid:
                self._drop_annotation(key)
        self.statuses = {k: v for k, v in self.statuses.items() if k[0] != uuid}
        self.members = {m for m in self.members if m[1] != uuid}
        self.adjudications = {k: v for k, v in self.adjudications.items() if v.get("document") != uuid}
        self.suggestions.pop(uuid, None)
        self.feedback = {k: v for k, v in self.feedback.items() if v.get("document") != uuid}

    def _annotation(self, c: Change) -> None:
        if c.action == changes.DELETE:
            self._drop_annotation(c.key)
        else:
            self.annotations[c.key] = (c.document or "", c.after)

    def _drop_annotation(self, uuid: str) -> None:
        self.annotations.pop(uuid, None)
        for key, (_, data) in list(self.relations.items()):
            if uuid in (data["source"], data["target"]):
                del self.relations[key]

    def _import(self, c: Change) -> None:
        for uuid in c.payload.get("annotations", ()):
            self.annotations[uuid] = (c.document or "", None)

    def _relation(self, c: Change) -> None:
        if c.action == changes.DELETE:
            self.relations.pop(c.key, None)
        else:
            self.relations[c.key] = (c.document or "", c.payload)

    def _status(self, c: Change) -> None:
        document, _, annotator = c.key.rpartition("/")
        if c.action == changes.DELETE:
            self.statuses.pop((document, annotator), None)
        else:
            self.statuses[(document, c.payload.get("annotator", annotator))] = c.payload["status"]

    def _collection(self, c: Change) -> None:
        before, after = c.before or {}, c.after or {}
        if c.action == changes.CREATE:
            self.collections[c.key] = after.get("description", "")
        elif c.action == changes.DELETE:
            self.collections.pop(c.key, None)
            self.members = {m for m in self.members if m[0] != c.key}
        elif "name" in before and "name" in after:  # renamed
            self.collections[after["name"]] = self.collections.pop(before["name"], "")
            self.members = {(after["name"] if m[0] == before["name"] else m[0], m[1]) for m in self.members}
        else:  # logs written before memberships were records of their own
            self.collections.setdefault(c.key, "")
            self.members |= {(c.key, uuid) for uuid in after.get("added", ())}
            self.members -= {(c.key, uuid) for uuid in before.get("removed", ())}

    def _membership(self, c: Change) -> None:
        pair = (c.payload["collection"], c.payload["document"])
        if c.action == changes.DELETE:
            self.members.discard(pair)
        else:
            self.members.add(pair)

    def _scheme(self, c: Change) -> None:
        self.scheme = c.after
        renamed = (c.after or {}).get("renamed", ())
        labels = {old: new for old, parent, new in renamed if parent is None}
        subtypes = {(parent, old): new for old, parent, new in renamed if parent is not None}
        for key, (document, data) in self.annotations.items():
            if data is not None and (data["label"] in labels or (data["label"], data.get("subtype")) in subtypes):
                subtype = subtypes.get((data["label"], data.get("subtype")), data.get("subtype"))
                label = labels.get(data["label"], data["label"])
                self.annotations[key] = (document, {**data, "label": label, "subtype": subtype})

    def _adjudication(self, c: Change) -> None:
        if c.action == changes.DELETE:
            self.adjudications.pop(c.key, None)
        else:
            self.adjudications[c.key] = c.payload

    def _suggestions(self, c: Change) -> None:
        found = sorted(s["uuid"] for s in (c.after or {}).get("suggestions", ()))
        if found:
            self.suggestions[c.key] = found
        else:
            self.suggestions.pop(c.key, None)

    def _feedback(self, c: Change) -> None:
        if c.action == changes.DELETE:
            self.feedback.pop(c.key, None)
        else:
            self.feedback[c.key] = c.payload

    def _blind(self, c: Change) -> None:
        (self.blind.discard if c.action == changes.DELETE else self.blind.add)(c.key)


def replay(records: Iterable[Change]) -> Expected:
    expected = Expected()
    for record in records:
        expected.apply(record)
    return expected


def problems(session: Session, records: Iterable[Change]) -> list[str]:
    """What the tables hold that the log does not account for, and the other way round."""
    expected = replay(records)
    found: list[str] = []
    _compare(
        found, "annotator", annotators.kinds(session), expected.annotators, lambda row, logged: row.value == logged
    )
    docs = {uuid: documents.get(session, uuid) for uuid in documents.all_uuids(session)}
    _compare(found, "document", docs, expected.documents, _same_document)
    anns = {a.uuid: a for a in annotations.read(session, annotations.Where())}
    _compare(found, "annotation", anns, expected.annotations, _same_annotation)
    rels = {r.uuid: r for doc in docs for r in relations.of_document(session, doc)}
    _compare(found, "relation", rels, expected.relations, lambda row, logged: row == relation_from_dict(logged[1]))
    states = {(doc, who): s.value for doc, by in status_store.everywhere(session).items() for who, s in by.items()}
    for pair in set(expected.statuses) - set(states):
        if expected.statuses[pair] == "not_started":  # no row and not started say the same
            del expected.statuses[pair]
    _compare(found, "status", states, expected.statuses, lambda row, logged: row == logged)
    present = {c.name: c.description for c in collections.all_collections(session)}
    _compare(found, "collection", present, expected.collections, lambda row, logged: True)
    members = {(name, uuid): True for name in present for uuid in collections.member_uuids(session, name)}
    _compare(found, "membership", members, dict.fromkeys(expected.members, True), lambda row, logged: True)
    records = {r.uuid: r for r in adjudications.of_documents(session)}
    _compare(found, "adjudication", records, expected.adjudications, _same_adjudication)
    _compare_suggestions(found, session, expected)
    if scheme.label_rows(session) and (
        expected.scheme is None or scheme_from_dict(expected.scheme) != scheme.load(session)
    ):
        found.append("scheme: differs from its last record (or was never logged)")
    return found


def _compare_suggestions(found: list[str], session: Session, expected: Expected) -> None:
    stored = {doc: sorted(ids) for doc, ids in suggestions.uuids_by_document(session).items()}
    _compare(found, "suggestions of document", stored, expected.suggestions, lambda row, logged: row == logged)
    _compare(found, "learning record", learning_records.keys(session), expected.feedback, lambda row, logged: True)
    rules = {blinding.key(kind, name): True for kind, name in blinding.rules(session)}
    _compare(found, "blind rule", rules, dict.fromkeys(expected.blind, True), lambda row, logged: True)


def _compare(found: list[str], entity: str, rows: dict[Any, Any], logged: dict[Any, Any], same: Any) -> None:
    for key, row in rows.items():
        if key not in logged:
            found.append(f"{entity} {_name(key)}: no record in the change log made it")
        elif not same(row, logged[key]):
            found.append(f"{entity} {_name(key)}: differs from its last record in the change log")
    for key in logged.keys() - rows.keys():
        found.append(f"{entity} {_name(key)}: the change log says it exists, but it is not in the database")


def _name(key: Any) -> str:
    return " in ".join(key) if isinstance(key, tuple) else str(key)


def _same_document(row: Any, logged: dict[str, Any]) -> bool:
    data = {"metadata": row.metadata, **{f: getattr(row, f) for f in DOCUMENT_FIELDS if f != "metadata"}}
    return all(data[f] == logged.get(f, data[f]) for f in DOCUMENT_FIELDS)


def _same_annotation(row: Any, logged: tuple[str, dict[str, Any] | None]) -> bool:
    document, data = logged
    return row.document == document if data is None else row == annotation_from_dict(data)


def _same_adjudication(row: AdjudicationRecord, logged: dict[str, Any]) -> bool:
    return row == AdjudicationRecord.from_dict(logged)
