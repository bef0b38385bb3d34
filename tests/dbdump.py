"""Every row of every table of a project, as text: compared before and after an action that must change nothing.
Works on SQLite and PostgreSQL alike (sequences that moved on do not count as a change)."""

from __future__ import annotations

from sqlalchemy import MetaData, select


def dump(project) -> list[str]:
    engine = project.database.engine
    metadata = MetaData()
    metadata.reflect(engine)
    lines: list[str] = []
    with engine.connect() as conn:
        for name in sorted(metadata.tables):
            table = metadata.tables[name]
            lines += sorted(f"{name}: {tuple(row)!r}" for row in conn.execute(select(table)))
    return lines
