"""The main window's menus and keyboard shortcuts, so that the whole annotate flow works from the keyboard."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMenu

from annotator.core.model import Status
from annotator.core.scheme import Scope

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def build(window: MainWindow) -> None:
    bar = window.menuBar()
    session = window.session
    reader = window.reader

    file_menu = bar.addMenu("&File")
    window.import_action = window.add_action(file_menu, "&Import…", lambda: import_files(window), "Ctrl+I")
    window.export_action = window.add_action(file_menu, "&Export…", lambda: export_dataset(window), "Ctrl+E")
    window.samples_action = window.add_action(file_menu, "Load &sample articles", window.load_samples)
    file_menu.addSeparator()
    window.scheme_action = window.add_action(file_menu, "&Scheme…", lambda: edit_scheme(window))
    window.backups_action = window.add_action(file_menu, "&Backups…", lambda: show_backups(window))
    file_menu.addSeparator()
    window.add_action(file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    undo = session.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = session.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
    edit.addActions([undo, redo])
    window.undo_action, window.redo_action = undo, redo
    edit.addSeparator()
    window.delete_action = window.add_action(edit, "&Delete annotation", lambda: _delete_current(window), "Delete")
    window.palette_action = window.add_action(edit, "Label &palette…", lambda: show_palette(window), "Ctrl+Space")
    for text, which, step, keys in (
        ("Move start left", "start", -1, "Alt+Left"),
        ("Move start right", "start", 1, "Alt+Right"),
        ("Move end left", "end", -1, "Alt+Shift+Left"),
        ("Move end right", "end", 1, "Alt+Shift+Right"),
    ):
        window.add_action(edit, text, lambda w=which, s=step: _move(window, w, s), keys)
    edit.addSeparator()
    window.add_action(edit, "&Find in document", reader.open_find, QKeySequence.StandardKey.Find)
    window.add_action(edit, "Find &next", lambda: reader.find_next(), QKeySequence.StandardKey.FindNext)
    window.add_action(
        edit, "Find p&revious", lambda: reader.find_next(backwards=True), QKeySequence.StandardKey.FindPrevious
    )
    window.add_action(edit, "Search the &corpus", lambda: _search_corpus(window), "Ctrl+Shift+F")

    window.labels_menu = bar.addMenu("&Labels")
    fill_labels(window)

    view = bar.addMenu("&View")
    window.add_action(
        view, "Zoom &in", lambda: reader.view.set_zoom(reader.view.zoom + 1), QKeySequence.StandardKey.ZoomIn
    )
    window.add_action(
        view, "Zoom &out", lambda: reader.view.set_zoom(reader.view.zoom - 1), QKeySequence.StandardKey.ZoomOut
    )
    window.add_action(view, "Zoom &reset", lambda: reader.view.set_zoom(0), "Ctrl+0")
    snap = QAction("&Snap selections to words", window, checkable=True, checked=session.snap)
    snap.toggled.connect(lambda on: setattr(session, "snap", on))
    view.addAction(snap)
    window.snap_action = snap
    colleagues = view.addMenu("&Colleagues' layers")
    colleagues.aboutToShow.connect(lambda: _fill_colleagues(window, colleagues))
    window.colleagues_menu = colleagues

    document = bar.addMenu("&Document")
    window.add_action(document, "&Next document", lambda: window.navigator.step(1), "Ctrl+PgDown")
    window.add_action(document, "&Previous document", lambda: window.navigator.step(-1), "Ctrl+PgUp")
    document.addSeparator()
    window.add_action(document, "Mark &in progress", lambda: _status(window, Status.IN_PROGRESS), "Ctrl+Shift+P")
    window.add_action(document, "Mark &done", lambda: _status(window, Status.DONE), "Ctrl+Shift+D")
    window.add_action(document, "Mark &not started", lambda: _status(window, Status.NOT_STARTED))
    document.addSeparator()
    window.history_action = window.add_action(document, "&History and deleted items…", lambda: show_history(window))

    person = bar.addMenu("&Annotator")
    window.add_action(person, "&Switch annotator…", lambda: _switch(window))
    window.add_action(document, "Edit &metadata…", lambda: edit_metadata(window), "Ctrl+M")
    window.review_menu = bar.addMenu("&Review")
    build_review(window)
    watch_saving(window)
    from annotator.ui.dialogs import backups_dialog

    window.backup_scheduler = backups_dialog.install(window)


def watch_saving(window: MainWindow) -> None:
    """Edits the database could not take stay visible as unsaved in the status bar until a retry saves them."""
    label = QLabel()
    label.setObjectName("pending_label")
    label.hide()
    window.statusBar().addPermanentWidget(label)
    window.pending_label = label

    def show(waiting: int, reason: str) -> None:
        label.setVisible(bool(waiting))
        label.setText(f"{waiting} edit{'s' if waiting != 1 else ''} waiting to be saved" if waiting else "")
        label.setToolTip(reason if waiting else "")
        if waiting:
            window.saved_label.setText("Not saved")
            window.statusBar().showMessage(f"{label.text()}: {reason}", 10000)

    window.session.pending_changed.connect(show)


def fill_labels(window: MainWindow) -> None:
    """One action per label with its shortcut, sub-types in a sub-menu; rebuilt when the scheme changes."""
    menu = window.labels_menu
    for action in menu.actions():
        action.deleteLater()
    menu.clear()
    window.label_actions = {}
    scheme = window.project.scheme
    for lab in scheme.top_labels():
        action = window.add_action(
            menu, lab.name.replace("_", " "), lambda n=lab.name: window.apply_label(n), lab.shortcut or None
        )
        action.setToolTip(lab.guideline)
        window.label_actions[lab.name] = action
        subtypes = scheme.subtypes(lab.name)
        if subtypes:
            sub_menu = menu.addMenu(f"{lab.name.replace('_', ' ')} as…")
            for sub in subtypes:
                apply = partial(window.apply_label, lab.name, sub.name)
                window.add_action(sub_menu, sub.name.replace("_", " "), apply, sub.shortcut or None)


def _delete_current(window: MainWindow) -> None:
    ann = window.session.current
    if ann is not None and window.session.is_mine(ann):
        window.session.delete(ann)


def _move(window: MainWindow, which: str, step: int) -> None:
    ann = window.session.current
    if ann is not None and ann.fragments and window.session.is_mine(ann):
        window.session.move_boundary(ann, which, step)


def _status(window: MainWindow, status: Status) -> None:
    if window.session.document is not None:
        window.session.set_status(status)


def show_palette(window: MainWindow) -> QMenu:
    """A small menu of labels and sub-types at the selection; choosing one annotates the selection."""
    menu = QMenu(window)
    scheme = window.project.scheme
    for lab in scheme.top_labels(Scope.SPAN):
        action = menu.addAction(lab.name.replace("_", " "), lambda n=lab.name: window.apply_label(n))
        action.setShortcut(QKeySequence(lab.shortcut)) if lab.shortcut else None
        for sub in scheme.subtypes(lab.name):
            menu.addAction(f"    {sub.name.replace('_', ' ')}", lambda n=lab.name, s=sub.name: window.apply_label(n, s))
    view = window.reader.view
    rect = view.cursorRect()
    menu.popup(view.viewport().mapToGlobal(rect.bottomLeft()) if view.hasFocus() else QCursor.pos())
    window.palette_menu = menu
    return menu


def _fill_colleagues(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    shown = set(window.session.colleagues)
    others = [a.name for a in window.project.annotators() if a.name != window.session.annotator]
    if not others:
        menu.addAction("(no colleagues in this project yet)").setEnabled(False)
    for name in others:
        action = menu.addAction(name)
        action.setCheckable(True)
        action.setChecked(name in shown)
        action.toggled.connect(lambda on, n=name: _toggle_colleague(window, n, on))


def _toggle_colleague(window: MainWindow, name: str, shown: bool) -> None:
    colleagues = set(window.session.colleagues)
    window.show_colleagues(sorted(colleagues | {name} if shown else colleagues - {name}))


def _switch(window: MainWindow) -> None:
    names = [a.name for a in window.project.annotators()]
    name, ok = QInputDialog.getItem(
        window,
        "Switch annotator",
        "Annotate as (or type a new name):",
        names,
        names.index(window.session.annotator) if window.session.annotator in names else 0,
        True,
    )
    if ok and name.strip():
        window.switch_annotator(name.strip())


def _search_corpus(window: MainWindow) -> None:
    window.navigator.search_texts.setChecked(True)
    window.navigator.filter_box.setFocus()
    window.navigator.filter_box.selectAll()


def import_files(window: MainWindow, paths: list[Path] | None = None) -> None:
    from annotator.ui.dialogs.import_dialog import run_import

    report = run_import(window, window.project, window.session.annotator, paths or [])
    window.after_import(report)


def export_dataset(window: MainWindow) -> None:
    from annotator.ui.dialogs.export_dialog import run_export

    report = run_export(window, window.project)
    if report is not None:
        window.statusBar().showMessage(f"Exported {report.documents} documents, {report.annotations} annotations", 8000)


def edit_metadata(window: MainWindow) -> None:
    from annotator.ui.dialogs.metadata_dialog import edit_metadata as run_dialog

    if window.session.document is not None:
        uuid = window.session.document.uuid
        run_dialog(
            window,
            window.project,
            uuid,
            window.session.annotator,
            window.session.undo_stack,
            notify=lambda _uuid: window.metadata_changed(),
        )


def build_review(window: MainWindow) -> None:
    """Compare, agreement, adjudication and merging: each opens its own window."""
    menu = window.review_menu
    window.add_action(menu, "&Compare annotators…", lambda: _open_window(window, "compare"), "Ctrl+Shift+C")
    window.add_action(menu, "&Agreement report…", lambda: _open_window(window, "agreement"))
    window.add_action(menu, "A&djudicate (gold standard)…", lambda: _open_window(window, "adjudicate"))
    menu.addSeparator()
    window.add_action(menu, "&Merge another project…", lambda: _open_window(window, "merge"))


def _open_window(window: MainWindow, which: str) -> None:
    document = window.session.document.uuid if window.session.document else None
    project, me = window.project, window.session.annotator
    if which == "compare":
        from annotator.ui.compare_view import CompareWindow

        opened = CompareWindow(project, None, document)
    elif which == "adjudicate":
        from annotator.ui.adjudication_view import AdjudicationWindow

        opened = AdjudicationWindow(project, me, None, document)
    elif which == "agreement":
        from annotator.ui.dialogs.agreement_dialog import AgreementDialog

        opened = AgreementDialog(project, window)
        if opened.annotator_list.count() >= 2:  # show the figures at once; options can be changed and recomputed
            QTimer.singleShot(0, opened.compute)
    else:
        from annotator.ui.dialogs.merge_dialog import MergeDialog

        dialog = MergeDialog(project, me, window)
        dialog.exec()
        window.refresh_documents()
        return
    window.review_windows.append(opened)  # keep a reference: a window without one would be collected
    opened.show()


def show_history(window: MainWindow) -> None:
    from annotator.ui.dialogs.history_dialog import HistoryDialog

    current = window.session.document.uuid if window.session.document else None
    dialog = HistoryDialog(window.project, window.session.annotator, current, window)
    dialog.restored.connect(lambda uuid: _after_history_restore(window, uuid))
    dialog.exec()


def _after_history_restore(window: MainWindow, uuid: str) -> None:
    window.refresh_documents()
    window.session.undo_stack.clear()  # an undo of the deletion would now clash with the restored annotation
    current = window.session.document
    if current is not None and current.uuid == uuid:
        window.session.open(uuid)


def show_backups(window: MainWindow) -> None:
    from annotator.ui.dialogs.backups_dialog import BackupsDialog, after_restore

    dialog = BackupsDialog(window.project, window)
    dialog.restored.connect(lambda _path: after_restore(window))
    dialog.exec()


def edit_scheme(window: MainWindow) -> None:
    from annotator.ui.dialogs.scheme_editor import SchemeEditor

    dialog = SchemeEditor(window.project, window.session.annotator, window)
    if dialog.exec():
        window.scheme_changed()
