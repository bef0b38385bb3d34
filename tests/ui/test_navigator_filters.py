"""The navigator at scale: filters by outlet, collection, status, date range and label present answered in SQL,
rows fetched a batch at a time, no text ever read for the list, and the progress count off the GUI thread."""

from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from sqlalchemy import event

from annotator.core.listing import DocumentFilter
from annotator.core.model import Annotation, Document, Fragment, Status
from annotator.services import collections, documents
from annotator.services.annotating import Annotating
from annotator.ui.models.documents import BATCH, DocumentTableModel
from annotator.ui.navigator import Navigator

OUTLETS = ("Civic Ledger", "Harbour Courier", "Morning Post")


@pytest.fixture
def listed(project) -> list[Document]:
    """1,707 short documents over three outlets and 2024; every 100th with a claim by alice, every 50th done."""
    docs = [
        Document(
            f"Article {i} about the harbour.",
            title=f"Title {i:05d}",
            outlet=OUTLETS[i % 3],
            published=date(2024, 1 + i % 12, 1 + i % 28).isoformat(),
        )
        for i in range(BATCH * 3 + 207)
    ]
    with project.transaction() as session:
        for doc in docs:
            documents.add_document(project, doc, "alice", session)
    service = Annotating(project, "alice")
    for doc in docs[::100]:
        service.create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 7),)))
    for doc in docs[::50]:
        service.set_status(doc.uuid, Status.DONE)
    return docs


@pytest.fixture
def nav(qtbot, project, listed) -> Navigator:
    navigator = Navigator(project, "alice")
    qtbot.addWidget(navigator)
    navigator.refresh()
    return navigator


def titles(nav: Navigator) -> list[str]:
    return [nav.model.summary(i).title for i in range(nav.model.total)]


def test_rows_are_handed_over_a_batch_at_a_time_and_sorted_in_sql(qtmodeltester, nav, listed) -> None:
    model = nav.model
    assert model.total == BATCH * 3 + 207 and model.rowCount() == BATCH and model.canFetchMore(QModelIndex())
    assert model.row_of(listed[1200].uuid) == 1200 and model.rowCount() == 1201  # fetched up to it, no further
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 1201 + BATCH and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == len(listed) and not model.canFetchMore(QModelIndex())
    nav.table.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, DocumentTableModel.TITLE)) == f"Title {BATCH * 3 + 206:05d}"
    nav.table.sortByColumn(DocumentTableModel.COUNT, Qt.SortOrder.DescendingOrder)
    annotated = len(listed[::100])
    assert [model.summary(i).annotation_count for i in range(annotated + 1)] == [1] * annotated + [0]
    nav.table.sortByColumn(DocumentTableModel.STATUS, Qt.SortOrder.AscendingOrder)
    done = len(listed[::50])
    assert model.summary(done - 1).status is Status.DONE and model.summary(done).status is Status.NOT_STARTED
    qtmodeltester.check(model)


def test_each_filter_and_their_combination(nav, listed) -> None:
    nav.set_filter(DocumentFilter(outlet="Harbour Courier"))
    assert nav.model.total == len(listed[1::3]) and {nav.model.summary(i).outlet for i in range(nav.model.total)} == {
        OUTLETS[1]
    }
    nav.set_filter(DocumentFilter(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)))
    assert nav.model.total == len([d for d in listed if d.published.startswith("2024-03")])
    nav.set_filter(DocumentFilter(outlet="Civic Ledger", date_from=date(2024, 4, 1), date_to=date(2024, 4, 30)))
    expected = sorted(d.title for d in listed if d.outlet == OUTLETS[0] and d.published.startswith("2024-04"))
    assert titles(nav) == expected and expected
    nav.set_filter(DocumentFilter(status=Status.DONE))
    assert sorted(titles(nav)) == sorted(d.title for d in listed[::50])
    nav.set_filter(DocumentFilter(status=Status.NOT_STARTED))
    assert nav.model.total == len(listed) - len(listed[::50])
    nav.set_filter(DocumentFilter(label="claim"))
    assert sorted(titles(nav)) == sorted(d.title for d in listed[::100])
    nav.set_filter(DocumentFilter(label="claim", status=Status.DONE, text="Title 01"))
    assert titles(nav) == [f"Title 01{n}00" for n in range(8)]


def test_the_collection_filter(nav, project, listed) -> None:
    collections.add_documents(project, "batch 1", [listed[7].uuid, listed[8].uuid], "alice")
    nav.refresh()
    box = nav.collection_box
    box.setCurrentIndex(box.findData("batch 1"))
    box.activated.emit(box.currentIndex())
    assert titles(nav) == ["Title 00007", "Title 00008"]


def test_the_filter_widgets_drive_the_list(qtbot, nav, listed) -> None:
    nav.show()
    qtbot.mouseClick(nav.more_button, Qt.MouseButton.LeftButton)
    assert nav.more.isVisible()
    nav.outlet_box.setCurrentIndex(nav.outlet_box.findData("Morning Post"))
    nav.outlet_box.activated.emit(nav.outlet_box.currentIndex())
    assert nav.model.total == len(listed[2::3]) and nav.more_button.text() == "Filters •"
    nav.date_from.setDate(QDate(2024, 12, 1))
    assert {nav.model.summary(i).published[:7] for i in range(nav.model.total)} == {"2024-12"}
    assert nav.count_label.text() == f"{nav.model.total:,} documents shown"
    qtbot.mouseClick(nav.clear_button, Qt.MouseButton.LeftButton)
    assert nav.model.total == len(listed) and nav.current_filter() == DocumentFilter()


def test_the_list_never_reads_a_text(qtbot, project, listed) -> None:
    statements: list[str] = []
    engine = project.database.engine
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        nav = Navigator(project, "alice")
        qtbot.addWidget(nav)
        nav.refresh()
        nav.set_filter(DocumentFilter(outlet="Civic Ledger", label="claim", text="harbour"))
        nav.clear_filters()
        nav.model.row_of(listed[-1].uuid)
        nav.table.sortByColumn(DocumentTableModel.DATE, Qt.SortOrder.DescendingOrder)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "documents" in s]
    assert reads and not [s for s in reads if "documents.text" in s or " text," in s]


def test_the_window_shows_its_rows_before_the_progress_count_finishes(qtbot, project, listed, monkeypatch) -> None:
    import threading

    from annotator.settings import Settings
    from annotator.ui.main_window import MainWindow

    release, real = threading.Event(), documents.progress

    def slow_count(*args):
        assert release.wait(10), "the count was never let go"
        return real(*args)

    monkeypatch.setattr(documents, "progress", slow_count)
    window = MainWindow(project, Settings(annotator="alice"))  # would hang here if it waited for the count
    qtbot.addWidget(window)
    window.show()
    assert window.navigator.model.rowCount() == BATCH and window.progress_label.text() == ""
    release.set()
    qtbot.waitUntil(lambda: window.progress_label.text() == f"alice · {len(listed[::50])} of {len(listed):,} done")
