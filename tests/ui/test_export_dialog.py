"""File > Export driven through its widgets: the count preview follows the filters; the export runs in the
background and writes the file; cancelling writes nothing."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from annotator.ui.dialogs.export_dialog import ExportDialog
from annotator.ui.workers import BackgroundTask


def tick(widget, name: str) -> None:
    item = widget.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)


def test_count_preview_follows_the_filters(qtbot, sample_project) -> None:
    dialog = ExportDialog(sample_project)
    qtbot.addWidget(dialog)
    assert dialog.count_label.text() == "5 documents and 71 annotations will be exported."
    tick(dialog.annotators, "bob")
    assert "33 annotations" in dialog.count_label.text()
    tick(dialog.labels, "claim/statistical")
    assert dialog.filters().labels == ["claim/statistical"] and dialog.filters().annotators == ["bob"]
    statistical = int(dialog.count_label.text().split(" and ")[1].split()[0])
    assert 0 < statistical < 33
    dialog.status_boxes[next(iter(dialog.status_boxes))].setChecked(True)  # not started
    assert dialog.filters().statuses is not None
    assert not dialog.gold_only.isEnabled()  # the samples have no gold layer


def test_export_runs_in_the_background_and_writes_the_file(qtbot, sample_project, tmp_path) -> None:
    dialog = ExportDialog(sample_project)
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    out = tmp_path / "dataset.csv"
    dialog.path_edit.setText(str(out))
    tick(dialog.annotators, "alice")
    with qtbot.waitSignal(dialog.exported, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert (report.documents, report.annotations) == (5, 38)
    assert out.read_text(encoding="utf-8").count("\nalice") == 0  # annotator is not the first column
    assert len(out.read_text(encoding="utf-8").splitlines()) > 38
    assert dialog.result_label.text().startswith("Exported 5 documents and 38 annotations")
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled())


def test_jsonl_export_and_changing_format_fixes_the_suffix(qtbot, sample_project, tmp_path) -> None:
    dialog = ExportDialog(sample_project)
    qtbot.addWidget(dialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    dialog.path_edit.setText(str(tmp_path / "data.csv"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("jsonl"))
    assert dialog.path_edit.text().endswith("data.jsonl")
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        dialog.export_button.click()
    lines = (tmp_path / "data.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["format"] == "media-annotator"


def test_cancel_writes_nothing(qtbot, sample_project, tmp_path, monkeypatch) -> None:
    start = BackgroundTask.start

    def start_cancelled(task: BackgroundTask) -> None:
        task.cancel()  # as if Cancel export were pressed before the first document was written
        start(task)

    monkeypatch.setattr(BackgroundTask, "start", start_cancelled)
    dialog = ExportDialog(sample_project)
    qtbot.addWidget(dialog)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path_edit.setText(str(folder / "data.jsonl"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.result_label.text(), timeout=20000)
    assert dialog.report is None and list(folder.iterdir()) == []
    assert dialog.result_label.text() == "Export cancelled; nothing was written."
