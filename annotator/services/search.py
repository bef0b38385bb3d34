"""Corpus search: which documents contain all the given words."""

from __future__ import annotations

from annotator.services.project import Project
from annotator.store import documents


def documents_containing(project: Project, query: str) -> set[str]:
    """uuids of documents whose text contains every word of query (case-insensitive)."""
    words = [w for w in query.split() if w]
    if not words:
        return set()
    with project.transaction() as session:
        return documents.containing(session, words)
