"""File › New project…, Open project…, Recent projects and Connect to team server…

Each opens the project first and only then hands it to the workbench, so a project that fails to open leaves
the current one open; the message says which project, what went wrong and what to do.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.services import credentials, projects
from annotator.services.project import Project
from annotator.ui.dialogs.new_project_dialog import FILE_FILTER, NewProjectDialog


class ProjectMenu:
    def __init__(self, menu: QMenu, window: QMainWindow, owner: Any):
        self.window, self.owner = window, owner
        self.dialog: Any = None  # the new-project or server dialog while it is open
        self.new_action = self._add(menu, "&New project…", self.new_project, QKeySequence.StandardKey.New)
        self.open_action = self._add(menu, "&Open project…", self.choose_file, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.fill_recent()
        self.connect_action = self._add(menu, "&Connect to team server…", self.connect_to_server)

    def _add(self, menu: QMenu, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- the recent list ------------------------------------------------------------------------------

    def fill_recent(self) -> None:
        """The last ten projects, newest first; one that cannot be opened now is greyed, with the reason."""
        menu = self.recent_menu
        menu.clear()
        current = self.owner.project.location
        for location in self.owner.settings.recent_projects:
            name = projects.display_name(location)
            reason = projects.unavailable_reason(location)
            where = projects.account(location) if projects.is_server(location) else location
            action = menu.addAction(f"{name} ({reason})" if reason else name)
            action.setData(location)
            action.setToolTip(f"{where}: {reason}" if reason else where)
            action.setStatusTip(action.toolTip())
            action.setEnabled(not reason and location != current)
            action.triggered.connect(partial(self.open_location, location))
        if menu.isEmpty():
            menu.addAction("(none yet)").setEnabled(False)
        menu.setToolTipsVisible(True)

    # -- opening --------------------------------------------------------------------------------------

    def choose_file(self) -> None:
        folder = str(self.owner.project.database.file_path or "")
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a project", folder, FILE_FILTER)
        if path:
            self.open_location(projects.location_of(path))

    def open_location(self, location: str, *_args: object) -> bool:
        """Open a recent or chosen project; a server without a kept password asks for it in the server form."""
        if projects.is_server(location):
            password = credentials.saved_password(projects.account(location))
            if password is None:
                self.connect_to_server(location)
                return False
        else:
            password = None
        try:
            project = projects.open_project(location, password)
        except AnnotatorError as exc:
            if projects.is_server(location) and "password" in str(exc):
                self.connect_to_server(location, str(exc))
            else:
                self.refuse(projects.display_name(location), str(exc))
            return False
        return self.show(project)

    def show(self, project: Project) -> bool:
        return bool(self.owner.workbench.switch(project))

    def refuse(self, name: str, reason: str) -> None:
        """Say why a project did not open, and that the current one is still open."""
        current = projects.display_name(self.owner.project.location)
        QMessageBox.warning(
            self.window, "The project did not open", f"Cannot open {name}: {reason}\n\n{current} is still open."
        )

    # -- new project and team server ------------------------------------------------------------------

    def new_project(self) -> Any:
        folder = self.owner.project.database.file_path
        self.dialog = NewProjectDialog(self.owner.session.annotator, folder.parent if folder else None, self.window)
        self.dialog.created.connect(self.show)
        self.dialog.open()
        return self.dialog

    def connect_to_server(self, location: str = "", problem: str = "") -> Any:
        from annotator.ui.dialogs.server_dialog import ServerDialog

        self.dialog = ServerDialog(location, problem, self.window, user=self.owner.session.annotator)
        self.dialog.connected.connect(self._show_connected)
        self.dialog.open()
        return self.dialog

    def _show_connected(self, project: Project, note: str) -> None:
        if self.show(project) and note:
            self.owner.workbench.window.statusBar().showMessage(note, 20000)
