"""Moving a project between a laptop's SQLite file and a team's PostgreSQL server, with nothing lost."""

from __future__ import annotations

from pathlib import Path

from annotator import paths
from annotator.core.errors import StoreError
from annotator.store import copying
from annotator.store.database import Database


def copy_project(source_url: str | Path, target_url: str | Path) -> dict[str, int]:
    """Copy everything (documents, annotations, relations, scheme, statuses, gold, change log) into an empty
    database, created if need be; checks that every table arrived whole. Returns rows copied per table."""
    source = Database.open(source_url, backup_dir=paths.backup_dir())
    try:
        target = Database.open(target_url, backup_dir=paths.backup_dir())
        try:
            counts = copying.copy_project(source, target)
            arrived = copying.table_counts(target)
            short = {name: (n, arrived.get(name)) for name, n in counts.items() if arrived.get(name) != n}
            if short:
                raise StoreError(f"the copy in {target.where} is incomplete: {short}")
            return counts
        finally:
            target.close()
    finally:
        source.close()
