"""Every user edit is a QUndoCommand whose redo and undo call the annotating service.

The first redo happens before the command is pushed (see `run`), so an edit the database refused never
enters the undo history and is never shown as saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.model import Annotation, Relation, Status, annotation_from_dict, relation_from_dict
from annotator.services.annotating import Annotating, stored_annotation

Listener = Callable[[str, str, object], None]  # (event, document uuid, payload): what the view refreshes from
Guard = Callable[[str, Callable[[], None]], None]  # (what, save): runs save, or keeps it to retry if storage fails


class EditCommand(QUndoCommand):
    def __init__(self, service: Annotating, notify: Listener, text: str):
        super().__init__(text)
        self.service, self.notify = service, notify
        self._skip_first_redo = False
        # Set by the session: an undo or redo the database could not take is kept and retried, not lost.
        self.guard: Guard | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._guarded(self.text(), self.apply)

    def undo(self) -> None:
        self._guarded(f"Undo {self.text()}", self.revert)

    def _guarded(self, what: str, save: Callable[[], None]) -> None:
        if self.guard is None:
            save()
        else:
            self.guard(what, save)


class AddAnnotation(EditCommand):
    def __init__(self, service: Annotating, notify: Listener, ann: Annotation):
        super().__init__(service, notify, f"Add {ann.label}")
        self.ann = ann

    def apply(self) -> None:
        self.service.create(self.ann)
        self.notify("stored", self.ann.document, self.ann)

    def revert(self) -> None:
        self.service.delete(self.ann.uuid, self.service.last_written.get(self.ann.uuid))
        self.notify("removed", self.ann.document, self.ann.uuid)


class DeleteAnnotation(EditCommand):
    def __init__(self, service: Annotating, notify: Listener, ann: Annotation):
        super().__init__(service, notify, f"Delete {ann.label}")
        self.ann = ann
        self.relations: list[Relation] = []

    def apply(self) -> None:
        seen = self.service.last_written.get(self.ann.uuid, self.ann.version)
        records = self.service.delete(self.ann.uuid, seen)
        self.ann = annotation_from_dict(records[-1].before or {})
        self.relations = [relation_from_dict(r.before or {}) for r in records[:-1]]
        self.notify("removed", self.ann.document, self.ann.uuid)
        for rel in self.relations:
            self.notify("unrelated", self.ann.document, rel)

    def revert(self) -> None:
        self.service.create(self.ann)
        self.notify("stored", self.ann.document, self.ann)
        for rel in self.relations:
            self.service.relate(rel)
            self.notify("related", self.ann.document, rel)


class UpdateAnnotation(EditCommand):
    """Label, sub-type, attributes, note, boundaries or fragments: the whole annotation before and after."""

    def __init__(self, service: Annotating, notify: Listener, before: Annotation, after: Annotation, what: str):
        super().__init__(service, notify, what)
        self.before, self.after = before, after
        self._done_once = False

    def _store(self, ann: Annotation) -> None:
        # The first time: over the version the user saw. Undo and redo: over the version this user's own last
        # save left, so a colleague's change made in between is reported as a conflict, never overwritten.
        seen = self.service.last_written.get(ann.uuid, ann.version) if self._done_once else self.after.version
        stored = stored_annotation(self.service.update(replace(ann, version=seen)))
        self._done_once = True
        self.notify("stored", ann.document, stored)

    def apply(self) -> None:
        self._store(self.after)

    def revert(self) -> None:
        self._store(self.before)

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        """Typing a note or an attribute merges into one undo step per annotation and field."""
        if not isinstance(other, UpdateAnnotation) or other.text() != self.text():
            return False
        if other.before.uuid != self.after.uuid or not self.text().startswith("Edit "):
            return False
        self.after = other.after
        return True


class AddRelation(EditCommand):
    def __init__(self, service: Annotating, notify: Listener, rel: Relation, document: str):
        super().__init__(service, notify, f"Link {rel.type}")
        self.rel, self.document = rel, document

    def apply(self) -> None:
        self.service.relate(self.rel)
        self.notify("related", self.document, self.rel)

    def revert(self) -> None:
        self.service.unrelate(self.rel, self.document)
        self.notify("unrelated", self.document, self.rel)


class DeleteRelation(AddRelation):
    def __init__(self, service: Annotating, notify: Listener, rel: Relation, document: str):
        super().__init__(service, notify, rel, document)
        self.setText(f"Unlink {rel.type}")

    def apply(self) -> None:
        super().revert()

    def revert(self) -> None:
        super().apply()


class SetStatus(EditCommand):
    def __init__(self, service: Annotating, notify: Listener, document: str, before: Status, after: Status):
        super().__init__(service, notify, f"Mark {after.value.replace('_', ' ')}")
        self.document, self.before, self.after = document, before, after

    def apply(self) -> None:
        self.service.set_status(self.document, self.after)
        self.notify("status", self.document, self.after)

    def revert(self) -> None:
        self.service.set_status(self.document, self.before)
        self.notify("status", self.document, self.before)


def run(stack: QUndoStack, command: EditCommand) -> None:
    """Apply the edit now; only if the database took it does it join the undo history."""
    command.apply()
    command._skip_first_redo = True
    stack.push(command)
