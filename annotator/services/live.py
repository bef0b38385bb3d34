"""Live updates: what colleagues (or this user on another machine) changed since the last look.

The change log is the source on both databases: every write adds its rows in the same transaction, so reading
the log from the last id seen never misses a committed change and never shows one rolled back. PostgreSQL's
LISTEN/NOTIFY only says when to look (and a look every few seconds covers a lost notification); SQLite is
asked for the log's highest id on each poll, which costs one index look-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import StoreError
from annotator.services.project import Project
from annotator.store import change_feed, change_log

SAFETY_LOOK_S = 5.0  # on PostgreSQL, read the log this often even without a notification


@dataclass(frozen=True)
class Update:
    """What changed since the previous poll, grouped the way a window refreshes."""

    entries: list[Change] = field(default_factory=list)

    @property
    def documents_touched(self) -> set[str]:
        """Documents whose annotations, relations or status changed."""
        touching = (changes.ANNOTATION, changes.RELATION, changes.STATUS)
        return {e.document for e in self.entries if e.document and e.entity in touching}

    @property
    def document_list_changed(self) -> bool:
        """Documents added, deleted or renamed, or collections changed: the list itself needs reloading."""
        return any(e.entity in (changes.DOCUMENT, changes.COLLECTION, changes.MEMBERSHIP) for e in self.entries)

    @property
    def scheme_changed(self) -> bool:
        return any(e.entity == changes.SCHEME for e in self.entries)

    def annotation_changes(self, document: str) -> list[Change]:
        return [e for e in self.entries if e.document == document and e.entity == changes.ANNOTATION]

    def relation_changes(self, document: str) -> list[Change]:
        return [e for e in self.entries if e.document == document and e.entity == changes.RELATION]

    def __bool__(self) -> bool:
        return bool(self.entries)


class ChangeFeed:
    """Polled by the window (about once a second). Starts at the present: only later changes are reported."""

    def __init__(self, project: Project):
        self.project = project
        self.database = project.database
        with project.transaction() as session:
            self.last_id = change_log.latest_id(session)
        self._listener = None if self.database.is_sqlite else change_feed.Listener(self.database.engine)
        self._last_look = time.monotonic()
        self.connected = True

    def poll(self) -> Update:
        """Changes committed since the previous poll (an empty Update when none). Raises StoreError while the
        database cannot be reached; the next successful poll catches up on everything missed."""
        try:
            if self._listener is not None:
                woken = self._listener.pending()
                if not woken and time.monotonic() - self._last_look < SAFETY_LOOK_S:
                    self.connected = True
                    return Update()
            update = self._read()
        except StoreError:
            self.connected = False
            raise
        except Exception as exc:  # the listener's own connection failed (the driver's error)
            self.connected = False
            raise StoreError(f"lost the connection to {self.project.where}: {_first_line(exc)}") from None
        self.connected = True
        return update

    def _read(self) -> Update:
        self._last_look = time.monotonic()
        with self.project.transaction() as session:
            entries = change_log.after(session, self.last_id)  # by primary key: cheap when none
        if entries:
            self.last_id = entries[-1].log_id or self.last_id
        if any(e.entity == changes.SCHEME for e in entries):
            self.project.forget_scheme()  # the next use reads the colleague's scheme
        return Update([one for entry in entries for one in _per_annotation(entry)])

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()


def _per_annotation(entry: Change) -> list[Change]:
    """An import's record (one per document) as the annotation creations it stands for; others as they are."""
    if entry.entity != changes.IMPORT:
        return [entry]
    uuids = (entry.after or {}).get("annotations", ())
    return [replace(entry, entity=changes.ANNOTATION, key=uuid, after=None) for uuid in uuids]


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
