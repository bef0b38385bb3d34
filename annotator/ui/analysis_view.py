"""Review › Analysis: rates of each label per group (outlet, story, month, ...) with 95% intervals, as a table and
as pictures (bars with whiskers, a timeline by month, a heat map), the articles of one story side by side with
their highlights, and the spans of a label in context (a click asks the main window to open the document there).

Nothing is computed here: the window calls services.analysis / analysis_details and shows what comes back. The
reading and computing run on a background thread (ui/analysis_jobs.py), so the window is there at once and never
stalls; the project is read once per layer (annotators) and collection, and changing the grouping, labels or
plot reuses it. The spans themselves are read only when an evidence tab is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.review import analysis_figures as pictures
from annotator.services import analysis, analysis_details, collections
from annotator.services.project import Project
from annotator.ui.analysis_jobs import AnalysisRunner
from annotator.ui.analysis_story import StoryPane
from annotator.ui.review_widgets import CheckList

EVERYONE, GOLD, ALL_DOCUMENTS = "everyone", "gold layer", "all documents"
PLOTS = ("bars", "timeline", "heat map")
MAX_KWIC_ROWS = 2000  # a table of a million rows helps nobody; `annotator analyze --kwic` writes them all
UserRole = Qt.ItemDataRole.UserRole


def _number_item(text: str, value: float | None, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(UserRole, value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    if value is None:
        item.setForeground(Qt.GlobalColor.gray)
    return item


class AnalysisWindow(QMainWindow):
    """Opened with the project and the current annotator (whose layer is the first choice offered)."""

    document_at_span_requested = Signal(str, int, int)  # document uuid, start, end (code points)
    computed = Signal()  # a result is shown (or its error)
    evidence_shown = Signal()  # the spans in context or the same-story tab is filled

    def __init__(self, project: Project, annotator: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.annotator = project, annotator
        self.result: analysis.Analysis | None = None
        self.runner = AnalysisRunner(project, self)
        self.setWindowTitle("Analysis")
        self.resize(1280, 800)

        known = project.annotators()
        people = [a.name for a in known if a.kind.value == "person"]
        has_gold = any(a.kind.value == "gold" for a in known)
        self.layer_combo = QComboBox()
        self.layer_combo.addItems([EVERYONE, *([GOLD] if has_gold else []), *people])
        self.layer_combo.setCurrentText(annotator if annotator in people else EVERYONE)
        self.collection_combo = QComboBox()
        self.collection_combo.addItems([ALL_DOCUMENTS, *(c.name for c in collections.list_collections(project))])
        self.by_combo = QComboBox()
        self.by_combo.addItems(analysis.GROUPINGS)
        self.label_list = CheckList([lab.name for lab in project.scheme.top_labels() if lab.scope.value == "span"])
        self.subtypes_box = QCheckBox("Sub-types too")
        self.bootstrap_spin = QSpinBox(minimum=0, maximum=10_000, singleStep=100, value=1000)
        self.top_spin = QSpinBox(minimum=2, maximum=100, value=pictures.TOP)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color: #b71c1c")
        self.summary = QLabel(wordWrap=True)
        self.busy = QProgressBar(minimum=0, maximum=0, textVisible=False)  # no steps to count: a busy bar
        self.busy_note = QLabel(wordWrap=True)

        form = QFormLayout()
        form.addRow("Annotations of", self.layer_combo)
        form.addRow("Documents", self.collection_combo)
        form.addRow("Group by", self.by_combo)
        form.addRow("Labels", self.label_list)
        form.addRow("", self.subtypes_box)
        form.addRow("Resamples", self.bootstrap_spin)
        form.addRow("Groups drawn", self.top_spin)
        form.addRow(self.busy)
        form.addRow(self.busy_note)
        form.addRow(self.message)
        form.addRow(self.summary)
        controls = QWidget()
        controls.setLayout(form)
        controls.setMaximumWidth(300)

        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.plot_combo = QComboBox()
        self.plot_combo.addItems(PLOTS)
        self.plot_label = QComboBox()
        self.figure = Figure(figsize=(7.5, 4.2), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.png_button, self.svg_button = QPushButton("Save PNG…"), QPushButton("Save SVG…")
        plot_bar = QHBoxLayout()
        for widget in (QLabel("Plot"), self.plot_combo, QLabel("Label"), self.plot_label):
            plot_bar.addWidget(widget)
        plot_bar.addStretch(1)
        plot_bar.addWidget(self.png_button)
        plot_bar.addWidget(self.svg_button)
        plot_page = QWidget()
        plot_layout = QVBoxLayout(plot_page)
        plot_layout.addLayout(plot_bar)
        plot_layout.addWidget(self.canvas, 1)

        self.story_pane = StoryPane(project.scheme)
        self.kwic_label = QComboBox()
        self.kwic_table = QTableWidget()
        self.kwic_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.kwic_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.kwic_table.setSortingEnabled(True)
        kwic_page = QWidget()
        kwic_layout = QVBoxLayout(kwic_page)
        kwic_layout.addWidget(self.kwic_label)
        kwic_layout.addWidget(self.kwic_table, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Rates")
        self.tabs.addTab(kwic_page, "Spans in context")
        self.tabs.addTab(self.story_pane, "Same story")
        results = QSplitter(Qt.Orientation.Vertical)
        results.addWidget(plot_page)
        results.addWidget(self.tabs)
        results.setSizes([420, 380])
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(controls)
        layout.addWidget(results, 1)
        self.setCentralWidget(body)

        for combo in (self.layer_combo, self.collection_combo, self.by_combo):
            combo.currentIndexChanged.connect(lambda _i: self.compute())
        self.label_list.changed.connect(self._on_label_list_changed)
        self.subtypes_box.toggled.connect(lambda _on: self.compute())
        self.bootstrap_spin.editingFinished.connect(self.compute)
        self.top_spin.valueChanged.connect(lambda _v: self.draw_plot())
        self.plot_combo.currentIndexChanged.connect(lambda _i: self.draw_plot())
        self.plot_label.currentIndexChanged.connect(lambda _i: self.draw_plot())
        self.kwic_label.currentIndexChanged.connect(lambda _i: self.show_kwic())
        self.tabs.currentChanged.connect(lambda _i: self.show_tab())
        self.kwic_table.cellClicked.connect(self._on_kwic_table_clicked)
        self.png_button.clicked.connect(lambda: self._on_save_clicked("png"))
        self.svg_button.clicked.connect(lambda: self._on_save_clicked("svg"))
        self.table.verticalHeader().hide()
        self.runner.computed.connect(self._on_runner_computed)
        self.runner.failed.connect(self._on_runner_failed)
        self.runner.spans_read.connect(self.show_tab)
        self._choosing_labels = False
        self.compute(narrow=True)  # start with the labels this layer uses: unused ones only add empty columns

    def _on_label_list_changed(self, _names: list[str]) -> None:
        if not self._choosing_labels:
            self.compute()

    # -- computing ------------------------------------------------------------------------------------------

    def options(self) -> analysis.AnalysisOptions:
        layer = self.layer_combo.currentText()
        collection = self.collection_combo.currentText()
        return analysis.AnalysisOptions(
            by=self.by_combo.currentText(),
            annotators=None if layer in (EVERYONE, GOLD) else [layer],
            gold=layer == GOLD,
            collection=None if collection == ALL_DOCUMENTS else collection,
            labels=self.label_list.checked() or None,
            subtypes=self.subtypes_box.isChecked(),
            bootstrap=self.bootstrap_spin.value(),
        )

    def compute(self, narrow: bool = False) -> None:
        """Ask for the figures of the current choices; they are shown when they come (computed)."""
        key = (self.layer_combo.currentText(), self.collection_combo.currentText())
        self._show_busy("Reading the project…" if self.result is None else "Computing…")
        self.runner.request(key, self.options(), narrow)

    def _show_busy(self, note: str) -> None:
        """The busy bar and what it waits for; hidden with an empty note."""
        self.busy.setVisible(bool(note))
        self.busy_note.setVisible(bool(note))
        self.busy_note.setText(note)

    def _on_runner_failed(self, message: str) -> None:
        self._show_busy("")
        self.message.setText(message)
        self.computed.emit()

    def _on_runner_computed(self, result: analysis.Analysis, narrowed: list[str] | None) -> None:
        self._show_busy("")
        self.message.clear()
        if narrowed:
            self._choosing_labels = True  # set_checked says it changed: these figures are for that choice already
            self.label_list.set_checked(narrowed)
            self._choosing_labels = False
        self.result = result
        self.json = analysis.to_json(self.result)
        self._fill_choices()
        self.show_table()
        self.draw_plot()
        self.show_tab()
        documents = sum(s.documents for s in self.result.stats)
        self.summary.setText(
            f"{len(self.result.groups)} groups, {documents} documents in groups. " + " ".join(self.result.notes)
        )
        self.computed.emit()

    def _fill_choices(self) -> None:
        assert self.result is not None
        for combo in (self.plot_label, self.kwic_label):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(self.result.keys)
            if current in self.result.keys:
                combo.setCurrentText(current)
            combo.blockSignals(False)

    def show_table(self) -> None:
        result = self.result
        assert result is not None
        table = self.table
        table.setSortingEnabled(False)
        table.clear()
        headers = [result.options.by, "documents", "words", *(f"{k}\nper 1,000 words" for k in result.keys)]
        table.setColumnCount(len(headers))
        table.setRowCount(len(result.stats))
        table.setHorizontalHeaderLabels(headers)
        for r, stats in enumerate(result.stats):
            flag = " *" if stats.small and not stats.empty else ""
            name = QTableWidgetItem(stats.name + flag)
            if flag:
                name.setToolTip("fewer than 5 documents: the interval means little")
            table.setItem(r, 0, name)
            table.setItem(r, 1, _number_item(str(stats.documents), stats.documents))
            table.setItem(r, 2, _number_item(f"{int(stats.words):,}", stats.words))
            for k in range(len(result.keys)):
                if stats.empty:
                    table.setItem(r, 3 + k, _number_item("empty", None, "no words in this group: no rate"))
                    continue
                low, high = stats.ci_low[k], stats.ci_high[k]
                ci = f"  [{low:.2f}, {high:.2f}]" if low == low else ""
                tip = f"{int(stats.spans[k])} spans in {int(stats.documents_with[k])} of {stats.documents} documents"
                table.setItem(r, 3 + k, _number_item(f"{stats.rate[k]:.2f}{ci}", float(stats.rate[k]), tip))
        table.resizeColumnsToContents()
        table.setSortingEnabled(True)

    def draw_plot(self) -> None:
        if self.result is None or not self.result.keys:
            return
        kind, key = self.plot_combo.currentText(), self.plot_label.currentText() or self.result.keys[0]
        top = self.top_spin.value()
        if kind == "bars":
            pictures.bars_figure(self.json, [key], top, figure=self.figure)
        elif kind == "timeline":
            series = analysis_details.timeline(self.result, key)
            pictures.timeline_figure(series, key, figure=self.figure)
        else:
            pictures.heatmap_figure(self.json, self.result.keys, top, figure=self.figure)
        self.canvas.draw()

    def show_tab(self) -> None:
        """The evidence tabs are filled when shown: they need the spans themselves, read on first use."""
        if self.result is None:
            return
        if self.tabs.currentIndex() == 1:
            self.show_kwic()
        elif self.tabs.currentIndex() == 2 and self.story_pane.result is not self.result and self._spans_ready():
            self._show_busy("")
            self.story_pane.show_result(self.result)
            self.evidence_shown.emit()

    def _spans_ready(self) -> bool:
        """True when the result's spans are read; else they are being read (show_tab follows) and the tab says so."""
        assert self.result is not None
        if self.runner.read_spans(self.result.data):
            return True
        self._show_busy("Reading the spans for this tab…")
        return False

    def show_kwic(self) -> None:
        if self.result is None or not self.kwic_label.currentText() or self.tabs.currentIndex() != 1:
            return  # built when its tab is shown: listing a label's spans can take a while on a large project
        if not self._spans_ready():
            return
        self._show_busy("")
        rows = analysis_details.kwic(self.result, self.kwic_label.currentText())[:MAX_KWIC_ROWS]
        columns = ("outlet", "published", "title", "left", "text", "right")
        table = self.kwic_table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(list(columns))
        for r, row in enumerate(rows):
            for c, name in enumerate(columns):
                item = QTableWidgetItem(str(row[name]))
                if name == "left":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(UserRole, (row["document"], row["start"], row["end"]))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.setSortingEnabled(True)
        self.evidence_shown.emit()

    # -- handlers -------------------------------------------------------------------------------------------

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        self.runner.wait()  # a computation's thread must not outlive the window
        super().closeEvent(event)

    def _on_kwic_table_clicked(self, row: int, _column: int) -> None:
        item = self.kwic_table.item(row, 0)
        if item is not None:
            uuid, start, end = item.data(UserRole)
            self.document_at_span_requested.emit(uuid, int(start), int(end))

    def save_plot(self, path: Path) -> None:
        self.figure.savefig(path, format=path.suffix.lstrip(".") or "png", dpi=150)

    def _on_save_clicked(self, fmt: str) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the plot", f"analysis.{fmt}", f"{fmt.upper()} (*.{fmt})")
        if name:
            try:
                self.save_plot(Path(name))
            except OSError as exc:
                self.message.setText(f"cannot save the plot: {exc.strerror or exc}")
