"""The open document's suggestions in the window: which are shown (open, above their label's threshold, none while
the annotator works blind), which one is current, and the keys and buttons that decide on them.

Deciding runs through the editing model (DocumentEditor.accept_suggestions / reject_suggestions), so every
decision is an undoable edit whose records show the accepted annotation at once; what is offered is read again
whenever records touch it (a decision, an annotation, a new run, a status, a blind rule, a colleague's save).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import AnnotatorError
from annotator.services import suggestion_review
from annotator.services.suggestion_review import BlindComparison, Correction
from annotator.settings import Settings
from annotator.suggesting.model import Suggestion
from annotator.ui.annotation_session import AnnotationSession
from annotator.ui.widgets.span_painter import Mark

BLIND_NOTICE = "Blind annotation: suggestions appear when you mark this document done."
# what a record must be about for the offered suggestions to be read again
TOUCHING = {
    changes.FEEDBACK,
    changes.SUGGESTIONS,
    changes.ANNOTATION,
    changes.STATUS,
    changes.MEMBERSHIP,
    changes.BLIND,
}


class SuggestionReview(QObject):
    changed = Signal()  # what is shown (list, blind state, comparison) was read again
    current_changed = Signal(object)  # Suggestion or None
    reveal_requested = Signal(int, int)  # code points to scroll into view
    failed = Signal(str)  # a decision the store refused: a message for the status bar

    def __init__(self, session: AnnotationSession, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.settings = session, settings
        self.offered: list[Suggestion] = []  # open for me, in reading order
        self.shown: list[Suggestion] = []  # of those, the ones at or above their label's threshold
        self.current: Suggestion | None = None
        self.blind = False
        self.comparison: BlindComparison | None = None  # after a blind document is done
        session.document_opened.connect(lambda: self.reload(keep=False))
        session.records_applied.connect(self._on_session_records_applied)

    # -- what is shown ----------------------------------------------------------------------------------

    def reload(self, keep: bool = True) -> None:
        """Read the document's suggestions again; the current one stays, or the next in reading order takes its
        place (after accepting or rejecting it)."""
        doc, me, project = self.session.document, self.session.annotator, self.session.project
        self.offered, self.blind, self.comparison = [], False, None
        if doc is not None:
            found = suggestion_review.offer(project, doc.uuid, me)
            self.offered, self.blind, self.comparison = found.suggestions, found.blind, found.comparison
        self._filter(self.current if keep else None)

    def _filter(self, previous: Suggestion | None) -> None:
        self.shown = [s for s in self.offered if s.score >= self.threshold(s.label)]
        current = None
        if previous is not None:
            current = next((s for s in self.shown if s.uuid == previous.uuid), None)
            if current is None:
                current = next((s for s in self.shown if s.start >= previous.start), None)
        self.current = current or (self.shown[0] if self.shown else None)
        self.changed.emit()
        self.current_changed.emit(self.current)

    def _on_session_records_applied(self, records: list[Change]) -> None:
        doc = self.session.document
        if doc is None:
            return
        touching = {r.entity for r in records if r.entity == changes.BLIND or r.document == doc.uuid} & TOUCHING
        if touching == {changes.ANNOTATION} and not self.offered and self.comparison is None:
            return  # an annotation can only hide a suggestion shown, or change a comparison: neither here
        if touching:
            self.reload()

    def threshold(self, label: str) -> float:
        return float(self.settings.suggestion_thresholds.get(label, 0.0))

    def set_threshold(self, label: str, value: float) -> None:
        """Suggestions of label scoring below value are neither drawn nor listed (kept in the user's settings)."""
        if value <= 0:
            self.settings.suggestion_thresholds.pop(label, None)
        else:
            self.settings.suggestion_thresholds[label] = round(value, 3)
        self.settings.save()
        self._filter(self.current)

    def marks(self) -> list[Mark]:
        """The shown suggestions' fragments in Qt positions (through the document's OffsetMap), label colours."""
        to_qt, colour = self.session.offsets.to_qt, self.session.colour
        return [
            Mark(to_qt(f.start), to_qt(f.end), s.uuid, colour(s.label, s.subtype), False)
            for s in self.shown
            for f in s.fragments
        ]

    def covered(self, s: Suggestion) -> str:
        text = self.session.document.text if self.session.document else ""
        return " … ".join(f.covered(text) for f in s.fragments)

    # -- moving -----------------------------------------------------------------------------------------

    def choose(self, uuid: str) -> None:
        found = next((s for s in self.shown if s.uuid == uuid), None)
        if found is not None:
            self.current = found
            self.current_changed.emit(found)
            self.reveal_requested.emit(found.start, found.end)

    def step(self, by: int) -> None:
        """The next (by 1) or previous (by -1) shown suggestion in reading order, wrapping around."""
        if not self.shown:
            return
        index = next((i for i, s in enumerate(self.shown) if self.current and s.uuid == self.current.uuid), -1)
        if index < 0:
            index = 0 if by > 0 else len(self.shown) - 1
        else:
            index = (index + by) % len(self.shown)
        self.choose(self.shown[index].uuid)

    def handle_key(self, key: int, modifiers: Qt.KeyboardModifier) -> bool:
        """Keys of the reading view while suggestions are shown: Enter accepts the current one, Backspace
        rejects it, Tab and Shift+Tab move; True when the key was taken (otherwise the view handles it)."""
        if not self.shown or modifiers & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.accept([self.current.uuid])
        elif key == Qt.Key.Key_Backspace and self.current is not None:
            self.reject([self.current.uuid])
        elif key == Qt.Key.Key_Tab:
            self.step(-1 if modifiers & Qt.KeyboardModifier.ShiftModifier else 1)
        elif key == Qt.Key.Key_Backtab:
            self.step(-1)
        else:
            return False
        return True

    # -- deciding ---------------------------------------------------------------------------------------

    def accept(self, uuids: list[str]) -> bool:
        return self._decide(self.session.accept_suggestions, uuids, "Not accepted")

    def reject(self, uuids: list[str]) -> bool:
        return self._decide(self.session.reject_suggestions, uuids, "Not rejected")

    def skip(self, uuids: list[str]) -> bool:
        """Pass over without a decision: hidden from me now, proposed again by later runs."""
        return self._decide(lambda chosen: self.session.reject_suggestions(chosen, "skipped"), uuids, "Not skipped")

    def correct(self, uuid: str, correction: Correction) -> bool:
        """Accept as another span, label or sub-type (the annotation keeps the suggestion's provenance)."""
        return self._decide(lambda chosen: self.session.accept_suggestions(chosen, correction), [uuid], "Not saved")

    def _decide(self, decide, uuids: list[str], what: str) -> bool:  # type: ignore[no-untyped-def]
        """Run the decision as an undoable edit; a refusal (a label the scheme no longer has, a suggestion a later
        run replaced, the database unavailable) is reported and the list read again."""
        if not uuids:
            return False
        try:
            decide(uuids)
        except AnnotatorError as exc:
            self.failed.emit(f"{what}: {exc}")
            self.reload()
            return False
        if self.current is not None:
            self.reveal_requested.emit(self.current.start, self.current.end)
        return True
