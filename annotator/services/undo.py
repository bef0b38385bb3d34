"""The one undo idiom: every edit (annotations, relations, status, metadata, scheme, adjudication) is an Edit
whose apply and revert call services and return the change records they wrote; an UndoHistory keeps them.

An edit enters the history only after its first apply succeeded, so an edit the database refused is never
undoable and never shown as saved. Qt-free: the window shows the history through actions (ui/undo_actions.py).
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.changes import Change

Save = Callable[[], list[Change]]
Runner = Callable[[str, Save], None]  # (what, save): runs save, or keeps it to retry when storage fails


class Edit:
    """One undoable edit. text names it in the Edit menu ("Add claim")."""

    text = ""

    def apply(self) -> list[Change]:
        raise NotImplementedError

    def revert(self) -> list[Change]:
        raise NotImplementedError

    def absorb(self, later: Edit) -> bool:
        """Take in a later edit of the same kind and target (typing a note), so both undo as one step."""
        return False


class UndoHistory:
    """Edits done and undone, up to limit steps back (every edit is in the change log anyway)."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self.done: list[Edit] = []
        self.undone: list[Edit] = []
        self.runner: Runner = _run_now  # the editing model sets one that keeps unsaved undos to retry
        self.listeners: list[Callable[[], None]] = []  # told whenever what can be undone or redone changed

    def push(self, edit: Edit) -> None:
        """Record an edit that was just applied."""
        if not (self.done and self.done[-1].absorb(edit)):
            self.done.append(edit)
            del self.done[: -self.limit]
        self.undone.clear()
        self._tell()

    def run(self, edit: Edit) -> list[Change]:
        """Apply edit now; only if that succeeded does it join the history."""
        records = edit.apply()
        self.push(edit)
        return records

    def undo(self) -> None:
        if self.done:
            edit = self.done.pop()
            self.undone.append(edit)
            self._tell()
            self.runner(f"Undo {edit.text}", edit.revert)

    def redo(self) -> None:
        if self.undone:
            edit = self.undone.pop()
            self.done.append(edit)
            self._tell()
            self.runner(edit.text, edit.apply)

    def can_undo(self) -> bool:
        return bool(self.done)

    def can_redo(self) -> bool:
        return bool(self.undone)

    def undo_text(self) -> str:
        return self.done[-1].text if self.done else ""

    def redo_text(self) -> str:
        return self.undone[-1].text if self.undone else ""

    def count(self) -> int:
        return len(self.done) + len(self.undone)

    def clear(self) -> None:
        """Forget every step (after a restore: the history of a state that no longer exists)."""
        self.done.clear()
        self.undone.clear()
        self._tell()

    def _tell(self) -> None:
        for listener in self.listeners:
            listener()


def _run_now(_what: str, save: Save) -> None:
    save()
