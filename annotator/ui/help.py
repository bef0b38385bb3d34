"""Help › Keyboard shortcuts (read from the window's own actions, so it never goes stale), Help › About (the
versions and places a bug report needs, with a Copy button) and Help › Open log folder."""

from __future__ import annotations

import platform
import sys
from typing import Any

import PySide6
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator import __version__, paths
from annotator.services import projects
from annotator.ui import appearance


def shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action with a shortcut, menu by menu in the menu bar's order; actions
    the window holds outside its menus come last under "Window"."""
    found: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {plain(action.text())}")
            elif keys := _keys(action):
                found.append((path, plain(action.text()), keys))
                seen.add(id(action))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), plain(top.text()))
    for action in window.actions():
        if id(action) not in seen and (keys := _keys(action)):
            found.append(("Window", plain(action.text()), keys))
    return found


def plain(text: str) -> str:
    """An action's text without its mnemonic marker and trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…").strip()


def _keys(action: QAction) -> str:
    """The action's key sequences as the platform writes them (a standard key may list one twice)."""
    names = (k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty())
    return ", ".join(dict.fromkeys(names))


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        rows = shortcuts(window)
        self.filter_box = QLineEdit(placeholderText="Find a command or a key")
        self.filter_box.setClearButtonEnabled(True)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(("Menu", "Command", "Keys"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.filter_box.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        for r in range(self.table.rowCount()):
            cells = " ".join(self.table.item(r, c).text() for c in range(3)).casefold()
            self.table.setRowHidden(r, bool(wanted) and wanted not in cells)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
            if not self.table.isRowHidden(r)
        ]


def about_text(project: Any) -> str:
    """What a bug report needs: versions, where the project and the log are, how the screen is set up."""
    screen = QGuiApplication.primaryScreen()
    scale = f"{screen.devicePixelRatio():g}" if screen is not None else "?"
    engines = ", ".join(f"{name} {version}" for name, version in project.database_versions().items())
    lines = [
        f"Media Annotator {__version__}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}, platform {QGuiApplication.platformName()}",
        f"Database engine: {engines}",
        f"Project: {projects.display_name(project.location)} ({project.where})",
        f"Log folder: {paths.log_dir()}",
        f"Settings: {paths.settings_path()}",
        f"System: {platform.platform()}",
        f"Display: scale {scale}, {'dark' if appearance.is_dark() else 'light'} colours",
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, window: QMainWindow, project: Any):
        super().__init__(window)
        self.setWindowTitle("About Media Annotator")
        self.resize(640, 340)
        heading = QLabel(
            "<h2 style='margin:0'>Media Annotator</h2>"
            "<p>Highlight and tag claims, opinions, source attributions and framing in news articles.</p>"
        )
        self.details = QPlainTextEdit(about_text(project))
        self.details.setReadOnly(True)
        self.copy_button = QPushButton("Copy for a bug report")
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")


class HelpMenu:
    def __init__(self, menu: QMenu, window: QMainWindow, owner: Any):
        self.window, self.owner = window, owner
        self.dialog: QDialog | None = None
        keys = QKeySequence(QKeySequence.StandardKey.HelpContents)  # F1 (Cmd+? on macOS)
        self.shortcuts_action = self._add(menu, "&Keyboard shortcuts", self.show_shortcuts, keys)
        self.about_action = self._add(menu, "&About Media Annotator", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.log_action = self._add(menu, "Open &log folder", self.open_log_folder)

    def _add(self, menu: QMenu, text: str, slot: Any, shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def show_shortcuts(self) -> QDialog:
        self.dialog = ShortcutsDialog(self.window)
        self.dialog.open()
        return self.dialog

    def show_about(self) -> QDialog:
        self.dialog = AboutDialog(self.window, self.owner.project)
        self.dialog.open()
        return self.dialog

    def open_log_folder(self) -> bool:
        """Show the folder in the system's file manager (made first, so there is something to show)."""
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            return True
        QMessageBox.information(self.window, "Log folder", f"The log is kept in {folder}")
        return False
