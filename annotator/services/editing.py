"""The open document of one annotator, without widgets: its text, annotations and relations, the current
annotation, the selection rules, and every edit as an undoable Edit over the services.

Views follow it through an Observer; they render, it decides. Everything it shows comes from change records:
those its own edits return (applied at once) and those the change log brings from colleagues (apply_remote),
where the echo of its own edits is recognised by log position and skipped. Edits the database cannot take
now (locked, read-only, disk full, server gone) are kept in order and retried (retry_pending).
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import TYPE_CHECKING

from annotator.core import changes, ranges
from annotator.core.changes import Change
from annotator.core.errors import AnnotatorError, ConflictError, StoreError
from annotator.core.model import (
    Annotation,
    Document,
    Fragment,
    Relation,
    Status,
    annotation_from_dict,
    relation_from_dict,
)
from annotator.core.offsets import OffsetMap
from annotator.core.scheme import Scope
from annotator.core.spans import snap_to_words, trim
from annotator.services import documents, edits
from annotator.services.annotating import Annotating
from annotator.services.memory import cycle_collection_paused
from annotator.services.project import Project
from annotator.services.undo import Edit, Save, UndoHistory

if TYPE_CHECKING:
    from annotator.services.suggestion_review import Correction

# Undo reaches this many edits back. Unlimited, a day's work keeps every edit's before-and-after in memory (the
# soak benchmark: some 60 MB over 50,000 edits); every edit is in the change log anyway, with who and when.
UNDO_STEPS = 1000


class Observer:
    """What a view of the editor hears; each method does nothing unless the view overrides it."""

    def document_opened(self) -> None: ...
    def annotation_stored(self, ann: Annotation) -> None: ...
    def annotation_removed(self, uuid: str) -> None: ...
    def relations_changed(self) -> None: ...
    def current_changed(self, ann: Annotation | None) -> None: ...
    def status_changed(self, status: Status) -> None: ...
    def saved(self) -> None: ...
    def pending_changed(self, waiting: int, reason: str) -> None: ...
    def conflict_found(self, message: str) -> None: ...
    def records_applied(self, records: list[Change]) -> None: ...  # every record shown, mine or colleagues'


class DocumentEditor:
    def __init__(self, project: Project, annotator: str, observer: Observer | None = None):
        self.project = project
        self.service = Annotating(project, annotator)
        self.observer = observer or Observer()
        self.history = UndoHistory(UNDO_STEPS)
        self.history.runner = self._keep_unsaved
        self.colleagues: list[str] = []  # whose layers are shown read-only beside mine
        self.snap = True
        self.document: Document | None = None
        self.offsets = OffsetMap("")
        self.annotations: dict[str, Annotation] = {}
        self.relations: list[Relation] = []
        self.current: Annotation | None = None
        self.my_count = 0
        self.status = Status.NOT_STARTED
        self.pending: list[tuple[str, Save]] = []  # edits the database could not take yet, in order
        self.pending_reason = ""
        self._own: set[int] = set()  # log positions of my records not yet echoed back by the change log

    @property
    def annotator(self) -> str:
        return self.service.annotator

    # -- loading --------------------------------------------------------------------------------------

    def open(self, uuid: str) -> None:
        with cycle_collection_paused():
            self.document = documents.get_document(self.project, uuid)
            self.offsets = OffsetMap(self.document.text)
            self._load_layers()
            self.status = self.service.status(uuid)
            self.current = None
            self.observer.document_opened()

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
                self.observer.document_opened()

    def switch_annotator(self, name: str) -> None:
        self.service = Annotating(self.project, name)
        self.history.clear()
        self.colleagues = [n for n in self.colleagues if n != name]
        if self.document is not None:
            self.open(self.document.uuid)

    # -- what views show ------------------------------------------------------------------------------

    def is_mine(self, ann: Annotation) -> bool:
        return ann.annotator == self.annotator

    def nearest(self, ann: Annotation, limit: int) -> list[Annotation]:
        """My other span annotations closest to ann, nearest first (the likely ends of a relation)."""
        mine = (a for a in self.annotations.values() if a.fragments and a.uuid != ann.uuid and self.is_mine(a))
        return heapq.nsmallest(limit, mine, key=lambda a: (abs(a.start - ann.start), a.start))

    def document_labels(self) -> dict[str, Annotation]:
        """My document-level annotations by label."""
        return {a.label: a for a in self.annotations.values() if not a.fragments and self.is_mine(a)}

    def at(self, offset: int) -> list[Annotation]:
        """Annotations covering a text offset, mine first, innermost first."""
        if offset < 0 or self.document is None:
            return []
        hits = [a for a in self.annotations.values() if any(f.start <= offset < f.end for f in a.fragments)]
        return sorted(hits, key=lambda a: (not self.is_mine(a), sum(f.end - f.start for f in a.fragments)))

    def related_to(self, uuid: str) -> list[Relation]:
        return [r for r in self.relations if uuid in (r.source, r.target)]

    def select(self, ann: Annotation | None) -> None:
        self.current = ann
        self.observer.current_changed(ann)

    def fragment_of(self, start: int, end: int) -> Fragment | None:
        """A selection of the text (code points, either order) as a fragment: snapped to whole words (unless
        turned off), spaces and edge punctuation dropped; None when nothing is left."""
        assert self.document is not None
        start, end = (snap_to_words if self.snap else trim)(self.document.text, min(start, end), max(start, end))
        return Fragment(start, end) if end > start else None

    # -- edits ----------------------------------------------------------------------------------------

    def add(self, label: str, subtype: str | None, fragment: Fragment) -> Annotation:
        assert self.document is not None
        ann = Annotation(self.document.uuid, self.annotator, label, (fragment,), subtype)
        self.run(edits.AddAnnotation(self.service, ann))
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
            self.run(edits.AddAnnotation(self.service, ann))

    def delete(self, ann: Annotation) -> None:
        self.run(edits.DeleteAnnotation(self.service, ann))

    def update(self, before: Annotation, after: Annotation, what: str) -> None:
        self.run(edits.UpdateAnnotation(self.service, before, after, what))

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
        self.run(edits.AddRelation(self.service, rel, self.document.uuid))

    def unrelate(self, rel: Relation) -> None:
        assert self.document is not None
        self.run(edits.DeleteRelation(self.service, rel, self.document.uuid))

    def mark_boilerplate(self, fragment: Fragment, furniture: bool = True) -> None:
        """Mark a stretch of the text as page furniture (or, furniture False, as article text again)."""
        assert self.document is not None
        before = self.document.boilerplate
        change = ranges.added if furniture else ranges.removed
        after = change(before, fragment.start, fragment.end)
        if after != before:
            what = "Mark as boilerplate" if furniture else "Mark as article text"
            self.run(edits.SetBoilerplate(self.project, self.document.uuid, self.annotator, before, after, what))

    def in_boilerplate(self, fragment: Fragment) -> bool:
        return self.document is not None and ranges.overlaps(self.document.boilerplate, fragment.start, fragment.end)

    def set_status(self, status: Status) -> None:
        assert self.document is not None
        if status is not self.status:
            self.run(edits.SetStatus(self.service, self.document.uuid, self.status, status))

    def accept_suggestions(self, uuids: list[str], correction: Correction | None = None) -> None:
        """Accept suggestions (one, or many in one transaction) as my annotations; undoable. The annotations they
        make are shown through their records like any other edit's."""
        if uuids:
            self.run(edits.AcceptSuggestions(self.project, self.annotator, uuids, correction))

    def reject_suggestions(self, uuids: list[str], action: str = "rejected") -> None:
        """Reject (or, action "skipped", pass over) suggestions; undoable."""
        if uuids:
            self.run(edits.RejectSuggestions(self.project, self.annotator, uuids, action))

    def run(self, edit: Edit) -> None:
        """Apply an edit and add it to the undo history; if the database cannot take it now, keep it (in order)
        and raise StoreError saying so. A colleague's newer version raises ConflictError and is shown."""
        try:
            saved = self._save(edit.text, lambda: self._apply_and_push(edit))
        except ConflictError as exc:
            self._show_other_version(exc)
            raise
        if not saved:
            waiting = f"{len(self.pending)} edit{'s' if len(self.pending) != 1 else ''} waiting to be saved"
            raise StoreError(f"{self.pending_reason}. The edit is kept ({waiting}) and saved as soon as it can be.")

    def _apply_and_push(self, edit: Edit) -> list[Change]:
        records = edit.apply()
        self.history.push(edit)
        return records

    def _keep_unsaved(self, what: str, save: Save) -> None:
        """An undo or redo: the history has moved; if the database refuses, keep the change to retry. If a
        colleague changed the annotation meanwhile, nothing is written: show their version and say so."""
        try:
            self._save(what, save)
        except ConflictError as exc:
            self._show_other_version(exc)
            self.observer.conflict_found(f"{what} was not saved: {exc}")

    def _show_other_version(self, exc: ConflictError) -> None:
        if isinstance(exc.current, Annotation):
            self._show_annotation(exc.current)

    def _save(self, what: str, save: Save) -> bool:
        """Run save now, after any edit still waiting (order matters), and show what it wrote; if storage fails,
        keep it. True if saved."""
        if self.pending:
            self.retry_pending()
        if not self.pending:
            try:
                self.apply(save())
                return True
            except StoreError as exc:
                if not exc.transient:  # e.g. a constraint the edit breaks: refused, as an InputError is
                    raise
                self.pending_reason = str(exc)
        self.pending.append((what, save))
        self.observer.pending_changed(len(self.pending), self.pending_reason)
        return False

    def retry_pending(self) -> int:
        """Save the waiting edits in order, up to the first the database still refuses; returns how many wait."""
        while self.pending:
            what, save = self.pending[0]
            try:
                self.apply(save())
            except StoreError as exc:
                if exc.transient:
                    self.pending_reason = str(exc)
                    break
                self.pending_reason = f"{what} could not be saved and was dropped: {exc}"
            except AnnotatorError as exc:  # no longer possible (e.g. the document was deleted): say so, drop it
                self.pending_reason = f"{what} could not be saved and was dropped: {exc}"
            self.pending.pop(0)
        self.observer.pending_changed(len(self.pending), self.pending_reason)
        return len(self.pending)

    # -- showing change records -----------------------------------------------------------------------

    def apply(self, records: list[Change]) -> None:
        """Show what my own edit wrote (its records, straight from the service)."""
        self._own.update(r.log_id for r in records if r.log_id is not None)
        self.observer.saved()
        self._show(records)

    def apply_remote(self, records: list[Change]) -> None:
        """Show what the change log says others (or this user elsewhere) wrote; the echo of my own edits, which
        are shown already, is skipped. Selection and undo history stay as they are."""
        fresh = [r for r in records if r.log_id not in self._own]
        self._own.difference_update(r.log_id for r in records)
        if self.document is not None:
            uuids = {r.key for r in fresh if r.document == self.document.uuid and r.entity == changes.ANNOTATION}
            if uuids:
                self._refresh(uuids)
            if any(r.document == self.document.uuid and r.entity == changes.RELATION for r in fresh):
                self.reload_relations()
            for r in fresh:
                if r.entity == changes.STATUS and r.key == f"{self.document.uuid}/{self.annotator}" and r.after:
                    self.status = Status(r.after["status"])
                    self.observer.status_changed(self.status)
        if fresh:
            self.observer.records_applied(fresh)

    def _show(self, records: list[Change]) -> None:
        doc = self.document.uuid if self.document is not None else None
        relations_changed = False
        for r in records:
            if r.document != doc or doc is None:
                continue
            if r.entity == changes.ANNOTATION and r.after is not None:
                self._show_annotation(annotation_from_dict(r.after))
            elif r.entity == changes.ANNOTATION:
                self._drop_annotation(r.key)
            elif r.entity == changes.RELATION:
                self.relations = [x for x in self.relations if x.uuid != r.key]
                if r.after is not None:
                    self.relations.append(relation_from_dict(r.after))
                relations_changed = True
            elif r.entity == changes.STATUS and r.key == f"{doc}/{self.annotator}" and r.after:
                self.status = Status(r.after["status"])
                self.observer.status_changed(self.status)
            elif r.entity == changes.DOCUMENT and r.action == changes.UPDATE and r.after and self.document:
                fields = {f: r.after[f] for f in documents.METADATA_FIELDS if f in r.after}
                marked = tuple((start, end) for start, end in r.after.get("boilerplate", ()))
                self.document = replace(self.document, **fields, boilerplate=marked)
        if relations_changed:
            self.observer.relations_changed()
        self.observer.records_applied(records)

    def _show_annotation(self, ann: Annotation) -> None:
        """Show an annotation as stored; selection and undo history stay."""
        if self.document is None or ann.document != self.document.uuid:
            return
        if not self.is_mine(ann) and ann.annotator not in self.colleagues:
            return
        if ann.uuid not in self.annotations and self.is_mine(ann):
            self.my_count += 1
        self.annotations[ann.uuid] = ann
        self.observer.annotation_stored(ann)
        if self.current is not None and self.current.uuid == ann.uuid:
            self.select(ann)

    def _drop_annotation(self, uuid: str) -> None:
        ann = self.annotations.pop(uuid, None)
        if ann is None:
            return
        self.my_count -= self.is_mine(ann)
        self.observer.annotation_removed(uuid)
        if self.current is not None and self.current.uuid == uuid:
            self.select(None)

    def _refresh(self, uuids: set[str]) -> None:
        """Annotations changed elsewhere: show them as stored now (one read for all of them)."""
        assert self.document is not None
        fresh = {a.uuid: a for a in self.service.annotations(self.document.uuid, [self.annotator, *self.colleagues])}
        for uuid in sorted(uuids):
            if uuid not in fresh:
                self._drop_annotation(uuid)
            elif (shown := self.annotations.get(uuid)) is None or shown.version != fresh[uuid].version:
                self._show_annotation(fresh[uuid])

    def reload_relations(self) -> None:
        if self.document is not None:
            self.relations = self.service.relations(self.document.uuid)
            self.observer.relations_changed()
