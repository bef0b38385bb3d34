"""Live updates in the window: a timer polls the change feed and shows colleagues' work as it is saved.

The change records reach the AnnotationSession (apply_remote: never through the undo history, so the user's
history and selection stay; the echo of the user's own edits is skipped), which shows colleagues' marks and
tells the window of documents, collections and scheme changes; the navigator's counts and statuses follow.
When the database cannot be reached, the status bar says so until it can again (saving is refused meanwhile:
edits wait in the session and are saved when it is back).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.errors import StoreError
from annotator.services import documents
from annotator.services.live import ChangeFeed, Update

POLL_MS = 1000


class LiveUpdates(QObject):
    updated = Signal(object)  # Update, after the window shows it
    connection_changed = Signal(bool, str)  # reachable, and why not

    def __init__(self, window, interval_ms: int = POLL_MS):  # type: ignore[no-untyped-def]
        super().__init__(window)
        self.window = window
        self.feed = ChangeFeed(window.project)
        self.reachable = True
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.connection_changed.connect(self._tell)

    def _tell(self, reachable: bool, why: str) -> None:
        bar = self.window.statusBar()
        if reachable:
            bar.showMessage("Connected to the database again", 8000)
            self.window.saved_label.setText("Connected again")
        else:
            bar.showMessage(f"No connection: {why}. Trying again; nothing is shown as saved until it is.")
            self.window.saved_label.setText("No connection")

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.feed.close()

    def poll(self) -> Update:
        try:
            update = self.feed.poll()
        except StoreError as exc:
            if self.reachable:
                self.reachable = False
                self.connection_changed.emit(False, str(exc))
            return Update()
        if not self.reachable:
            self.reachable = True
            self.connection_changed.emit(True, "")
        if update:
            try:
                self._show(update)
            except StoreError as exc:  # lost between the poll and the reads that follow it
                self.reachable = False
                self.connection_changed.emit(False, str(exc))
                return update
            self.updated.emit(update)
        return update

    def _show(self, update: Update) -> None:
        window, session = self.window, self.window.session
        session.apply_remote(update.entries)  # the window refreshes the list and the scheme from these
        if not update.document_list_changed and (touched := update.documents_touched):
            ids = [i for i in (documents.row_of(window.project, uuid) for uuid in touched) if i is not None]
            for row in documents.summaries_of(window.project, ids, session.annotator):
                window.navigator.model.update_summary(
                    row.uuid, annotation_count=row.annotation_count, status=row.status
                )
