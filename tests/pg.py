"""Throw-away PostgreSQL databases for tests: one template with the schema per test session, one copy per test.

The server is the one on the project's machines (127.0.0.1:5432, trust auth); ANNOTATOR_TEST_PG overrides the
maintenance URL. Without a server every PostgreSQL test skips with the reason.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get("ANNOTATOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@cache
def unavailable_reason() -> str | None:
    """None when the server answers, else why PostgreSQL tests skip."""
    try:
        with psycopg.connect(_conninfo(ADMIN_URL), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL server answers at {ADMIN_URL} ({first})"


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(_conninfo(ADMIN_URL), autocommit=True) as conn:
        conn.execute(statement)


def unique_name(prefix: str) -> str:
    # Several test runs share the server (other engineers, CI): pid plus random part keeps names apart.
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def create_database(name: str, template: str | None = None) -> str:
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    _admin(statement)
    return database_url(name)


def drop_database(name: str) -> None:
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def execute(url: str, statement: str | sql.Composable, params: tuple[object, ...] | None = None) -> list[tuple]:
    """Run one statement as the server's superuser on the database at url (for test set-up and checks)."""
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


class DatabasePool:
    """Fresh copies of a template, made ahead and dropped behind by one background thread.

    Creating a database takes ~0.5 s and dropping one ~1 s (PostgreSQL forces a checkpoint); done in the
    background they overlap with the tests instead of adding to them. Each test still gets a database of its own.
    """

    def __init__(self, template: str, ahead: int = 2):
        self.template = template
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="pg-test-databases", daemon=True)
        self._worker.start()
        for _ in range(ahead):
            self._jobs.put(("create", unique_name("annotator_test")))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            action, name = job
            try:
                if action == "create":
                    create_database(name, template=self.template)
                    self._ready.put(name)
                else:
                    drop_database(name)
            except BaseException as exc:  # handed to the test that waits for a database
                if action == "create":
                    self._ready.put(exc)

    def take(self) -> str:
        """The name of a fresh database; the caller gives it back with release()."""
        self._jobs.put(("create", unique_name("annotator_test")))
        got = self._ready.get(timeout=120)
        if isinstance(got, BaseException):
            raise got
        return got

    def release(self, name: str) -> None:
        self._jobs.put(("drop", name))

    def close(self) -> None:
        """Drop the spares and wait until every database this pool made is gone."""
        self._jobs.put(None)
        self._worker.join(timeout=300)
        while not self._ready.empty():
            got = self._ready.get()
            if isinstance(got, str):
                drop_database(got)


def drop_orphans() -> None:
    """Drop test databases left by runs on this machine that were killed before they could clean up."""
    names = execute(ADMIN_URL, "SELECT datname FROM pg_database WHERE datname ~ '^annotator_(test|tpl)_[0-9]+_'")
    for (name,) in names:
        pid = int(re.match(r"annotator_(?:test|tpl)_(\d+)_", name).group(1))  # type: ignore[union-attr]
        if pid != os.getpid() and not os.path.exists(f"/proc/{pid}"):
            drop_database(name)


@contextmanager
def server_away(url: str) -> Iterator[None]:
    """The project's database stops answering, as when the server goes down or the network drops: its open
    connections are cut and new ones refused, until the block ends."""
    name = url.rsplit("/", 1)[1]
    _admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
    _admin(
        sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {}").format(sql.Literal(name))
    )
    try:
        yield
    finally:
        _admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))
