"""The compare window driven as a user would: choose a document, walk the disagreements, filter, choose people."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from annotator.core.offsets import OffsetMap
from annotator.services import documents, review
from annotator.ui.compare_view import ALL_LABELS, CompareWindow


def civic(project) -> str:
    return next(d.uuid for d in documents.list_documents(project) if d.outlet == "Civic Ledger")


def test_panes_show_the_text_and_the_list_shows_every_unit(qtbot, sample_project) -> None:
    doc = civic(sample_project)
    window = CompareWindow(sample_project, ["alice", "bob"], document=doc)
    qtbot.addWidget(window)
    window.show()
    expected = review.compare(sample_project, doc, ["alice", "bob"])
    text = OffsetMap(expected.document.text).display_text()
    assert [name for name, _ in window.panes] == ["alice", "bob"]
    assert all(editor.toPlainText() == text for _, editor in window.panes)
    assert window.unit_list.count() == len(expected.units)
    assert (
        window.position_label.text().strip() == f"{len(expected.disagreements)} disagreements in "
        f"{len(expected.units)} units"
    )


def test_next_and_previous_walk_the_disagreements_and_select_them(qtbot, sample_project) -> None:
    doc = civic(sample_project)
    window = CompareWindow(sample_project, ["alice", "bob"], document=doc)
    qtbot.addWidget(window)
    window.show()
    rows = window.disagreement_rows()
    window.next_action.trigger()
    assert window.current == rows[0]
    window.next_action.trigger()
    assert window.current == rows[1]
    window.previous_action.trigger()
    window.previous_action.trigger()
    assert window.current == rows[-1]  # wraps around
    assert window.next_action.shortcut().toString() == "F8"
    qtbot.mouseClick(window.toolbar.widgetForAction(window.next_action), Qt.MouseButton.LeftButton)
    assert window.current == rows[0]
    unit = window.units[rows[0]]
    omap = OffsetMap(window.comparison.document.text)
    for _, editor in window.panes:
        cursor = editor.textCursor()
        if not unit.is_document_level:
            assert (cursor.selectionStart(), cursor.selectionEnd()) == (omap.to_qt(unit.start), omap.to_qt(unit.end))
    assert window.position_label.text().strip() == f"disagreement 1 of {len(rows)}"


def test_disagreements_are_underlined_in_the_right_panes(qtbot, sample_project) -> None:
    doc = civic(sample_project)
    window = CompareWindow(sample_project, ["alice", "bob"], document=doc)
    qtbot.addWidget(window)
    omap = OffsetMap(window.comparison.document.text)
    panes = dict(window.panes)
    missing = next(u for u in window.units if u.kinds == {"missing"} and not u.is_document_level)
    absent = missing.missing[0]
    present = missing.members[0].annotator

    def underline_at(name: str, offset: int) -> QTextCharFormat.UnderlineStyle:
        cursor = panes[name].textCursor()
        cursor.setPosition(omap.to_qt(offset) + 1)
        return cursor.charFormat().underlineStyle()

    assert underline_at(absent, missing.start) == QTextCharFormat.UnderlineStyle.DotLine
    assert underline_at(present, missing.start) == QTextCharFormat.UnderlineStyle.NoUnderline
    label = next(u for u in window.units if u.kinds == {"label"} and not u.is_document_level)
    assert underline_at("alice", label.start) == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert underline_at("bob", label.start) == QTextCharFormat.UnderlineStyle.WaveUnderline


def test_label_filter_and_annotator_choice(qtbot, sample_project) -> None:
    doc = civic(sample_project)
    window = CompareWindow(sample_project, document=doc)
    qtbot.addWidget(window)
    everything = window.unit_list.count()
    window.label_filter.setCurrentText("claim")
    assert 0 < window.unit_list.count() < everything
    assert {m.label for u in window.units for m in u.members} == {"claim"}
    window.label_filter.setCurrentText(ALL_LABELS)
    bob = window.annotator_list.findItems("bob", Qt.MatchFlag.MatchExactly)[0]
    bob.setCheckState(Qt.CheckState.Unchecked)
    assert [name for name, _ in window.panes] == ["alice"]
    assert window.disagreement_rows() == []  # one person cannot disagree with themselves
    window.annotator_list.set_checked([])
    assert window.panes == [] and "at least one annotator" in window.message.text()


def test_an_emoji_before_a_span_does_not_shift_the_marks(qtbot, project) -> None:
    from annotator.core.model import Annotation, Document, Fragment
    from annotator.services.annotating import Annotating

    text = "\ufeff😊 Taxes will rise,\r\nthe minister said."
    doc = Document(text)
    documents.add_document(project, doc, "t")
    start = text.index("Taxes")
    Annotating(project, "alice").create(Annotation(doc.uuid, "alice", "claim", (Fragment(start, start + 5),)))
    Annotating(project, "bob").create(Annotation(doc.uuid, "bob", "opinion", (Fragment(start, start + 5),)))
    window = CompareWindow(project, ["alice", "bob"], document=doc.uuid)
    qtbot.addWidget(window)
    window.next_action.trigger()
    editor = dict(window.panes)["alice"]
    assert editor.textCursor().selectedText() == "Taxes"


def test_the_gold_layer_can_be_compared_with_an_annotator(qtbot, sample_project) -> None:
    from annotator.services.adjudication import Adjudication

    doc = civic(sample_project)
    Adjudication(sample_project, "carla").accept_agreed(["alice", "bob"], [doc])
    window = CompareWindow(sample_project, document=doc)
    qtbot.addWidget(window)
    assert window.annotator_list.checked() == ["alice", "bob"]  # gold is listed but not chosen by default
    window.annotator_list.set_checked(["alice", "gold"])
    agreed = [u for u in window.units if u.agreed]
    assert agreed and all({m.annotator for m in u.members} == {"alice", "gold"} for u in agreed)
