"""The open document in the window: the Qt-free editing model (services/editing.py) with Qt signals for the
views, a timer that retries edits the database could not take yet, and the marks the reading view paints
(offsets mapped to Qt's UTF-16 positions through the document's OffsetMap, the one place that does).
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QObject, QTime, QTimer, Signal

from annotator.core.changes import Change
from annotator.core.model import Annotation, Fragment, Status
from annotator.services.editing import UNDO_STEPS, DocumentEditor, Observer
from annotator.services.project import Project
from annotator.ui.widgets.span_painter import Mark

__all__ = ["UNDO_STEPS", "AnnotationSession"]

RETRY_MS = 5000


class AnnotationSession(DocumentEditor, QObject):
    document_opened = Signal()
    annotation_stored = Signal(object)  # Annotation
    annotation_removed = Signal(str)  # uuid
    relations_changed = Signal()
    current_changed = Signal(object)  # Annotation or None
    status_changed = Signal(object)  # Status
    saved = Signal(str)  # a message for the status bar
    pending_changed = Signal(int, str)  # edits waiting to be saved (storage failed), and why
    conflict_found = Signal(str)  # an undo or redo met a colleague's newer version: what happened (nothing written)
    records_applied = Signal(list)  # every change record shown (mine and colleagues'): the window follows

    def __init__(self, project: Project, annotator: str, parent: QObject | None = None):
        QObject.__init__(self, parent)
        DocumentEditor.__init__(self, project, annotator, _Signals(self))
        self._colours: dict[tuple[str, str | None], str] = {}
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self.retry_pending)

    def open(self, uuid: str) -> None:
        self._colours = {}  # the scheme may have changed since the last document
        DocumentEditor.open(self, uuid)

    # -- Qt positions ---------------------------------------------------------------------------------

    def at(self, qt_position: int) -> list[Annotation]:  # type: ignore[override]
        """Annotations covering a Qt position, mine first, innermost first."""
        if qt_position < 0 or self.document is None:
            return []
        return DocumentEditor.at(self, self.offsets.from_qt(qt_position))

    def fragment_from_selection(self, qt_start: int, qt_end: int) -> Fragment | None:
        """The view's selection as a stored fragment (snapped and trimmed as the editing model says)."""
        return self.fragment_of(self.offsets.from_qt(qt_start), self.offsets.from_qt(qt_end))

    # -- marks ----------------------------------------------------------------------------------------

    def colour(self, label: str, subtype: str | None) -> str:
        key = (label, subtype)
        if key not in self._colours:
            self._colours[key] = self.project.scheme.colour(label, subtype)
        return self._colours[key]

    def marks_of(self, ann: Annotation) -> list[Mark]:
        colour = self.colour(ann.label, ann.subtype)
        to_qt = self.offsets.to_qt
        return [Mark(to_qt(f.start), to_qt(f.end), ann.uuid, colour, self.is_mine(ann)) for f in ann.fragments]

    def all_marks(self) -> list[Mark]:
        """The marks of every annotation shown, made in one loop: a document may open with 10,000 (this is
        marks_of with the offset mapping and the colour lookup inlined)."""
        starts, shifts = self.offsets.qt_shifts()
        colours, colour, me, make = self._colours, self.colour, self.annotator, tuple.__new__
        marks: list[Mark] = []
        append = marks.append
        for a in self.annotations.values():
            key = (a.label, a.subtype)
            shade = colours[key] if key in colours else colour(*key)
            mine, uuid = a.annotator == me, a.uuid
            for f in a.fragments:
                start, end = f.start, f.end
                qt_start, qt_end = start + shifts[bisect_right(starts, start)], end + shifts[bisect_right(starts, end)]
                append(make(Mark, (qt_start, qt_end, uuid, shade, mine)))
        return marks


class _Signals(Observer):
    """The editing model's news as the session's Qt signals."""

    def __init__(self, session: AnnotationSession):
        self.session = session

    def document_opened(self) -> None:
        self.session.document_opened.emit()

    def annotation_stored(self, ann: Annotation) -> None:
        self.session.annotation_stored.emit(ann)

    def annotation_removed(self, uuid: str) -> None:
        self.session.annotation_removed.emit(uuid)

    def relations_changed(self) -> None:
        self.session.relations_changed.emit()

    def current_changed(self, ann: Annotation | None) -> None:
        self.session.current_changed.emit(ann)

    def status_changed(self, status: Status) -> None:
        self.session.status_changed.emit(status)

    def saved(self) -> None:
        self.session.saved.emit(f"Saved at {QTime.currentTime().toString('HH:mm:ss')}")

    def pending_changed(self, waiting: int, reason: str) -> None:
        timer = self.session.retry_timer
        timer.start() if waiting else timer.stop()
        self.session.pending_changed.emit(waiting, reason)

    def conflict_found(self, message: str) -> None:
        self.session.conflict_found.emit(message)

    def records_applied(self, records: list[Change]) -> None:
        self.session.records_applied.emit(records)
