"""The analysis window's reading and computing, on a background thread so that the window never stalls: reading a
project of a million spans and resampling its documents takes a second or more, and so can a grouping into
thousands of stories.

One computation runs at a time. A request made while one runs waits, replacing any request already waiting
(only the latest choice matters), and the running one's result is dropped when a newer request waits. The
project is read once per layer (annotators) and collection: its span counts for the rates, and the spans
themselves only when an evidence tab (spans in context, same story) asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.services import analysis
from annotator.services.project import Project
from annotator.ui.workers import BackgroundTask


@dataclass
class _Request:
    key: tuple[str, str]  # (layer, collection): what is read from the project
    options: analysis.AnalysisOptions
    narrow: bool  # keep only the checked labels the layer uses (the first computation)


class AnalysisRunner(QObject):
    computed = Signal(object, object)  # the Analysis, and the labels narrowed to those used (None: unchanged)
    failed = Signal(str)  # a message for the user
    spans_read = Signal()  # the spans an evidence tab asked for are there

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self._loaded: dict[tuple[str, str], Any] = {}
        self._running: _Request | None = None
        self._task: BackgroundTask | None = None
        self._waiting: _Request | None = None
        self._spans_task: BackgroundTask | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def request(self, key: tuple[str, str], options: analysis.AnalysisOptions, narrow: bool = False) -> None:
        if self._running is None:
            self._start(_Request(key, options, narrow))
            return
        narrow = narrow or self._running.narrow or (self._waiting is not None and self._waiting.narrow)
        self._waiting = _Request(key, options, narrow)  # the first computation's narrowing is not lost

    def _start(self, request: _Request) -> None:
        project, options, cached = self.project, request.options, self._loaded.get(request.key)

        def job(_progress: Any) -> tuple[Any, analysis.Analysis, list[str] | None]:
            loaded = cached or analysis.prepare(project, options, spans=False)  # spans: when a tab needs them
            narrowed = None
            if request.narrow and options.labels:
                used = loaded[1].used_labels()
                chosen = [name for name in options.labels if name in used]
                if chosen and len(chosen) < len(options.labels):
                    options.labels = narrowed = chosen
            return loaded, analysis.run(project, options, loaded), narrowed

        self._running = request
        self._task = BackgroundTask(job, self)
        self._task.succeeded.connect(self._on_task_succeeded)
        self._task.failed.connect(self._on_task_failed)
        self._task.start()

    def _next(self) -> bool:
        """Start the waiting request, if any; True when one was started (the finished one is out of date)."""
        self._task, self._running, waiting = None, None, self._waiting
        self._waiting = None
        if waiting is not None:
            self._start(waiting)
        return waiting is not None

    def _on_task_succeeded(self, found: tuple[Any, analysis.Analysis, list[str] | None]) -> None:
        loaded, result, narrowed = found
        assert self._running is not None
        self._loaded[self._running.key] = loaded
        if not self._next():
            self.computed.emit(result, narrowed)

    def _on_task_failed(self, message: str) -> None:
        if not self._next():
            self.failed.emit(message)

    def read_spans(self, data: analysis.AnalysisData) -> bool:
        """True when data's spans are read; else starts reading them (spans_read follows)."""
        if data.spans_read:
            return True
        if self._spans_task is None:
            self._spans_task = BackgroundTask(lambda _progress: data.spans, self)
            self._spans_task.finished.connect(self._on_spans_task_finished)
            self._spans_task.start()
        return False

    def _on_spans_task_finished(self) -> None:
        task, self._spans_task = self._spans_task, None
        if task is not None and task.error:
            self.failed.emit(task.error)
        else:
            self.spans_read.emit()

    def wait(self) -> None:
        """Block until the background work ends (closing the window: a thread must not outlive it)."""
        self._waiting = None
        for task in (self._task, self._spans_task):
            if task is not None:
                task.wait()
