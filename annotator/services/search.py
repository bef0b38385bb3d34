"""Corpus search: the documents that best match a typed query, with the passage around each match.

The query's syntax is core/search.py's: words, "phrases", OR, -word, word*. A query that does not parse is
searched as the words typed; no query raises.
"""

from __future__ import annotations

from annotator.core.search import SearchHit, parse
from annotator.services.project import Project
from annotator.store import documents

TOP = 50


def search(project: Project, query: str, limit: int = TOP) -> list[SearchHit]:
    """The best `limit` documents for query, best first (a title match counts more than one in the text)."""
    meaning = parse(query)
    if not meaning:
        return []
    with project.transaction() as session:
        return documents.search(session, meaning, limit)
