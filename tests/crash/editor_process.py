"""A process that edits a project as fast as it can, and says which edits it was told were saved.

Run by tests/crash/harness.py, which kills it with SIGKILL at a random moment. Every line is written (and
flushed to the output file) only after the service call or undo command returned, that is after the
transaction committed: those are the edits a user would have seen as "Saved".

Output lines (tab-separated):
    READY
    BEGIN  <uuid>                    an edit of this annotation started (it may or may not commit)
    HAS    <uuid> <label> <fragments>  the annotation is saved in this state
    GONE   <uuid>                    the annotation is saved as deleted
Half the edits go through the service layer, half through the GUI's undo commands on a bare QUndoStack
(create, update, delete, undo, redo), as the main window makes them.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack  # noqa: E402

from annotator.core.model import Annotation, Fragment  # noqa: E402
from annotator.services.annotating import Annotating, stored_annotation  # noqa: E402
from annotator.services.project import Project  # noqa: E402
from annotator.ui import commands  # noqa: E402

LABELS = ("claim", "opinion", "attribution", "framing")


def state_line(ann: Annotation | None, uuid: str) -> str:
    if ann is None:
        return f"GONE\t{uuid}"
    frags = ",".join(f"{f.start}-{f.end}" for f in ann.fragments)
    return f"HAS\t{uuid}\t{ann.label}\t{frags}"


class Editor:
    def __init__(self, path: str, document: str, text_length: int, seed: int, out):  # type: ignore[no-untyped-def]
        self.project = Project.open(path)
        self.service = Annotating(self.project, "crash")
        self.document, self.length = document, text_length
        self.rng = random.Random(seed)
        self.out = out
        self.stack = QUndoStack()
        self.live: dict[str, Annotation] = {a.uuid: a for a in self.service.annotations(document)}
        self.by_commands: set[str] = set()

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()  # into the kernel: survives the process being killed

    def fragment(self) -> Fragment:
        start = self.rng.randrange(0, self.length - 20)
        return Fragment(start, start + self.rng.randrange(1, 20))

    def step(self) -> None:
        rng = self.rng
        via_commands = rng.random() < 0.5
        choice = rng.random()
        if via_commands and self.stack.count() and choice < 0.25:
            self.undo_or_redo(rng.random() < 0.6)
            return
        # the undo stack's annotations are edited only through it (as in the window), the others directly
        pool = sorted(u for u in self.live if (u in self.by_commands) == via_commands)
        if not pool or choice < 0.45:
            ann = Annotation(self.document, "crash", rng.choice(LABELS), (self.fragment(),))
            self.say(f"BEGIN\t{ann.uuid}")
            if via_commands:
                commands.run(self.stack, commands.AddAnnotation(self.service, self._notify, ann))
            else:
                self.service.create(ann)
            self.live[ann.uuid] = ann
            if via_commands:
                self.by_commands.add(ann.uuid)
            self.say(state_line(ann, ann.uuid))
            return
        before = self.live[rng.choice(pool)]
        self.say(f"BEGIN\t{before.uuid}")
        if choice < 0.8:
            after = replace(before, label=rng.choice(LABELS), fragments=(self.fragment(),))
            if via_commands:
                commands.run(self.stack, commands.UpdateAnnotation(self.service, self._notify, before, after, "Move"))
            else:
                self.live[after.uuid] = stored_annotation(self.service.update(after))
            after = self.live[after.uuid]
            self.say(state_line(after, after.uuid))
        else:
            if via_commands:
                commands.run(self.stack, commands.DeleteAnnotation(self.service, self._notify, before))
            else:
                self.service.delete(before.uuid)
            del self.live[before.uuid]
            self.say(state_line(None, before.uuid))

    def undo_or_redo(self, undo: bool) -> None:
        if undo and self.stack.canUndo():
            command = self.stack.command(self.stack.index() - 1)
        elif not undo and self.stack.canRedo():
            command = self.stack.command(self.stack.index())
        else:
            return
        uuid = (command.after if isinstance(command, commands.UpdateAnnotation) else command.ann).uuid
        self.say(f"BEGIN\t{uuid}")
        self.stack.undo() if undo else self.stack.redo()
        self.say(state_line(self.live.get(uuid), uuid))

    def _notify(self, event: str, _document: str, payload: object) -> None:
        """What the window's session does: mirror the stored state (only called after the service returned)."""
        if event == "stored" and isinstance(payload, Annotation):
            self.live[payload.uuid] = payload
        elif event == "removed" and isinstance(payload, str):
            self.live.pop(payload, None)


def main() -> None:
    path, document, length, seed, out_path = sys.argv[1:6]
    with open(out_path, "a", encoding="utf-8") as out:
        editor = Editor(path, document, int(length), int(seed), out)
        editor.say("READY")
        while True:
            editor.step()


if __name__ == "__main__":
    main()
