"""Composition root: the QApplication, settings, the annotator's identity, the project, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from importlib import resources
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import paths
from annotator.core.errors import AnnotatorError
from annotator.services import projects
from annotator.settings import Settings
from annotator.ui import appearance
from annotator.ui.workbench import Workbench

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


def launch(settings: Settings, configured: str = "", given: str = "") -> Workbench:
    """Open the first project and show the main window on it at once (no dialog before it: a first launch
    shows the welcome page in the window, which asks the annotator's name)."""
    from annotator.ui.main_window import MainWindow

    project, note = projects.project_at_launch(given, configured or settings.database_url, settings.recent_projects)
    workbench = Workbench(settings, MainWindow)
    window = workbench.show(project)
    if note:
        window.statusBar().showMessage(note, 30000)
    return workbench


def app_icon() -> QIcon:
    """The app's icon from its PNG sizes (no SVG module needed at run time)."""
    icon = QIcon()
    folder = resources.files("annotator.resources").joinpath("icons", "hicolor")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = folder.joinpath(f"{size}x{size}", "apps", "media-annotator.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon


def main(db_url: str | None = None, project: str | None = None) -> None:
    """The app: `annotator` (the last project, or the default one), `annotator --db URL` (created if new),
    `annotator PATH_OR_URL` (an existing project)."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Media Annotator")
    app.setOrganizationName("media-annotator")
    app.setDesktopFileName("media-annotator")  # matches resources/media-annotator.desktop (Wayland needs it)
    app.setWindowIcon(app_icon())
    appearance.follow_system_colours(app)
    setup_logging()
    settings = Settings.load()
    install_error_dialog(QApplication.activeWindow)
    try:
        workbench = launch(settings, db_url or "", project or "")
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open the project", str(exc))
        sys.exit(2)
    code = app.exec()
    del workbench  # kept until here: it holds the window
    sys.exit(code)
