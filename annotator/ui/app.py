"""Composition root: the QApplication, settings, the annotator's identity, the project, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from importlib import resources
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from annotator import paths
from annotator.core.errors import AnnotatorError
from annotator.services.project import Project
from annotator.settings import Settings

log = logging.getLogger("annotator")


def setup_logging() -> None:
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in [h for h in log.handlers if isinstance(h, logging.FileHandler)]:
        log.removeHandler(old)
        old.close()
    handler = logging.FileHandler(folder / "annotator.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def install_error_dialog(parent_of: Callable[[], QWidget | None]) -> None:
    """An unexpected error is logged and shown; the app keeps running (committed work is already safe)."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if isinstance(error, AnnotatorError):
            text = str(error)
        else:
            text = f"Something went wrong: {error}\n\nYour saved work is safe. Details are in {paths.log_dir()}."
        QMessageBox.warning(parent_of(), "Annotator", text)

    sys.excepthook = hook


def ask_annotator_name(parent: QWidget | None, current: str = "") -> str:
    """Ask who is annotating until a name is given; empty if the user cancels."""
    while True:
        name, ok = QInputDialog.getText(
            parent,
            "Who is annotating?",
            "Your name as an annotator (kept with every annotation you make):",
            text=current,
        )
        if not ok:
            return ""
        if name.strip():
            return name.strip()


def app_icon() -> QIcon:
    """The app's icon from its PNG sizes (no SVG module needed at run time)."""
    icon = QIcon()
    folder = resources.files("annotator.resources").joinpath("icons", "hicolor")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = folder.joinpath(f"{size}x{size}", "apps", "media-annotator.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon


def main(db_url: str | None = None) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Media Annotator")
    app.setOrganizationName("media-annotator")
    app.setDesktopFileName("media-annotator")  # matches resources/media-annotator.desktop (Wayland needs it)
    app.setWindowIcon(app_icon())
    setup_logging()
    settings = Settings.load()
    window_ref: list[QWidget] = []
    install_error_dialog(lambda: window_ref[0] if window_ref else None)
    if not settings.annotator:
        settings.annotator = ask_annotator_name(None)
        if not settings.annotator:
            return
        settings.save()
    try:
        project = Project.open(db_url or settings.database_url or None)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open the project", str(exc))
        sys.exit(2)
    from annotator.ui.main_window import MainWindow

    window = MainWindow(project, settings)
    window_ref.append(window)
    window.show()
    sys.exit(app.exec())
