"""The agreement report window: choose annotators, labels, a breakdown and resamples; see the measures table,
the pairwise heatmap and the confusion matrix; export the whole report (HTML, pictures, CSV, JSON).

Statistics are not computed here: the dialog calls services.review and shows what comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.review import figures
from annotator.review.report import MATRIX_MEASURES, MEASURES
from annotator.services import review
from annotator.services.project import Project
from annotator.ui.review_widgets import CheckList

NO_BREAKDOWN = "no breakdown"
PICTURE_WIDTH = 420  # pixels; the exported report keeps full size
DOCUMENT_MEASURES = ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "observed_agreement")


def _cell(block: dict[str, Any], name: str) -> QTableWidgetItem:
    value = block.get(name)
    if value is None:
        item = QTableWidgetItem("—")
        item.setToolTip(block.get("reasons", {}).get(name, ""))
        item.setForeground(Qt.GlobalColor.gray)
    else:
        ci = (block.get("ci") or {}).get(name)
        item = QTableWidgetItem(f"{value:.3f}" + (f"  [{ci['low']:.2f}, {ci['high']:.2f}]" if ci else ""))
        item.setData(Qt.ItemDataRole.UserRole, value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _from_suggestions(result: dict[str, Any]) -> str:
    """How many annotations came from accepted suggestions, per annotator, when any did."""
    counts = result.get("from_suggestions", {})
    if not any(counts.values()):
        return ""
    listed = ", ".join(f"{who} {n}" for who, n in counts.items())
    return f"\nfrom accepted suggestions: {listed} ({'left out' if result.get('suggestions_excluded') else 'included'})"


def _fill(table: QTableWidget, rows: dict[str, dict[str, Any]], measures: tuple[str, ...]) -> None:
    table.clear()
    table.setColumnCount(len(measures))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels([figures.TITLES.get(m, m) for m in measures])
    table.setVerticalHeaderLabels(list(rows))
    for r, block in enumerate(rows.values()):
        for c, name in enumerate(measures):
            table.setItem(r, c, _cell(block, name))
    table.resizeColumnsToContents()


class AgreementDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.result: dict[str, Any] | None = None
        self.setWindowTitle("Agreement")
        self.resize(1150, 760)
        people = review.reviewable_annotators(project)
        self.annotator_list = CheckList(people)
        self.label_list = CheckList([lab.name for lab in project.scheme.top_labels()])
        self.by_combo = QComboBox()
        self.by_combo.addItems([NO_BREAKDOWN, *review.GROUPINGS])
        self.bootstrap_spin = QSpinBox(minimum=0, maximum=10_000, singleStep=100)
        self.exclude_suggested = QCheckBox("Leave out accepted suggestions")
        self.exclude_suggested.setToolTip("Annotations made by accepting a suggestion (origin 'suggestion')")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setDefault(True)
        self.export_button = QPushButton("Export report…")
        self.export_button.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c")
        self.summary = QLabel()

        form = QFormLayout()
        form.addRow("Annotators", self.annotator_list)
        form.addRow("Labels", self.label_list)
        form.addRow("Break down by", self.by_combo)
        form.addRow("Bootstrap resamples", self.bootstrap_spin)
        form.addRow(self.exclude_suggested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button)
        buttons.addWidget(self.export_button)
        form.addRow(buttons)
        form.addRow(self.message)
        controls = QWidget()
        controls.setLayout(form)
        controls.setMaximumWidth(320)

        self.measures_table = QTableWidget()
        self.pairs_table = QTableWidget()
        self.document_table = QTableWidget()
        self.groups_table = QTableWidget()
        self.tabs = QTabWidget()
        for table, title in (
            (self.measures_table, "Measures"),
            (self.pairs_table, "Pairs"),
            (self.document_table, "Document labels"),
            (self.groups_table, "Breakdown"),
        ):
            self.tabs.addTab(table, title)

        self.heatmap_measure = QComboBox()
        for name in MATRIX_MEASURES:
            self.heatmap_measure.addItem(figures.TITLES[name], name)
        self.confusion_pair = QComboBox()
        self.heatmap_label, self.confusion_label = QLabel(), QLabel()
        for label in (self.heatmap_label, self.confusion_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pictures = QWidget()
        pictures_layout = QVBoxLayout(pictures)
        pictures_layout.addWidget(self.heatmap_measure)
        pictures_layout.addWidget(self.heatmap_label)
        pictures_layout.addWidget(self.confusion_pair)
        pictures_layout.addWidget(self.confusion_label)
        scroll = QScrollArea()
        scroll.setWidget(pictures)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(PICTURE_WIDTH + 30)

        results = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.tabs)
        results.addWidget(left)
        results.addWidget(scroll)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(results, 1)

        self.compute_button.clicked.connect(self._on_compute_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.heatmap_measure.currentIndexChanged.connect(lambda _i: self._show_heatmap())
        self.confusion_pair.currentIndexChanged.connect(lambda _i: self._show_confusion())

    # -- computing --------------------------------------------------------------------------------------------

    def options(self) -> review.AgreementOptions:
        labels = self.label_list.checked()
        by = self.by_combo.currentText()
        return review.AgreementOptions(
            annotators=self.annotator_list.checked(),
            labels=labels if len(labels) < self.label_list.count() else None,
            by=None if by == NO_BREAKDOWN else by,
            bootstrap=self.bootstrap_spin.value(),
            exclude_suggested=self.exclude_suggested.isChecked(),
        )

    def compute(self) -> dict[str, Any] | None:
        self.message.clear()
        self.message.setStyleSheet("color: #b71c1c")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result = review.agreement(self.project, self.options())
        except AnnotatorError as exc:
            self.result = None
            self.message.setText(str(exc))
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.export_button.setEnabled(self.result is not None)
        self._show()
        return self.result

    def _on_compute_clicked(self) -> None:
        self.compute()

    def _show(self) -> None:
        for table in (self.measures_table, self.pairs_table, self.document_table, self.groups_table):
            table.clear()
            table.setRowCount(0)
        self.heatmap_label.clear()
        self.confusion_label.clear()
        self.confusion_pair.clear()
        result = self.result
        if result is None:
            self.summary.clear()
            return
        people = ", ".join(result["annotators"])
        self.summary.setText(
            f"{people} · {result['documents']} documents ({result['documents_coded_by_all']} coded "
            f"by all) · {result['tokens']} tokens" + _from_suggestions(result)
        )
        _fill(self.measures_table, {"overall": result["overall"], **result["by_label"]}, MEASURES)
        pair_rows = {" × ".join(p["annotators"]): p for p in result["pairs"]}
        _fill(
            self.pairs_table,
            pair_rows,
            (
                "cohen_kappa",
                "krippendorff_alpha",
                "alpha_u",
                "precision_relaxed",
                "recall_relaxed",
                "f1_exact",
                "f1_relaxed",
                "f1_exact_unlabeled",
                "f1_relaxed_unlabeled",
            ),
        )
        _fill(self.document_table, result["document_level"], DOCUMENT_MEASURES)
        groups = result.get("groups", {}).get("results", {})
        _fill(self.groups_table, {k: v["overall"] for k, v in groups.items()}, MEASURES)
        self.tabs.setTabEnabled(3, bool(groups))
        for conf in result["confusion"]:
            self.confusion_pair.addItem(" × ".join(conf["annotators"]))
        self._show_heatmap()
        self._show_confusion()

    def _show_heatmap(self) -> None:
        if self.result is None or len(self.result["annotators"]) < 2:
            return
        figure = figures.heatmap_figure(self.result, self.heatmap_measure.currentData())
        self.heatmap_label.setPixmap(self._pixmap(figures.figure_bytes(figure)))

    def _show_confusion(self) -> None:
        index = self.confusion_pair.currentIndex()
        if self.result is None or index < 0 or index >= len(self.result["confusion"]):
            return
        figure = figures.confusion_figure(self.result["confusion"][index])
        self.confusion_label.setPixmap(self._pixmap(figures.figure_bytes(figure)))

    @staticmethod
    def _pixmap(png: bytes) -> QPixmap:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        if pixmap.width() > PICTURE_WIDTH:
            pixmap = pixmap.scaledToWidth(PICTURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        return pixmap

    # -- exporting --------------------------------------------------------------------------------------------

    def export_to(self, folder: Path) -> list[Path]:
        if self.result is None:
            return []
        try:
            paths = review.write_report(self.result, folder)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return []
        self.message.setStyleSheet("color: #1b5e20")
        self.message.setText(f"Report written to {paths[0]}")
        return paths

    def _on_export_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the agreement report")
        if folder:
            self.export_to(Path(folder))
