"""A project database: opened (created, upgraded or refused) once, then one transaction per user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from annotator.core.errors import StoreError
from annotator.store import locations, schema
from annotator.store.engine import describe_error, make_engine, parse_url, transaction


class Database:
    def __init__(self, url: str | Path, backup_dir: Path | None = None):
        self.url = parse_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.where = self.url.database if self.is_sqlite else locations.account(self.url.render_as_string(False))
        self.backup_dir = backup_dir
        if self.is_sqlite and self.file_path is not None:
            _refuse_non_database(self.file_path)
        self.engine = make_engine(self.url)
        self.created = False
        self._identity = self._file_identity()

    def _file_identity(self) -> tuple[int, int] | None:
        path = self.file_path
        try:
            return (path.stat().st_dev, path.stat().st_ino) if path is not None else None
        except OSError:
            return None

    def _check_file(self) -> None:
        """SQLite keeps writing to a project file that was deleted or moved while open (on Linux, into a file
        nobody can see), so every save would be lost: refuse instead, and reconnect when the file is back."""
        if self.file_path is None:
            return
        identity = self._file_identity()
        if identity is None and self._identity is not None:
            raise StoreError(
                f"{self.where} was removed or moved while open; nothing was saved "
                "(put the file back, or restore a backup, and saving resumes)",
                transient=True,
            )
        if identity != self._identity:
            self.engine.dispose()  # the file was put back or replaced: open connections point at the old one
            self._identity = identity

    @property
    def file_path(self) -> Path | None:
        """The SQLite file, when the URL names one plainly (not in memory, not a file: URI)."""
        name = self.url.database if self.is_sqlite else None
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name)

    @classmethod
    def open(cls, url: str | Path, backup_dir: Path | None = None) -> Database:
        """Open a project, creating it if new and upgrading it (after a backup) if old."""
        db = cls(url, backup_dir)
        try:
            db.created = schema.prepare(db.engine, db.where or "", backup_dir) == "created"
            db._identity = db._file_identity()  # a new file exists only now
        except BaseException:
            db.close()
            raise
        return db

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        self._check_file()
        with transaction(self.engine, self.where or "the database") as session:
            yield session

    def versions(self) -> dict[str, str]:
        """The database engine's version, and SQLAlchemy's (for About and bug reports)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                engine = {"SQLite": str(conn.exec_driver_sql("SELECT sqlite_version()").scalar())}
            else:
                engine = {"PostgreSQL": str(conn.exec_driver_sql("SHOW server_version").scalar())}
        return {**engine, "SQLAlchemy": sqlalchemy.__version__}

    def check_writable(self) -> None:
        """Refuse a project file that could not save an edit: read-only, or held locked by another program.
        A SQLite file opens for reading either way, so start a write now (one that changes nothing) and roll it
        back: that takes the write lock and meets a read-only file as an edit would."""
        if not self.is_sqlite:
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 0")
                conn.exec_driver_sql("ROLLBACK")
        except DBAPIError as exc:
            reason = describe_error(exc, self.where or "")
            if "read-only" in reason:
                reason = (
                    f"{self.where} is read-only, so no edit could be saved: copy it to a folder you can write to "
                    "(or change its permissions) and open the copy"
                )
            elif "locked" in reason:
                reason = (
                    f"{self.where} is locked by another program (another copy of this app, or a database tool "
                    "with unsaved changes): close it there and open the project again"
                )
            raise StoreError(reason) from None

    def backup(self, folder: Path | None = None, reason: str = "manual") -> Path:
        target = folder or self.backup_dir
        if target is None:
            raise StoreError("no backup folder is set")
        return schema.backup_sqlite(self.engine, target, reason)

    def upgrade(self) -> str:
        return schema.prepare(self.engine, self.where or "", self.backup_dir)

    def check(self) -> list[str]:
        try:
            return schema.integrity_problems(self.engine)
        except DBAPIError as exc:
            raise StoreError(describe_error(exc, self.where or "")) from exc

    def close(self) -> None:
        self.engine.dispose()


def _refuse_non_database(path: Path) -> None:
    """SQLite would happily treat any file as a database until first read; say so before touching it."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{path} is not a database file (it does not start with the SQLite header)")
