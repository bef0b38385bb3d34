"""Engines and sessions: SQLite pragmas, PostgreSQL, and database errors turned into clear messages."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annotator.core.errors import ConflictError, StoreError
from annotator.store import change_feed

BUSY_TIMEOUT_MS = 5000


def parse_url(url: str | Path) -> URL:
    """A SQLAlchemy URL from a URL or a plain file path (taken as SQLite)."""
    text = str(url)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().absolute()))
    try:
        return make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {text} ({exc})") from None


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # WAL + synchronous=NORMAL: a committed edit survives the app crashing or being killed; a power cut can
    # only roll back the last commits, never corrupt the file. foreign_keys makes deletes cascade.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
    cursor.close()
    del mode  # a read-only file keeps its journal mode; that is fine for reading


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path and path != ":memory:" and not path.startswith("file:"):
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a read-only place, or a file where the folder should be
                raise StoreError(f"cannot create the folder for {path}: {exc.strerror or exc}") from None
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    change_feed.install_notify(engine)
    return engine


_REACH = "cannot reach the database server for {where}: "

# what the PostgreSQL driver says when the server is down, the network dropped or the database refuses connections
_UNREACHABLE = (
    "could not connect",
    "connection failed",
    "server closed the connection",
    "terminating connection",
    "not currently accepting connections",
    "could not receive data",
)

# a server that answered but said no, or a connection that never got that far: (sign in the message, what to say)
_CONNECTING = (
    ("password authentication failed", "the server at {where} refused the password; check the user name and password"),
    ("no password supplied", "the server at {where} asks for a password; enter it and connect again"),
    ("connection refused", _REACH + "nothing accepts connections at that host and port (is the server running?)"),
    ("timeout expired", _REACH + "no answer in time; check the host, the port and the network (VPN, firewall)"),
    ("failed to resolve host", _REACH + "there is no host by that name; check the server's name"),
    ("does not support ssl", _REACH + "it offers no TLS but the connection requires it; choose sslmode prefer"),
    ("certificate", _REACH + "its TLS certificate could not be verified; check the root certificate file"),
)


_MISSING = re.compile(r'(database|role) ("[^"]*") does not exist')


def describe_error(exc: BaseException, where: str) -> str:
    """One line a user can act on, from a DBAPI error."""
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    lowered = text.lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return f"{where} is locked by another program; close it there and try again"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{where} is read-only; nothing was changed (check the file's permissions)"
    if "file is not a database" in lowered or "not a database" in lowered:
        return f"{where} is not a database file"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"the disk holding {where} is full; nothing was changed"
    if "unable to open" in lowered:
        return f"cannot open {where} (does the folder exist and is it writable?)"
    if "permission denied" in lowered or "row-level security" in lowered:  # server access control (server_admin)
        return _access_refused(text, where)
    if missing := _MISSING.search(text):
        return (
            f"{where}: there is no {missing[1]} {missing[2]} on that server; check the name "
            "(the server's admin creates databases and logins)"
        )
    for sign, message in _CONNECTING:
        if sign in lowered:
            return message.format(where=where) + f" ({text})"
    if any(sign in lowered for sign in _UNREACHABLE) or "connection" in lowered and "refused" in lowered:
        return f"cannot reach the database server for {where}: {text}"
    return f"database error on {where}: {text}"


def _access_refused(text: str, where: str) -> str:
    """The server's access rules said no: the guard trigger's own words, or a plain account of a grant or policy."""
    if text.startswith("permission denied:"):  # raised by server_admin's guard trigger, already readable
        return f"{text}; nothing was changed on {where}"
    if " for database " in text or " for schema " in text:
        return (
            f"permission denied on {where}: your login has no access to this project (its admin gives it with "
            "'annotator server add-user NAME --role ...')"
        )
    table = text.rsplit(" ", 1)[-1].strip('"') if " table " in text or " sequence " in text else "this data"
    if "row-level security" in text:
        return (
            f"permission denied on {where}: the server's access rules refused this write to {table} "
            "(you may write only your own work, under the annotator name that matches your login); nothing was changed"
        )
    return (
        f"permission denied on {where}: your role on this server may not change {table} "
        "(readers only read; annotators write their own annotations; curators also the gold layer, documents "
        "and the scheme); nothing was changed"
    )


@contextmanager
def transaction(engine: Engine, where: str) -> Iterator[Session]:
    """One user action: a session whose changes commit together at the end, or not at all."""
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
            change_feed.notify_if_logged(session)  # colleagues' windows hear of it when this commits
    except StaleDataError:
        raise ConflictError("someone else changed this record since it was read; nothing was overwritten") from None
    except OperationalError as exc:  # locked, read-only, disk full, cannot open: the edit may succeed later
        raise StoreError(describe_error(exc, where), transient=True) from exc
    except DBAPIError as exc:
        raise StoreError(describe_error(exc, where)) from exc
