"""Merging a colleague's project from the window: pick the file, merge, read what came in; twice is a no-op."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator.core.model import Annotation, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.services.samples import load_samples
from annotator.ui.dialogs.merge_dialog import MergeDialog


def test_merge_from_the_dialog(qtbot, sample_project, tmp_path: Path, monkeypatch) -> None:
    other = Project.open(tmp_path / "carol.sqlite")
    load_samples(other, "carol")
    doc = documents.list_documents(other)[0].uuid
    Annotating(other, "carol").create(Annotation(doc, "carol", "claim", (Fragment(0, 8),)))
    other.close()
    dialog = MergeDialog(sample_project, "lead")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "carol.sqlite"), ""))
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.merged) as signal:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].annotations_added == 1
    assert (
        dialog.output.toPlainText().startswith("merged ") and "Backup of this project:" in dialog.output.toPlainText()
    )
    assert dialog.message.text() == "Merged."
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Nothing new: everything was here already."


def test_a_missing_file_is_explained(qtbot, sample_project, tmp_path: Path) -> None:
    dialog = MergeDialog(sample_project, "lead")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Choose the other project's file first."
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "nope.sqlite"))
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert "nope.sqlite: no such file" in dialog.message.text() and dialog.report is None
