"""PostgreSQL's LISTEN/NOTIFY as a wake-up for readers of the change log (change_log.after reads it).

Every write that adds change-log rows sends NOTIFY in the same transaction (PostgreSQL delivers it only when
that transaction commits, and never for one rolled back), so a listener learns of a change the moment it is
visible. SQLite has no such signal: readers poll the log's highest id, which is one index look-up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

CHANNEL = "annotator_changes"
_FLAG = "annotator_change_logged"


# -- NOTIFY on PostgreSQL ----------------------------------------------------------------------------------


def install_notify(engine: Engine) -> None:
    """Remember, per connection, that a statement wrote the change log (ORM or Core insert alike)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _mark(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
        if statement.startswith("INSERT INTO change_log"):
            conn.info[_FLAG] = True

    @event.listens_for(engine, "rollback")
    def _forget(conn: Any) -> None:
        conn.info.pop(_FLAG, None)


def notify_if_logged(session: Session) -> None:
    """Called just before a transaction commits: one NOTIFY if it wrote the change log (PostgreSQL only)."""
    if session.bind is None or session.bind.dialect.name != "postgresql" or not session.in_transaction():
        return
    session.flush()  # pending change-log rows are inserted now, not at commit
    conn = session.connection()
    if conn.info.pop(_FLAG, False):
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Listener:
    """A connection of its own that LISTENs; pending() says whether a change was committed since the last call.

    The connection is not from the pool (it would otherwise be handed to others with LISTEN still on). When the
    server goes away, pending() raises the driver's error; the next call connects again."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._conn: Any = None

    def _connect(self) -> Any:
        raw = self.engine.raw_connection()
        driver = raw.driver_connection
        raw.detach()  # ours alone from now on; closed in close(), never returned to the pool
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        return driver

    def pending(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._connect()
                return True  # (re)connected: changes may have been missed meanwhile
            return any(True for _ in self._conn.notifies(timeout=0, stop_after=1000))
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already broken; nothing more to release
                pass
            self._conn = None
