"""The whole schema: every entity module's table mappings, loaded, so that Base.metadata is complete (for
creating a database, Alembic, copying a project). Each table is mapped in its entity's module."""

from annotator.store import (  # noqa: F401 (imported for their mappings)
    adjudications,
    annotations,
    annotators,
    blinding,
    change_log,
    collections,
    documents,
    learning_records,
    relations,
    scheme,
    statuses,
    suggestions,
)
from annotator.store.base import Base

__all__ = ["Base"]
