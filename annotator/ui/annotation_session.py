"""The open document of one annotator: its text and offset map, annotations, relations, and the edits on it.

Views listen to its signals; edits go through undo commands (commands.py) that call the services and report
back here through `_on_command`, so the view always shows what the database holds.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.errors import AnnotatorError, ConflictError, StoreError
from annotator.core.model import Annotation, Document, Fragment, Relation, Status
from annotator.core.offsets import OffsetMap
from annotator.core.scheme import Scope
from annotator.core.spans import snap_to_words, trim
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.memory import cycle_collection_paused
from annotator.services.project import Project
from annotator.ui import commands
from annotator.ui.widgets.span_painter import Mark

# Undo reaches this many edits back. Unlimited, a day's work keeps every edit's before-and-after in memory (the
# soak benchmark: some 60 MB over 50,000 edits); every edit is in the change log anyway, with who and when.
UNDO_STEPS = 1000


class AnnotationSession(QObject):
    document_opened = Signal()
    annotation_stored = Signal(object)  # Annotation
    annotation_removed = Signal(str)  # uuid
    relations_changed = Signal()
    current_changed = Signal(object)  # Annotation or None
    status_changed = Signal(object)  # Status
    saved = Signal(str)  # a message for the status bar
    pending_changed = Signal(int, str)  # edits waiting to be saved (storage failed), and why
    conflict_found = Signal(str)  # an undo or redo met a colleague's newer version: what happened (nothing written)

    def __init__(self, project: Project, annotator: str, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.service = Annotating(project, annotator)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_STEPS)
        self.colleagues: list[str] = []  # whose layers are shown read-only beside mine
        self.snap = True
        self.document: Document | None = None
        self.offsets = OffsetMap("")
        self.annotations: dict[str, Annotation] = {}
        self.relations: list[Relation] = []
        self.current: Annotation | None = None
        self.my_count = 0
        self.status = Status.NOT_STARTED
        self._colours: dict[tuple[str, str | None], str] = {}
        # Edits the database could not take (locked, read-only, full, file gone), in order: kept, shown as not
        # saved, and retried on a timer and before the next edit.
        self.pending: list[tuple[str, Callable[[], None]]] = []
        self.pending_reason = ""
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(5000)
        self.retry_timer.timeout.connect(self.retry_pending)

    @property
    def annotator(self) -> str:
        return self.service.annotator

    # -- loading --------------------------------------------------------------------------------------

    def open(self, uuid: str) -> None:
        with cycle_collection_paused():
            self._colours = {}  # the scheme may have changed since the last document
            self.document = documents.get_document(self.project, uuid)
            self.offsets = OffsetMap(self.document.text)
            self._load_layers()
            self.status = self.service.status(uuid)
            self.current = None
            self.document_opened.emit()

    def _load_layers(self) -> None:
        assert self.document is not None
        found = self.service.annotations(self.document.uuid, [self.annotator, *self.colleagues])
        self.annotations = {a.uuid: a for a in found}
        me = self.annotator
        self.my_count = len(found) if not self.colleagues else sum(a.annotator == me for a in found)
        self.relations = self.service.relations(self.document.uuid)

    def set_colleagues(self, names: list[str]) -> None:
        self.colleagues = [n for n in names if n != self.annotator]
        if self.document is not None:
            with cycle_collection_paused():
                self._load_layers()
                self.document_opened.emit()

    def switch_annotator(self, name: str) -> None:
        self.service = Annotating(self.project, name)
        self.undo_stack.clear()
        self.colleagues = [n for n in self.colleagues if n != name]
        if self.document is not None:
            self.open(self.document.uuid)

    # -- what the views show --------------------------------------------------------------------------

    def is_mine(self, ann: Annotation) -> bool:
        return ann.annotator == self.annotator

    def nearest(self, ann: Annotation, limit: int) -> list[Annotation]:
        """My other span annotations closest to ann, nearest first (the likely ends of a relation)."""
        mine = (a for a in self.annotations.values() if a.fragments and a.uuid != ann.uuid and self.is_mine(a))
        return heapq.nsmallest(limit, mine, key=lambda a: (abs(a.start - ann.start), a.start))

    def document_labels(self) -> dict[str, Annotation]:
        """My document-level annotations by label."""
        return {a.label: a for a in self.annotations.values() if not a.fragments and self.is_mine(a)}

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

    def at(self, qt_position: int) -> list[Annotation]:
        """Annotations covering a Qt position, innermost first."""
        if qt_position < 0 or self.document is None:
            return []
        offset = self.offsets.from_qt(qt_position)
        hits = [a for a in self.annotations.values() if any(f.start <= offset < f.end for f in a.fragments)]
        return sorted(hits, key=lambda a: (not self.is_mine(a), sum(f.end - f.start for f in a.fragments)))

    def related_to(self, uuid: str) -> list[Relation]:
        return [r for r in self.relations if uuid in (r.source, r.target)]

    def select(self, ann: Annotation | None) -> None:
        self.current = ann
        self.current_changed.emit(ann)

    def fragment_from_selection(self, qt_start: int, qt_end: int) -> Fragment | None:
        """The selection as a stored fragment, snapped to words (unless turned off) and trimmed."""
        assert self.document is not None
        start, end = self.offsets.from_qt(min(qt_start, qt_end)), self.offsets.from_qt(max(qt_start, qt_end))
        start, end = (snap_to_words if self.snap else trim)(self.document.text, start, end)
        return Fragment(start, end) if end > start else None

    # -- edits ----------------------------------------------------------------------------------------

    def add(self, label: str, subtype: str | None, fragment: Fragment) -> Annotation:
        assert self.document is not None
        ann = Annotation(self.document.uuid, self.annotator, label, (fragment,), subtype)
        self._run(commands.AddAnnotation(self.service, self._on_command, ann))
        self.select(self.annotations.get(ann.uuid))
        return ann

    def set_document_label(self, label: str, subtype: str | None) -> None:
        assert self.document is not None
        existing = self.document_labels().get(label)
        if existing is not None and subtype is None:
            self.delete(existing)
        elif existing is not None:
            self.update(existing, replace(existing, subtype=subtype), f"Set {label}")
        elif subtype is not None:
            ann = Annotation(self.document.uuid, self.annotator, label, (), subtype)
            self._run(commands.AddAnnotation(self.service, self._on_command, ann))

    def delete(self, ann: Annotation) -> None:
        self._run(commands.DeleteAnnotation(self.service, self._on_command, ann))
        if self.current is not None and self.current.uuid == ann.uuid:
            self.select(None)

    def update(self, before: Annotation, after: Annotation, what: str) -> None:
        self._run(commands.UpdateAnnotation(self.service, self._on_command, before, after, what))

    def relabel(self, ann: Annotation, label: str) -> None:
        """Change the label; sub-type and attributes that the new label lacks are dropped."""
        target = self.project.scheme.label(label)
        if target.scope is not Scope.SPAN:
            return
        kept = {k: v for k, v in ann.attributes.items() if target.attribute(k) is not None}
        self.update(ann, replace(ann, label=label, subtype=None, attributes=kept), f"Relabel as {label}")

    def move_boundary(self, ann: Annotation, which: str, step: int) -> None:
        """Move the start or end of the annotation's first/last fragment by step characters (kept non-empty)."""
        assert self.document is not None
        frags = list(ann.fragments)
        first, last = frags[0], frags[-1]
        if which == "start":
            frags[0] = Fragment(max(0, min(first.start + step, first.end - 1)), first.end)
        else:
            frags[-1] = Fragment(last.start, min(len(self.document.text), max(last.end + step, last.start + 1)))
        if tuple(frags) != ann.fragments:
            self.update(ann, replace(ann, fragments=tuple(frags)), f"Move {which}")

    def add_fragment(self, ann: Annotation, fragment: Fragment) -> None:
        merged = [f for f in ann.fragments if f.end < fragment.start or f.start > fragment.end]
        overlapping = [f for f in ann.fragments if f not in merged] + [fragment]
        merged.append(Fragment(min(f.start for f in overlapping), max(f.end for f in overlapping)))
        self.update(ann, replace(ann, fragments=tuple(merged)), "Add fragment")

    def relate(self, kind: str, source: Annotation, target: Annotation) -> None:
        assert self.document is not None
        rel = Relation(kind, source.uuid, target.uuid, self.annotator)
        self._run(commands.AddRelation(self.service, self._on_command, rel, self.document.uuid))

    def unrelate(self, rel: Relation) -> None:
        assert self.document is not None
        self._run(commands.DeleteRelation(self.service, self._on_command, rel, self.document.uuid))

    def set_status(self, status: Status) -> None:
        assert self.document is not None
        if status is not self.status:
            self._run(commands.SetStatus(self.service, self._on_command, self.document.uuid, self.status, status))

    def _run(self, command: commands.EditCommand) -> None:
        command.guard = self._keep_unsaved
        try:
            saved = self._save(command.text(), lambda: commands.run(self.undo_stack, command))
        except ConflictError as exc:
            self._show_other_version(exc)
            raise
        if not saved:
            waiting = f"{len(self.pending)} edit{'s' if len(self.pending) != 1 else ''} waiting to be saved"
            raise StoreError(f"{self.pending_reason}. The edit is kept ({waiting}) and saved as soon as it can be.")

    def _keep_unsaved(self, what: str, save: Callable[[], None]) -> None:
        """An undo or redo: the stack has moved; if the database refuses, keep the change to retry. If a colleague
        changed the annotation meanwhile, nothing is written: show their version and say so."""
        try:
            self._save(what, save)
        except ConflictError as exc:
            self._show_other_version(exc)
            self.conflict_found.emit(f"{what} was not saved: {exc}")

    def _show_other_version(self, exc: ConflictError) -> None:
        if isinstance(exc.current, Annotation):
            self.take_remote_annotation(exc.current)

    # -- colleagues' changes (live updates, conflicts) --------------------------------------------------

    def take_remote_annotation(self, ann: Annotation) -> None:
        """Show an annotation as a colleague (or my other machine) stored it; selection and undo history stay."""
        if self.document is None or ann.document != self.document.uuid:
            return
        if not self.is_mine(ann) and ann.annotator not in self.colleagues:
            return
        if ann.uuid not in self.annotations and self.is_mine(ann):
            self.my_count += 1
        self.annotations[ann.uuid] = ann
        self.annotation_stored.emit(ann)
        if self.current is not None and self.current.uuid == ann.uuid:
            self.select(ann)

    def drop_remote_annotation(self, uuid: str) -> None:
        """An annotation deleted elsewhere disappears here (and stops being the current one)."""
        ann = self.annotations.pop(uuid, None)
        if ann is None:
            return
        self.my_count -= self.is_mine(ann)
        self.annotation_removed.emit(uuid)
        if self.current is not None and self.current.uuid == uuid:
            self.select(None)

    def refresh_from_elsewhere(self, uuids: set[str], relations: bool) -> None:
        """Annotations (by uuid) changed in the database by someone else: show them as stored now. My own saves
        come back here too and are skipped (same version), so the selection and what is being typed stay."""
        if self.document is None or not (uuids or relations):
            return
        if uuids:
            layers = [self.annotator, *self.colleagues]
            fresh = {a.uuid: a for a in self.service.annotations(self.document.uuid, layers)}
            for uuid in sorted(uuids):
                if uuid not in fresh:
                    self.drop_remote_annotation(uuid)
                elif (shown := self.annotations.get(uuid)) is None or shown.version != fresh[uuid].version:
                    self.take_remote_annotation(fresh[uuid])
        if relations:
            self.reload_relations()

    def reload_relations(self) -> None:
        if self.document is not None:
            self.relations = self.service.relations(self.document.uuid)
            self.relations_changed.emit()

    def _save(self, what: str, save: Callable[[], None]) -> bool:
        """Run save now, after any edit still waiting (order matters); if storage fails keep it. True if saved."""
        if self.pending:
            self.retry_pending()
        if not self.pending:
            try:
                save()
                return True
            except StoreError as exc:
                if not exc.transient:  # e.g. a constraint the edit breaks: refused, as an InputError is
                    raise
                self.pending_reason = str(exc)
        self.pending.append((what, save))
        self.retry_timer.start()
        self.pending_changed.emit(len(self.pending), self.pending_reason)
        return False

    def retry_pending(self) -> int:
        """Save the waiting edits in order, up to the first the database still refuses; returns how many wait."""
        while self.pending:
            what, save = self.pending[0]
            try:
                save()
            except StoreError as exc:
                if exc.transient:
                    self.pending_reason = str(exc)
                    break
                self.pending_reason = f"{what} could not be saved and was dropped: {exc}"
            except AnnotatorError as exc:  # no longer possible (e.g. the document was deleted): say so, drop it
                self.pending_reason = f"{what} could not be saved and was dropped: {exc}"
            self.pending.pop(0)
        if not self.pending:
            self.retry_timer.stop()
        self.pending_changed.emit(len(self.pending), self.pending_reason)
        return len(self.pending)

    def _on_command(self, event: str, document: str, payload: object) -> None:
        """A command reached the database: mirror it here if it concerns the open document."""
        stamp = QTime.currentTime().toString("HH:mm:ss")
        self.saved.emit(f"Saved at {stamp}")
        if self.document is None or document != self.document.uuid:
            return
        if event == "stored" and isinstance(payload, Annotation):
            self.my_count += payload.uuid not in self.annotations
            self.annotations[payload.uuid] = payload
            self.annotation_stored.emit(payload)
            if self.current is not None and self.current.uuid == payload.uuid:
                self.select(payload)
        elif event == "removed" and isinstance(payload, str):
            self.my_count -= self.annotations.pop(payload, None) is not None
            self.annotation_removed.emit(payload)
            if self.current is not None and self.current.uuid == payload:
                self.select(None)
        elif event in ("related", "unrelated") and isinstance(payload, Relation):
            self.relations = [r for r in self.relations if r.uuid != payload.uuid]
            if event == "related":
                self.relations.append(payload)
            self.relations_changed.emit()
        elif event == "status" and isinstance(payload, Status):
            self.status = payload
            self.status_changed.emit(payload)
