"""Copying a whole project between databases (SQLite <-> PostgreSQL), row for row, ids and change log kept."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from annotator.core.errors import StoreError
from annotator.store.database import Database
from annotator.store.scheme import LabelRow
from annotator.store.tables import Base

BATCH = 5000


def copy_project(source: Database, target: Database) -> dict[str, int]:
    """Copy every table of source into target, which must hold no project data yet; returns rows per table.

    One transaction on the target: a copy that fails half-way leaves the target as it was."""
    tables = Base.metadata.sorted_tables  # parents before children, so foreign keys hold at every insert
    counts: dict[str, int] = {}
    with source.engine.connect() as reading, target.engine.begin() as writing:
        occupied = [t.name for t in tables if writing.scalar(select(func.count()).select_from(t))]
        if occupied:
            raise StoreError(
                f"{target.where} already holds a project (rows in {', '.join(occupied)}); copy into a new, empty one"
            )
        for table in tables:
            query = select(table)
            if table.name == LabelRow.__tablename__:  # sub-types refer to their label: labels first
                query = query.order_by(table.c.parent_id.is_not(None), table.c.id)
            elif "id" in table.c:
                query = query.order_by(table.c.id)
            counts[table.name] = 0
            result = reading.execution_options(yield_per=BATCH).execute(query)
            for rows in result.partitions(BATCH):
                writing.execute(table.insert(), [dict(row._mapping) for row in rows])
                counts[table.name] += len(rows)
        if writing.dialect.name == "postgresql":
            _reset_sequences(writing)
    return counts


def _reset_sequences(conn: Connection) -> None:
    """Rows came with their ids, so each id sequence must continue after the largest one copied."""
    for table in Base.metadata.sorted_tables:
        column = table.c.get("id")
        if column is not None and column.autoincrement in (True, "auto") and column.primary_key:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                    f"(SELECT MAX(id) FROM {table.name}) IS NOT NULL)"
                )
            )


def table_counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}
