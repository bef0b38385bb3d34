"""Long jobs (importing, exporting) run on a QThread so that the window stays responsive.

The job is a plain function that takes a progress callback: progress(done, total, name) -> bool, returning False
once the user asked to cancel; the job stops at its next check and returns what it finished. Its result comes
back through `succeeded`, a user error through `failed` (one line), both delivered on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from annotator.core.errors import AnnotatorError

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], bool]
Job = Callable[[Progress], Any]


class _Thread(QThread):
    progressed = Signal(int, int, str)
    done = Signal(object, str)  # (result, error message); the message is empty on success

    def __init__(self, job: Job, cancelled: threading.Event):
        super().__init__()
        self.job, self.cancelled = job, cancelled

    def run(self) -> None:
        def progress(done: int, total: int, name: str) -> bool:
            self.progressed.emit(done, total, name)
            return not self.cancelled.is_set()

        try:
            result = self.job(progress)
        except AnnotatorError as exc:
            self.done.emit(None, str(exc))
        except Exception as exc:  # shown to the user; the log keeps the traceback
            log.exception("background job failed")
            self.done.emit(None, f"Something went wrong: {type(exc).__name__}: {exc}")
        else:
            self.done.emit(result, "")


class BackgroundTask(QObject):
    """Runs one job on its own thread. Signals arrive on the thread that created the task (the GUI thread)."""

    progressed = Signal(int, int, str)  # done, total, name of what is being worked on
    succeeded = Signal(object)  # the job's result
    failed = Signal(str)  # a message for the user
    finished = Signal()  # after succeeded or failed

    def __init__(self, job: Job, parent: QObject | None = None):
        super().__init__(parent)
        self._cancelled = threading.Event()
        self._thread = _Thread(job, self._cancelled)
        self._thread.progressed.connect(self.progressed)
        self._thread.done.connect(self._on_thread_done)
        self.result: Any = None
        self.error = ""

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next progress check."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = -1) -> bool:
        """Block until the thread ends (for closing the app or tests); signals still arrive via the event loop."""
        return self._thread.wait() if ms < 0 else self._thread.wait(ms)

    def _on_thread_done(self, result: Any, error: str) -> None:
        self._thread.wait()
        self.result, self.error = result, error
        if error:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        self.finished.emit()


class StopsTaskOnClose:
    """For a dialog that runs a BackgroundTask in self.task and stops it with cancel_import(): closing the dialog
    (Cancel, Esc, the window's close button) stops the task after what it is doing and waits for its report, so
    no thread outlives the dialog and what was done is kept. Put it before QDialog among the bases."""

    task: BackgroundTask | None

    def cancel_import(self) -> None:
        raise NotImplementedError

    def wait_for_import(self, ms: int = 60_000) -> None:
        """Block until the background task ends and its report is in (closing the dialog, tests)."""
        task = self.task
        if task is not None and task.wait(ms):
            deadline = time.monotonic() + 5
            while self.task is task and time.monotonic() < deadline:  # the result arrives as a queued signal
                QCoreApplication.processEvents()

    def _stop_task(self) -> None:
        if self.task is not None:
            self.cancel_import()
            self.wait_for_import()

    def reject(self) -> None:
        self._stop_task()
        super().reject()  # type: ignore[misc]

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        self._stop_task()
        super().closeEvent(event)  # type: ignore[misc]
