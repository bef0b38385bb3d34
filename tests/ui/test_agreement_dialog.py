"""The agreement window driven by its widgets: compute, read the table, see the pictures, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.services import review
from annotator.ui.dialogs.agreement_dialog import AgreementDialog


def test_compute_shows_the_measures_and_the_pictures(qtbot, sample_project) -> None:
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    expected = review.agreement(sample_project)
    table = dialog.measures_table
    assert table.verticalHeaderItem(0).text() == "overall"
    assert table.horizontalHeaderItem(0).text() == "Cohen's kappa"
    assert table.item(0, 0).data(Qt.ItemDataRole.UserRole) == pytest.approx(expected["overall"]["cohen_kappa"])
    assert table.rowCount() == 1 + len(expected["by_label"])
    assert not dialog.heatmap_label.pixmap().isNull() and not dialog.confusion_label.pixmap().isNull()
    assert dialog.pairs_table.rowCount() == 1 and dialog.document_table.rowCount() == 2
    assert dialog.export_button.isEnabled()


def test_breakdown_and_bootstrap(qtbot, sample_project) -> None:
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    dialog.by_combo.setCurrentText("outlet")
    dialog.bootstrap_spin.setValue(100)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.groups_table.rowCount() == 5
    assert "[" in dialog.measures_table.item(0, 0).text()  # the 95% interval is shown


def test_a_single_annotator_is_explained_not_crashed(qtbot, sample_project) -> None:
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    dialog.annotator_list.set_checked(["alice"])
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "agreement needs two or more annotators; the choice has only alice"
    assert dialog.measures_table.rowCount() == 0 and not dialog.export_button.isEnabled()


def test_undefined_values_say_why(qtbot, sample_project) -> None:
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    dialog.label_list.set_checked(["genre"])  # a document-level label only: no spans to measure
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    table = dialog.measures_table
    overall = [table.item(0, c) for c in range(table.columnCount())]
    assert [c.text() for c in overall] == ["—"] * table.columnCount()
    assert {c.toolTip() for c in overall} == {"no span label was chosen"}
    assert dialog.document_table.verticalHeaderItem(0).text() == "genre"
    assert dialog.document_table.item(0, 3).data(Qt.ItemDataRole.UserRole) == 1.0  # observed agreement


def test_export_writes_the_report(qtbot, sample_project, tmp_path: Path, monkeypatch) -> None:
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "out"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "heatmap_cohen_kappa.svg").exists()
    assert dialog.message.text().startswith("Report written to")


def test_accepted_suggestions_are_counted_and_can_be_left_out(qtbot, sample_project, tmp_path) -> None:
    from annotator.services import documents, suggestion_review

    suggestion_review.refresh(sample_project, "bob", ["attribution_cues"], folder=tmp_path / "models")
    offered = [
        s
        for d in documents.list_documents(sample_project)
        for s in suggestion_review.open_for(sample_project, d.uuid, "bob")
    ]
    suggestion_review.accept_many(sample_project, "bob", [s.uuid for s in offered[:3]])
    dialog = AgreementDialog(sample_project)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert "from accepted suggestions: alice 0, bob 3 (included)" in dialog.summary.text()
    counted = dialog.measures_table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    dialog.exclude_suggested.setChecked(True)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert "bob 3 (left out)" in dialog.summary.text()
    expected = review.agreement(sample_project, review.AgreementOptions(exclude_suggested=True))
    assert dialog.measures_table.item(0, 0).data(Qt.ItemDataRole.UserRole) == pytest.approx(
        expected["overall"]["cohen_kappa"]
    )
    assert expected["overall"]["cohen_kappa"] != pytest.approx(counted)
