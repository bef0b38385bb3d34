"""Ways to make a project's storage fail on purpose, shared by the store and window tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlalchemy import event


def fill_disk(project) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Simulate a full disk: SQLite's max_page_count caps the file at its current size on every connection.
    Returns the function that frees the space again."""
    engine = project.database.engine

    def cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap)
    engine.dispose()

    def free() -> None:
        event.remove(engine, "connect", cap)
        engine.dispose()

    return free


def lock(path) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Another program holds a write lock on the file. Returns the function that releases it."""
    other = sqlite3.connect(path, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")

    def release() -> None:
        other.rollback()
        other.close()

    return release
