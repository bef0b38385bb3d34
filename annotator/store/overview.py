"""The document list as the navigator and `annotator list` show it: every document with one annotator's count
and status, read without loading any text."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.core.model import DocumentSummary, Status
from annotator.store import annotators
from annotator.store.annotations import AnnotationRow
from annotator.store.documents import DocumentRow
from annotator.store.statuses import StatusRow


def summaries(session: Session, annotator: str | None) -> list[DocumentSummary]:
    """Every document with the annotator's annotation count and status (all annotators' count if None)."""
    who = annotators.id_of(session, annotator) if annotator else None
    counts = select(AnnotationRow.document_id, func.count().label("n")).group_by(AnnotationRow.document_id)
    if annotator:
        counts = counts.where(AnnotationRow.annotator_id == who)
    counts_sq = counts.subquery()
    status_sq = select(StatusRow.document_id, StatusRow.status).where(StatusRow.annotator_id == who).subquery()
    query = (
        select(
            DocumentRow.uuid,
            DocumentRow.title,
            DocumentRow.outlet,
            DocumentRow.published,
            DocumentRow.sha256,
            DocumentRow.length,
            func.coalesce(counts_sq.c.n, 0),
            status_sq.c.status,
        )
        .outerjoin(counts_sq, counts_sq.c.document_id == DocumentRow.id)
        .outerjoin(status_sq, status_sq.c.document_id == DocumentRow.id)
        .order_by(DocumentRow.id)
    )
    return [
        DocumentSummary(uuid, title, outlet, published, sha, length, n, Status(status or Status.NOT_STARTED))
        for uuid, title, outlet, published, sha, length, n, status in session.execute(query)
    ]
