"""A process that edits a project as fast as it can, and says which edits it was told were saved.

Run by tests/crash/harness.py, which kills it with SIGKILL at a random moment. Every line is written (and
flushed to the output file) only after the service call or undo command returned, that is after the
transaction committed: those are the edits a user would have seen as "Saved".

Output lines (tab-separated):
    READY
    BEGIN  <uuid>                    an edit of this annotation started (it may or may not commit)
    HAS    <uuid> <label> <fragments>  the annotation is saved in this state
    GONE   <uuid>                    the annotation is saved as deleted
Half the edits go through the service layer, half through the window's undoable edits on an UndoHistory
(create, update, delete, undo, redo), as the main window's editing model makes them.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace

from annotator.core.changes import Change
from annotator.core.model import Annotation, Fragment, annotation_from_dict
from annotator.services import edits
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.project import Project
from annotator.services.undo import Save, UndoHistory

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
        self.history = UndoHistory()
        self.history.runner = lambda _what, save: self._mirror(save)
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
        if via_commands and self.history.count() and choice < 0.25:
            self.undo_or_redo(rng.random() < 0.6)
            return
        # the undo stack's annotations are edited only through it (as in the window), the others directly
        pool = sorted(u for u in self.live if (u in self.by_commands) == via_commands)
        if not pool or choice < 0.45:
            ann = Annotation(self.document, "crash", rng.choice(LABELS), (self.fragment(),))
            self.say(f"BEGIN\t{ann.uuid}")
            if via_commands:
                self._mirror(lambda: self.history.run(edits.AddAnnotation(self.service, ann)))
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
                self._mirror(lambda: self.history.run(edits.UpdateAnnotation(self.service, before, after, "Move")))
            else:
                self.live[after.uuid] = stored_annotation(self.service.update(after))
            after = self.live[after.uuid]
            self.say(state_line(after, after.uuid))
        else:
            if via_commands:
                self._mirror(lambda: self.history.run(edits.DeleteAnnotation(self.service, before)))
            else:
                self.service.delete(before.uuid)
            del self.live[before.uuid]
            self.say(state_line(None, before.uuid))

    def undo_or_redo(self, undo: bool) -> None:
        if undo and self.history.can_undo():
            edit = self.history.done[-1]
        elif not undo and self.history.can_redo():
            edit = self.history.undone[-1]
        else:
            return
        uuid = (edit.after if isinstance(edit, edits.UpdateAnnotation) else edit.ann).uuid  # type: ignore[attr-defined]
        self.say(f"BEGIN\t{uuid}")
        self.history.undo() if undo else self.history.redo()
        self.say(state_line(self.live.get(uuid), uuid))

    def _mirror(self, save: Save) -> list[Change]:
        """What the window's editing model does: show the stored state from the records the save returned."""
        records = save()
        for record in records:
            if record.entity == "annotation" and record.after is not None:
                self.live[record.key] = annotation_from_dict(record.after)
            elif record.entity == "annotation":
                self.live.pop(record.key, None)
        return records


def main() -> None:
    path, document, length, seed, out_path = sys.argv[1:6]
    with open(out_path, "a", encoding="utf-8") as out:
        editor = Editor(path, document, int(length), int(seed), out)
        editor.say("READY")
        while True:
            editor.step()


if __name__ == "__main__":
    main()
