"""The navigator's list in SQL, on both databases: each filter, the orders, a page of rows, progress counts."""

from datetime import date

import pytest

from annotator.core.listing import DocumentFilter, DocumentOrder
from annotator.core.model import Annotation, Document, Fragment, Status
from annotator.services import collections, documents
from annotator.services.annotating import Annotating

ROWS = [  # title, outlet, published
    ("Budget vote", "Civic Ledger", "2024-03-01"),
    ("budget row deepens", "Harbour Courier", "2024-03-31T22:10:00"),
    ("Ferry strike", "Harbour Courier", "2024-04-01"),
    ("Flood warning 100%_sure", "Morning Post", ""),
    ("Zoo opens", "Civic Ledger", "2023-12-31"),
]


@pytest.fixture
def listed(project) -> dict[str, Document]:
    docs = {title: Document(f"Text of {title}.", title=title, outlet=o, published=d) for title, o, d in ROWS}
    for doc in docs.values():
        documents.add_document(project, doc, "alice")
    service = Annotating(project, "alice")
    service.create(Annotation(docs["Ferry strike"].uuid, "alice", "claim", (Fragment(0, 4),)))
    service.create(Annotation(docs["Ferry strike"].uuid, "alice", "opinion", (Fragment(5, 7),)))
    Annotating(project, "bob").create(Annotation(docs["Zoo opens"].uuid, "bob", "claim", (Fragment(0, 4),)))
    service.set_status(docs["Zoo opens"].uuid, Status.DONE)
    service.set_status(docs["Budget vote"].uuid, Status.IN_PROGRESS)
    collections.add_documents(project, "batch", [docs["Budget vote"].uuid, docs["Zoo opens"].uuid], "alice")
    return docs


def titles(project, chosen=DocumentFilter(), order=DocumentOrder(), who="alice") -> list[str]:  # noqa: B008
    ids = documents.find_documents(project, chosen, who, order)
    return [s.title for s in documents.summaries_of(project, ids, who)]


def test_filters(project, listed) -> None:
    assert sorted(titles(project, DocumentFilter(text="BUDGET"))) == ["Budget vote", "budget row deepens"]
    assert titles(project, DocumentFilter(text="100%_")) == ["Flood warning 100%_sure"]  # % and _ are plain text
    assert titles(project, DocumentFilter(text="2024-04")) == ["Ferry strike"]
    assert sorted(titles(project, DocumentFilter(outlet="Harbour Courier"))) == ["Ferry strike", "budget row deepens"]
    march = DocumentFilter(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
    assert sorted(titles(project, march)) == ["Budget vote", "budget row deepens"]  # the last day's evening too
    assert titles(project, DocumentFilter(date_to=date(2023, 12, 31))) == ["Zoo opens"]  # no date: left out
    assert titles(project, DocumentFilter(status=Status.DONE)) == ["Zoo opens"]
    assert sorted(titles(project, DocumentFilter(status=Status.NOT_STARTED))) == [
        "Ferry strike",
        "Flood warning 100%_sure",
        "budget row deepens",
    ]
    assert titles(project, DocumentFilter(status=Status.DONE), who="carol") == []  # nobody's done for carol
    assert sorted(titles(project, DocumentFilter(label="claim"))) == ["Ferry strike", "Zoo opens"]  # anyone's
    assert sorted(titles(project, DocumentFilter(collection="batch"))) == ["Budget vote", "Zoo opens"]
    assert titles(project, DocumentFilter(collection="batch", outlet="Civic Ledger", status=Status.DONE)) == [
        "Zoo opens"
    ]


def test_orders_and_rows(project, listed) -> None:
    by_count = titles(project, order=DocumentOrder("count", descending=True))
    assert by_count[0] == "Ferry strike"
    assert titles(project, order=DocumentOrder("published"))[:2] == ["Flood warning 100%_sure", "Zoo opens"]
    assert titles(project, order=DocumentOrder("status"))[0] == "Zoo opens"  # done < in progress < not started
    ids = documents.find_documents(project, DocumentFilter(text="ferry"), "alice")
    row = documents.summaries_of(project, ids, "alice")[0]
    assert (row.annotation_count, row.status, row.outlet) == (2, Status.NOT_STARTED, "Harbour Courier")
    assert documents.row_of(project, listed["Ferry strike"].uuid) == ids[0]
    assert documents.outlets(project) == ["Civic Ledger", "Harbour Courier", "Morning Post"]
    assert documents.progress(project, "alice") == (1, 5) and documents.has_documents(project)
    with pytest.raises(ValueError, match="cannot sort documents by text"):
        DocumentOrder("text")
