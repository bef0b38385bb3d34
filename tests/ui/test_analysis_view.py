"""The analysis window driven through its real widgets, on BASIL and on a project with many outlets. The window
computes on a background thread: tests wait for `computed` (figures) and `evidence_shown` (the evidence tabs)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Annotation, Document, Fragment
from annotator.formats.registry import ReadOptions
from annotator.services import analysis, documents, importing
from annotator.services.annotating import Annotating
from annotator.ui.analysis_view import AnalysisWindow
from tests.conftest import shared_data


@pytest.fixture
def basil_window(qtbot, project):
    report = importing.import_paths(
        project, [shared_data("basil")], "t", "basil", ReadOptions(extra={"label_map": "new"})
    )
    assert not report.failed
    window = AnalysisWindow(project, "basil")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _settle(qtbot, window)
    return window


def _settle(qtbot, window) -> None:
    """Until the window's figures for its current choices are shown."""
    qtbot.waitUntil(lambda: window.result is not None and not window.runner.busy, timeout=30_000)


def _column(table, row: int, column: int) -> str:
    return table.item(row, column).text()


def test_table_and_bars_show_the_outlets_with_intervals(basil_window) -> None:
    window = basil_window
    assert window.label_list.checked() == ["bias"]  # the labels this layer uses, not the scheme's empty ones
    names = [_column(window.table, r, 0) for r in range(window.table.rowCount())]
    assert names == ["Fox News", "HuffPost", "The New York Times"]
    rate = window.table.item(0, 3)
    expected = window.result.group("Fox News").rate[0]
    assert rate.data(Qt.ItemDataRole.UserRole) == pytest.approx(expected) and "[" in rate.text()
    axes = window.figure.axes[0]
    heights = [patch.get_height() for patch in axes.patches]
    assert heights == pytest.approx([s.rate[0] for s in window.result.stats])
    assert [t.get_text() for t in axes.get_xticklabels()] == names


def test_grouping_plots_and_export(basil_window, qtbot, tmp_path) -> None:
    window = basil_window
    with qtbot.waitSignal(window.computed):
        window.by_combo.setCurrentText("story")
    assert window.table.rowCount() == 5 and window.table.horizontalHeaderItem(0).text() == "story"
    with qtbot.waitSignal(window.computed):
        window.by_combo.setCurrentText("outlet")
    window.plot_combo.setCurrentText("heat map")
    assert window.figure.axes[0].images  # the heat map's image
    window.plot_combo.setCurrentText("timeline")
    lines = window.figure.axes[0].get_lines()
    assert len(lines) == 3 and window.figure.axes[0].get_title() == "bias by month"
    png, svg = tmp_path / "plot.png", tmp_path / "plot.svg"
    window.save_plot(png)
    window.save_plot(svg)
    assert png.read_bytes().startswith(b"\x89PNG") and b"<svg" in svg.read_bytes()[:500]
    with qtbot.waitSignal(window.computed):
        window.subtypes_box.setChecked(True)
    headers = [window.table.horizontalHeaderItem(c).text() for c in range(window.table.columnCount())]
    assert any(h.startswith("bias/lexical") for h in headers)


def test_clicking_a_span_in_context_asks_to_open_the_document_there(basil_window, qtbot) -> None:
    window = basil_window
    with qtbot.waitSignal(window.evidence_shown):
        window.tabs.setCurrentIndex(1)  # its spans are read now
    table = window.kwic_table
    assert table.rowCount() == sum(int(s.spans[0]) for s in window.result.stats)
    rect = table.visualItemRect(table.item(2, 4))
    with qtbot.waitSignal(window.document_at_span_requested) as signal:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    uuid, start, end = signal.args
    text = documents.get_document(window.project, uuid).text
    assert " ".join(text[start:end].split()) == table.item(2, 4).text()


def test_same_story_view_shows_the_three_outlets_side_by_side(basil_window, qtbot) -> None:
    pane = basil_window.story_pane
    with qtbot.waitSignal(basil_window.evidence_shown):
        basil_window.tabs.setCurrentIndex(2)
    assert pane.story_combo.count() == 5
    assert len(pane.panes) == 3
    pane.story_combo.setCurrentIndex(3)
    assert len(pane.panes) == 3
    highlighted = 0
    for view in pane.panes:
        block = view.document().begin()
        while block.isValid():
            highlighted += sum(1 for r in block.textFormats() if r.format.background().style() != Qt.BrushStyle.NoBrush)
            block = block.next()
    assert highlighted > 0


def test_hundreds_of_groups_stay_legible_and_bad_choices_are_shown(qtbot, project) -> None:
    rng = np.random.default_rng(0)
    service = Annotating(project, "alice")
    for k in range(150):
        doc = Document(f"Article {k} says the fares will rise sharply again.", title=f"A{k}", outlet=f"Outlet {k:03d}")
        documents.add_document(project, doc, "alice")
        if rng.random() < 0.8:
            service.create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 7),)))
    window = AnalysisWindow(project, "alice")
    qtbot.addWidget(window)
    _settle(qtbot, window)
    assert window.table.rowCount() == 150
    ticks = [t.get_text() for t in window.figure.axes[0].get_xticklabels()]
    assert len(ticks) == 12 and ticks[-1] == "others (139)"
    window.top_spin.setValue(5)
    assert [t.get_text() for t in window.figure.axes[0].get_xticklabels()][-1] == "others (146)"
    window.layer_combo.setCurrentText("everyone")
    window.label_list.set_checked([])  # asked while the layer is read: only this latest choice is shown
    _settle(qtbot, window)
    assert window.result.options.annotators is None and window.result.options.labels is None  # the latest choice
    assert window.result is not None and window.message.text() == ""
    assert isinstance(window.result, analysis.Analysis)


def test_review_analysis_from_the_main_window_opens_a_span_in_context_there(qtbot, window) -> None:
    report = importing.import_paths(
        window.project, [shared_data("basil")], "t", "basil", ReadOptions(extra={"label_map": "new"})
    )
    assert not report.failed
    window.refresh_documents()
    window.menus.analysis_action.trigger()
    analysis_window = window.review_windows[-1]
    assert isinstance(analysis_window, AnalysisWindow)
    _settle(qtbot, analysis_window)
    with qtbot.waitSignal(analysis_window.evidence_shown):
        analysis_window.tabs.setCurrentIndex(1)
    table = analysis_window.kwic_table
    rect = table.visualItemRect(table.item(0, 4))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    start, end = (window.session.offsets.from_qt(p) for p in window.reader.view.selected_range())
    assert " ".join(window.session.document.text[start:end].split()) == table.item(0, 4).text()
