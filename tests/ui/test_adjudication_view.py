"""The adjudication window driven by its buttons: accept, merge, reject, edit, revoke, agreed, majority."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog

from annotator.core.offsets import OffsetMap
from annotator.review.adjudication import Decision
from annotator.services import documents
from annotator.services.adjudication import Adjudication
from annotator.ui.adjudication_view import AdjudicationWindow
from annotator.ui.dialogs.gold_edit_dialog import GoldEditDialog

LEFT = Qt.MouseButton.LeftButton


def civic(project) -> str:
    return next(d.uuid for d in documents.list_documents(project) if d.outlet == "Civic Ledger")


def open_window(qtbot, project) -> AdjudicationWindow:
    window = AdjudicationWindow(project, "carla", ["alice", "bob"], document=civic(project))
    qtbot.addWidget(window)
    window.show()
    return window


def row_of(window: AdjudicationWindow, kinds: set[str]) -> int:
    return next(
        r for r, item in enumerate(window.items) if item.unit.kinds == kinds and not item.unit.is_document_level
    )


def test_units_and_candidates_side_by_side(qtbot, sample_project) -> None:
    window = open_window(qtbot, sample_project)
    units = Adjudication(sample_project, "x").units(civic(sample_project), ["alice", "bob"])
    assert window.unit_table.rowCount() == len(units)
    window.unit_table.setCurrentCell(row_of(window, {"missing"}), 0)
    assert len(window.candidate_buttons) == 1  # the other annotator's card says they marked nothing
    window.unit_table.setCurrentCell(row_of(window, {"label"}), 0)
    assert set(window.candidate_buttons) == {"alice", "bob"}


def test_accept_one_candidate_with_a_reason(qtbot, sample_project) -> None:
    window = open_window(qtbot, sample_project)
    row = row_of(window, {"label"})
    window.unit_table.setCurrentCell(row, 0)
    bob = window.items[row].unit.member("bob")
    qtbot.keyClicks(window.reason_edit, "health framing per guideline 4.2")
    qtbot.mouseClick(window.candidate_buttons["bob"], LEFT)
    assert window.unit_table.item(row, 1).text() == "accept"
    assert not window.candidate_buttons["alice"].isEnabled() and window.revoke_button.isEnabled()
    record = Adjudication(sample_project, "x").records([civic(sample_project)])[0]
    assert (record.curator, record.sources, record.reason) == ("carla", (bob.uuid,), "health framing per guideline 4.2")
    omap = OffsetMap(window.text)
    cursor = window.gold_view.textCursor()
    cursor.setPosition(omap.to_qt(bob.start) + 1)
    assert cursor.charFormat().background().color().alpha() > 0  # the gold span is painted
    assert "Decided: accept by carla" in window.decision_label.text()


def test_merge_reject_revoke(qtbot, sample_project) -> None:
    window = open_window(qtbot, sample_project)
    boundary = row_of(window, {"boundary"})
    window.unit_table.setCurrentCell(boundary, 0)
    qtbot.mouseClick(window.merge_button, LEFT)
    assert window.unit_table.item(boundary, 1).text() == "merge"
    missing = row_of(window, {"missing"})
    window.unit_table.setCurrentCell(missing, 0)
    qtbot.mouseClick(window.reject_button, LEFT)
    assert window.unit_table.item(missing, 1).text() == "reject"
    qtbot.mouseClick(window.revoke_button, LEFT)
    assert window.unit_table.item(missing, 1).text() == "open"
    decisions = [r.decision for r in Adjudication(sample_project, "x").records()]
    assert decisions == [Decision.MERGE]


def test_edit_takes_the_selected_passage(qtbot, sample_project, monkeypatch) -> None:
    window = open_window(qtbot, sample_project)
    row = row_of(window, {"missing"})
    window.unit_table.setCurrentCell(row, 0)
    candidate = window.items[row].unit.members[0]

    def choose(dialog: GoldEditDialog) -> int:
        dialog.label_combo.setCurrentText("opinion")
        dialog.subtype_combo.setCurrentText("loaded_language")
        cursor = dialog.text_view.textCursor()
        cursor.setPosition(dialog.omap.to_qt(candidate.start))
        cursor.setPosition(dialog.omap.to_qt(candidate.start + 4), QTextCursor.MoveMode.KeepAnchor)
        dialog.text_view.setTextCursor(cursor)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GoldEditDialog, "exec", choose)
    qtbot.mouseClick(window.edit_button, LEFT)
    gold = Adjudication(sample_project, "x").gold_annotations(civic(sample_project))
    assert [(g.label, g.subtype, g.start, g.end) for g in gold] == [
        ("opinion", "loaded_language", candidate.start, candidate.start + 4)
    ]
    assert window.unit_table.item(row, 1).text() == "edit"


def test_accept_all_agreed_and_majority_everywhere(qtbot, sample_project) -> None:
    window = open_window(qtbot, sample_project)
    qtbot.mouseClick(window.agreed_button, LEFT)
    here = sum(1 for item in window.items if item.unit.agreed)
    assert window.message.text().startswith(f"{here} accepted")
    assert all(item.decided for item in window.items if item.unit.agreed)
    window.everywhere.setChecked(True)
    qtbot.mouseClick(window.majority_button, LEFT)
    # two annotators: a strict majority is both, which only the agreed units have; those in this document are done
    assert "decided before" in window.message.text()
    assert len(Adjudication(sample_project, "x").records()) == 21


def test_decisions_undo_and_redo_from_the_edit_menu(qtbot, sample_project) -> None:
    window = open_window(qtbot, sample_project)
    assert not window.undo_action.isEnabled()
    row = row_of(window, {"label"})
    window.unit_table.setCurrentCell(row, 0)
    qtbot.mouseClick(window.candidate_buttons["bob"], LEFT)
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Accept"
    [record] = Adjudication(sample_project, "x").records([civic(sample_project)])
    window.undo_action.trigger()
    assert Adjudication(sample_project, "x").records([civic(sample_project)]) == []
    assert window.unit_table.item(row, 1).text() == "open" and window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert [r.uuid for r in Adjudication(sample_project, "x").records([civic(sample_project)])] == [record.uuid]
    assert window.unit_table.item(row, 1).text() == "accept"
    qtbot.mouseClick(window.revoke_button, LEFT)
    assert window.unit_table.item(row, 1).text() == "open"
    window.undo_action.trigger()  # the revocation undone: the same decision is back
    assert window.unit_table.item(row, 1).text() == "accept"
    assert sample_project.log_problems() == []
