"""The composition root: an unexpected error is logged and shown, and the app keeps running."""

import sys

from annotator import paths
from annotator.core.errors import StoreError
from annotator.ui import app


def test_unexpected_errors_are_logged_and_shown(qtbot, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(app.QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app.setup_logging()
    app.install_error_dialog(lambda: None)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    sys.excepthook(StoreError, StoreError("the database is locked"), None)
    assert "Something went wrong: boom" in shown[0] and "saved work is safe" in shown[0]
    assert shown[1] == "the database is locked"
    log = (paths.log_dir() / "annotator.log").read_text()
    assert "ZeroDivisionError: boom" in log
