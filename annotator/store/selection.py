"""What an export (or a count of it) takes from the project: documents by id, collection and status, and
annotations by annotator and label, turned into row ids once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.core.model import AnnotatorKind, Status
from annotator.store import annotations, annotators, collections, scheme
from annotator.store.annotations import Where
from annotator.store.annotators import AnnotatorRow
from annotator.store.documents import DocumentRow
from annotator.store.statuses import StatusRow


@dataclass(frozen=True)
class Selection:
    """What to export, in database terms. None means no restriction."""

    documents: Sequence[str] | None = None  # uuids
    collections: Sequence[str] | None = None  # names
    annotators: Sequence[str] | None = None  # names
    labels: Sequence[str] | None = None  # "label" or "label/subtype"
    statuses: Sequence[Status] | None = None
    gold_only: bool = False


def annotator_ids(session: Session, sel: Selection) -> list[int] | None:
    """Row ids of the chosen annotators (None: everyone)."""
    if sel.annotators is None and not sel.gold_only:
        return None
    people = set(annotators.ids_named(session, list(sel.annotators))) if sel.annotators is not None else None
    if sel.gold_only:
        gold = set(annotators.ids_of_kind(session, AnnotatorKind.GOLD))
        people = gold if people is None else people & gold
    return sorted(people or ())


def annotation_where(session: Session, sel: Selection, document_ids: Sequence[int] | None = None) -> Where:
    """The annotations the selection keeps (of the given documents)."""
    labels, pairs = None, None
    if sel.labels is not None:
        ids = {(name, parent): row_id for row_id, name, parent in scheme.label_rows(session)}
        labels, pairs = [], []
        for item in sel.labels:
            label, _, subtype = item.partition("/")
            top = ids.get((label, None))
            if top is not None and not subtype:
                labels.append(top)
            elif top is not None and (sub := ids.get((subtype, top))) is not None:
                pairs.append((top, sub))
    return Where(documents=document_ids, annotators=annotator_ids(session, sel), labels=labels, label_pairs=pairs)


def document_ids(session: Session, sel: Selection) -> list[int]:
    """Row ids of the selected documents, in the order they were added."""
    query = select(DocumentRow.id).order_by(DocumentRow.id)
    if sel.documents is not None:
        query = query.where(DocumentRow.uuid.in_(list(sel.documents)))
    if sel.collections is not None:
        query = query.where(DocumentRow.id.in_(collections.members_of(list(sel.collections))))
    if sel.statuses is not None:
        # kept when any chosen annotator (everyone, without an annotator filter) has it in one of these states;
        # not_started also matches documents that annotator never touched
        people = annotator_ids(session, sel)
        if people is None:
            people = list(session.scalars(select(AnnotatorRow.id)))
        wanted = {s.value for s in sel.statuses}
        having = select(StatusRow.document_id).where(StatusRow.annotator_id.in_(people), StatusRow.status.in_(wanted))
        if Status.NOT_STARTED.value in wanted:
            touched = select(StatusRow.document_id).where(StatusRow.annotator_id.in_(people))
            count = (
                select(func.count())
                .select_from(StatusRow)
                .where(StatusRow.annotator_id.in_(people), StatusRow.document_id == DocumentRow.id)
                .scalar_subquery()
            )
            query = query.where(DocumentRow.id.in_(having) | DocumentRow.id.not_in(touched) | (count < len(people)))
        else:
            query = query.where(DocumentRow.id.in_(having))
    return list(session.scalars(query))


def count(session: Session, sel: Selection) -> tuple[int, int]:
    """(documents, annotations) that an export with this selection writes."""
    doc_ids = document_ids(session, sel)
    total = 0
    for start in range(0, len(doc_ids), 5000):
        total += annotations.count(session, annotation_where(session, sel, doc_ids[start : start + 5000]))
    return len(doc_ids), total


def used_labels(session: Session) -> list[str]:
    """Every 'label' and 'label/subtype' that some annotation uses, sorted."""
    rows = {row_id: name for row_id, name, _ in scheme.label_rows(session)}
    found: set[str] = set()
    for label, subtype in annotations.kinds_used(session):
        found.add(rows[label])
        if subtype is not None:
            found.add(f"{rows[label]}/{rows[subtype]}")
    return sorted(found)
