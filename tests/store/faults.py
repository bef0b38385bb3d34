"""Ways to make a project's storage fail on purpose, shared by the store and window tests."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
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


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file or folder cannot be written, for root too: permission bits, and for root (who ignores them) the
    immutable attribute (chattr +i). Skips the test where neither can be set (e.g. no chattr, or a file system
    without attributes)."""
    mode = path.stat().st_mode
    path.chmod(stat.S_IRUSR | (stat.S_IXUSR if path.is_dir() else 0))
    immutable = os.geteuid() == 0
    try:
        if immutable:
            chattr = shutil.which("chattr")
            done = chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode == 0
            if not done:
                pytest.skip("running as root, and chattr +i cannot make the file system refuse writes here")
        yield
    finally:
        if immutable and shutil.which("chattr"):
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(path)], capture_output=True)
        path.chmod(mode)
