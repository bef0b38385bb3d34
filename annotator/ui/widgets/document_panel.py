"""Document-level labels (genre, primary frame) and my progress on the open document."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from annotator.core.model import Status
from annotator.core.scheme import Scope
from annotator.ui.annotation_session import AnnotationSession

NONE = "—"
STATUS_NAMES = {Status.NOT_STARTED: "not started", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}


class DocumentPanel(QGroupBox):
    def __init__(self, session: AnnotationSession, parent: QWidget | None = None):
        super().__init__("Document", parent)
        self.session = session
        self.layout_ = QFormLayout(self)
        self.status_box = QComboBox()
        for status, name in STATUS_NAMES.items():
            self.status_box.addItem(name, status)
        self.status_box.activated.connect(lambda _i: self.session.set_status(self.status_box.currentData()))
        self.layout_.addRow("My status", self.status_box)
        self.label_boxes: dict[str, QComboBox] = {}
        session.document_opened.connect(self.refresh)
        session.status_changed.connect(self.refresh)
        # only document-level annotations concern this panel; a document may hold 10,000 span annotations
        session.annotation_stored.connect(lambda a: self.refresh() if not a.fragments else None)
        session.annotation_removed.connect(lambda uuid: self.refresh() if uuid in self._shown else None)
        self._shown: set[str] = set()
        self.refresh()

    def refresh(self) -> None:
        scheme = self.session.project.scheme
        names = [lab.name for lab in scheme.top_labels(Scope.DOCUMENT)]
        if list(self.label_boxes) != names:
            for box in self.label_boxes.values():
                self.layout_.removeRow(box)
            self.label_boxes = {}
            for name in names:
                box = QComboBox()
                box.addItems([NONE] + [s.name for s in scheme.subtypes(name)])
                box.setToolTip(scheme.label(name).guideline)
                box.activated.connect(lambda _i, n=name, b=box: self._on_chosen(n, b.currentText()))
                self.layout_.addRow(name.replace("_", " "), box)
                self.label_boxes[name] = box
        has_document = self.session.document is not None
        self.setEnabled(has_document)
        mine = self.session.document_labels()
        self._shown = {a.uuid for a in mine.values()}
        for name, box in self.label_boxes.items():
            box.setCurrentText(mine[name].subtype or NONE if name in mine else NONE)
        self.status_box.setCurrentIndex(list(STATUS_NAMES).index(self.session.status))

    def _on_chosen(self, label: str, value: str) -> None:
        self.session.set_document_label(label, None if value == NONE else value)
