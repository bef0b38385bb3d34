"""Opening a project: its database, its scheme, and the record of what a user action changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator import paths
from annotator.core.model import Annotator
from annotator.core.scheme import Scheme, default_scheme
from annotator.store import repo, scheme_store
from annotator.store.database import Database


@dataclass(frozen=True)
class Change:
    """What one user action changed, for the UI to refresh from."""

    action: str  # created, updated, deleted
    entity: str  # annotation, relation, document, status, scheme
    uuid: str
    document: str | None = None


class Project:
    """One open project database. Each service call is one transaction, committed before it returns."""

    def __init__(self, database: Database):
        self.database = database
        self._scheme: Scheme | None = None
        self._label_ids: dict[tuple[str, str | None], int] | None = None

    @classmethod
    def open(cls, url: str | Path | None = None) -> Project:
        """Open (or create) the project at url; None means the SQLite file under the user data folder."""
        database = Database.open(url or paths.default_database_path(), backup_dir=paths.backup_dir())
        project = cls(database)
        if database.created:
            with project.transaction() as session:
                scheme_store.save_scheme(session, default_scheme())
        return project

    @property
    def where(self) -> str:
        return self.database.where or ""

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.database.transaction() as session:
            yield session

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            with self.transaction() as session:
                self._scheme = scheme_store.load_scheme(session)
        return self._scheme

    def label_ids(self, session: Any) -> dict[tuple[str, str | None], int]:
        if self._label_ids is None:
            self._label_ids = repo.label_ids(session)
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
            return repo.list_annotators(session)

    def close(self) -> None:
        self.database.close()
