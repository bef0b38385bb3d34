"""Opening a project: its database and its scheme."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator import paths
from annotator.core.model import Annotator
from annotator.core.scheme import Scheme, default_scheme
from annotator.store import annotators, locations, log_check
from annotator.store import change_log as log
from annotator.store import scheme as stored_scheme
from annotator.store.database import Database


class Project:
    """One open project database. Each service call is one transaction, committed before it returns."""

    def __init__(self, database: Database):
        self.database = database
        self._scheme: Scheme | None = None
        self._label_ids: dict[tuple[str, str | None], int] | None = None

    @classmethod
    def open(cls, url: str | Path | None = None, creator: str | None = None, scheme: Scheme | None = None) -> Project:
        """Open (or create) the project at url; None means the SQLite file under the user data folder.
        creator: who the change log names for a new project's scheme (default: the system's user name);
        scheme: a new project's scheme (default: the one shipped with the app)."""
        database = Database.open(url or paths.default_database_path(), backup_dir=paths.backup_dir())
        project = cls(database)
        if database.created:
            with project.transaction() as session:
                stored_scheme.save(session, scheme or default_scheme(), creator or getpass.getuser() or "annotator")
        return project

    @property
    def where(self) -> str:
        """The file, or user@server:port/database, for messages."""
        return self.database.where or ""

    @property
    def location(self) -> str:
        """The file path, or the server URL without its password: what the recent list keeps."""
        return locations.normalise(self.database.url.render_as_string(hide_password=False))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.database.transaction() as session:
            yield session

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            with self.transaction() as session:
                self._scheme = stored_scheme.load(session)
        return self._scheme

    def label_ids(self, session: Any) -> dict[tuple[str, str | None], int]:
        if self._label_ids is None:
            self._label_ids = stored_scheme.label_ids(session)
        return self._label_ids

    def adopt_scheme(self, scheme: Scheme) -> None:
        """Use scheme, just saved in a transaction that is still open (which a fresh read could not see yet);
        label ids are read again from that transaction. forget_scheme() undoes it if the transaction fails."""
        self._scheme, self._label_ids = scheme, None

    def forget_scheme(self) -> None:
        """Drop cached scheme data after it changed (here or, on a shared server, elsewhere)."""
        self._scheme = self._label_ids = None

    def annotators(self) -> list[Annotator]:
        with self.transaction() as session:
            return annotators.all_annotators(session)

    def database_versions(self) -> dict[str, str]:
        return self.database.versions()

    def log_problems(self) -> list[str]:
        """What `db check --log` reports: rows the change log does not account for, and the other way round."""
        with self.transaction() as session:
            return log_check.problems(session, log.in_order(session))

    def close(self) -> None:
        self.database.close()
