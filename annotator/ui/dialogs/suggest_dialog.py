"""Suggestions › Train and suggest… and Blind annotation…: running the recommenders on a worker thread with
progress and Cancel, and choosing who annotates blind.

Training reads the whole project and may take seconds (the learned recommender) on a laptop, so it runs on a
BackgroundTask; Cancel makes the progress callback return False, the run raises TrainingCancelled and nothing is
stored. The dialog stays open (not modal to the app) to show what the run found.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import collections, suggestion_review
from annotator.services.project import Project
from annotator.suggesting import plugins
from annotator.ui.workers import BackgroundTask

SLOW = {"learned_spans"}  # trained on the whole project: listed, but worth knowing it takes a while
CHECKED = Qt.CheckState.Checked


def _checkable(widget: QListWidget, name: str, checked: bool, tip: str = "") -> None:
    item = QListWidgetItem(name)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(CHECKED if checked else Qt.CheckState.Unchecked)
    item.setToolTip(tip)
    widget.addItem(item)


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count()) if widget.item(i).checkState() == CHECKED]


class TrainDialog(QDialog):
    finished_run = Signal(str)  # the summary shown, after the suggestions were stored (or "" when cancelled/failed)

    def __init__(self, project: Project, actor: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Train and suggest")
        self.project, self.actor = project, actor
        self.task: BackgroundTask | None = None
        self.recommenders = QListWidget()
        for name in plugins.available():
            _checkable(
                self.recommenders, name, True, "trains on every annotation of the project" if name in SLOW else ""
            )
        self.retrain = QCheckBox("Retrain models even when the annotations have not changed")
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel(
            "Each recommender learns from the project's annotations and proposes spans for every "
            "document. Open suggestions from an earlier run are replaced."
        )
        self.status.setWordWrap(True)
        self.start_button = QPushButton("Start")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Recommenders"))
        layout.addWidget(self.recommenders)
        layout.addWidget(self.retrain)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

    def start(self) -> None:
        names = _checked(self.recommenders)
        if not names:
            self.status.setText("Choose at least one recommender.")
            return
        project, actor, train = self.project, self.actor, self.retrain.isChecked()

        def job(progress: Callable[[int, int, str], bool]) -> tuple:
            return suggestion_review.refresh(project, actor, names, train=train, progress=progress)

        self.task = BackgroundTask(job, self)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.show()
        self.status.setText("Reading the project…")
        self.task.start()

    def cancel(self) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def _on_task_progressed(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(what)

    def _on_task_succeeded(self, result: tuple) -> None:
        run, _records = result
        documents = len({s.document for s in run.suggestions})
        lines = [f"{len(run.suggestions)} suggestions for {documents} of {len(run.texts)} documents."]
        lines += run.messages()
        self._done("\n".join(lines))
        self.finished_run.emit(self.status.text())

    def _on_task_failed(self, message: str) -> None:
        cancelled = self.task is not None and self.task.cancelled
        self._done("Cancelled: nothing was stored." if cancelled else f"Not done: {message}")
        self.finished_run.emit("")

    def _done(self, text: str) -> None:
        self.progress.hide()
        self.status.setText(text)
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.cancel()
        if self.task is not None:
            self.task.wait()  # a thread must not outlive its dialog
        super().closeEvent(event)


class BlindDialog(QDialog):
    """Annotators and collections with a check box each: checked ones annotate blind (no suggestions shown
    until the document is marked done)."""

    def __init__(self, project: Project, actor: str, extra_names: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Blind annotation")
        self.project, self.actor = project, actor
        rules = suggestion_review.blind_rules(project)
        self.before = rules
        names = sorted({a.name for a in project.annotators()} | set(extra_names))
        self.annotators, self.collections = QListWidget(), QListWidget()
        for name in names:
            _checkable(self.annotators, name, ("annotator", name) in rules)
        for c in collections.list_collections(project):
            _checkable(self.collections, c.name, ("collection", c.name) in rules)
        self.error = QLabel()
        self.error.setWordWrap(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Suggestions stay hidden from these until they mark a document done, then the "
                "window compares what they found with what was suggested."
            )
        )
        layout.addWidget(QLabel("Annotators"))
        layout.addWidget(self.annotators)
        layout.addWidget(QLabel("Collections (everyone annotating their documents)"))
        layout.addWidget(self.collections)
        layout.addWidget(self.error)
        layout.addWidget(box)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)

    def wanted(self) -> set[tuple[str, str]]:
        return {("annotator", n) for n in _checked(self.annotators)} | {
            ("collection", n) for n in _checked(self.collections)
        }

    def save(self) -> None:
        """Turn on the new rules and off the removed ones; a refusal is shown and the dialog stays."""
        wanted = self.wanted()
        try:
            for kind, name in sorted(wanted - self.before):
                suggestion_review.set_blind(self.project, kind, name, True, self.actor)
            for kind, name in sorted(self.before - wanted):
                suggestion_review.set_blind(self.project, kind, name, False, self.actor)
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            self.before = suggestion_review.blind_rules(self.project)
            return
        self.accept()
