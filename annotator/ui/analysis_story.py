"""The same-story view of the analysis window: the articles of one story (BASIL's triplets: Fox News, the New
York Times and HuffPost on one event) side by side, with the analysed labels highlighted in their colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSplitter, QTextEdit, QVBoxLayout, QWidget

from annotator.core.offsets import OffsetMap
from annotator.core.scheme import Scheme
from annotator.services import analysis, analysis_details
from annotator.ui.review_widgets import label_format, paint

MAX_ARTICLES = 6  # more side by side cannot be read; the rest are listed under the last pane


class StoryPane(QWidget):
    def __init__(self, scheme: Scheme, parent: QWidget | None = None):
        super().__init__(parent)
        self.scheme = scheme
        self.result: analysis.Analysis | None = None
        self.story_combo = QComboBox()
        self.story_combo.setMinimumContentsLength(40)
        self.note = QLabel(wordWrap=True)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.panes: list[QTextEdit] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.story_combo)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        self.story_combo.currentIndexChanged.connect(lambda _i: self.show_story(self.story_combo.currentData()))

    def show_result(self, result: analysis.Analysis) -> None:
        self.result = result
        _, names = analysis_details.story_index(result)
        current = self.story_combo.currentData()
        self.story_combo.blockSignals(True)
        self.story_combo.clear()
        titles_of: dict[str, list[str]] = {}
        for doc in result.data.documents:
            titles_of.setdefault(doc.metadata.get("story"), []).append(doc.title)
        for name in names:
            titles = titles_of.get(name, [])
            self.story_combo.addItem(f"{(titles or [name])[0][:70]} ({len(titles)} articles)", name)
        if current in names:
            self.story_combo.setCurrentIndex(names.index(current))
        self.story_combo.blockSignals(False)
        self.note.setText("" if names else "No document has a story: set the metadata field 'story' (BASIL sets it).")
        self.show_story(self.story_combo.currentData())

    def show_story(self, story: str | None) -> None:
        for pane in self.panes:
            pane.parentWidget().deleteLater()
        self.panes = []
        if self.result is None or story is None:
            return
        articles = analysis_details.story_articles(self.result, story)
        for article in articles[:MAX_ARTICLES]:
            doc = article.document
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(2, 2, 2, 2)
            header = QLabel(f"<b>{doc.outlet or '(no outlet)'}</b> · {doc.published}<br>{doc.title}", wordWrap=True)
            header.setTextFormat(Qt.TextFormat.RichText)
            view = QTextEdit(readOnly=True)
            omap = OffsetMap(doc.text)
            view.setPlainText(omap.display_text())
            for start, end, label, subtype in article.spans:
                paint(view.document(), omap, start, end, label_format(self.scheme_colour(label, subtype)))
            view.setToolTip(f"{len(article.spans)} highlighted spans")
            column.addWidget(header)
            column.addWidget(view, 1)
            self.splitter.addWidget(box)
            self.panes.append(view)
        if len(articles) > MAX_ARTICLES:
            self.note.setText(f"{len(articles)} articles; the first {MAX_ARTICLES} are shown")

    def scheme_colour(self, label: str, subtype: str | None) -> str:
        return self.scheme.colour(label, subtype)
