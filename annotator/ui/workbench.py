"""The app's main window and the project it shows, and switching to another project.

Switching opens a new window on the new project, in the same place and layout, and then closes the old one
with its project: nothing of the old project (its editing session, live updates, backup timer, review windows)
can leak into the new one. The caller opens the new project first, so a project that fails to open leaves the
current one as it was; and the old window is asked first whether it can let go (edits waiting to be saved).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

from annotator.services import projects
from annotator.services.project import Project
from annotator.settings import Settings


class ProjectWindow(Protocol):
    """What the workbench needs of a main window."""

    project: Project

    def unsaved_work(self) -> str: ...
    def save_layout(self) -> None: ...
    def retire(self) -> None: ...
    def show(self) -> None: ...


WindowFactory = Callable[[Project, Settings, "Workbench"], Any]


class Workbench(QObject):
    switched = Signal(object)  # the new window, shown

    def __init__(self, settings: Settings, make_window: WindowFactory, parent: QObject | None = None):
        super().__init__(parent)
        self.settings, self.make_window = settings, make_window
        self.window: Any = None

    def adopt(self, window: ProjectWindow) -> Workbench:
        """Take charge of a window made without a workbench (then the recent list learns its project too)."""
        self.window = window
        self.remember(window.project)
        return self

    def show(self, project: Project) -> Any:
        window = self.make_window(project, self.settings, self)
        self.window = window
        self.remember(project)
        window.show()
        return window

    def remember(self, project: Project) -> None:
        """Put the project at the top of the recent list (settings.json keeps no password: see locations)."""
        self.settings.recent_projects = projects.remember(self.settings.recent_projects, project.location)
        self.settings.save()

    def switch(self, project: Project) -> bool:
        """Show project (already open) in place of the current one; False, with project closed again, when the
        current window cannot let go without losing an edit."""
        old = self.window
        if old is not None:
            reason = old.unsaved_work()
            if reason:
                project.close()
                QMessageBox.warning(old, "Still saving", f"{reason}\n\n{old.project.where} stays open.")
                return False
            old.save_layout()
        new = self.show(project)
        if isinstance(old, QMainWindow) and isinstance(new, QMainWindow) and old.isVisible():
            new.setGeometry(old.geometry())
        if old is not None:
            old.retire()
        self.switched.emit(new)
        return True
