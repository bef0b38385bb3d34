"""The change feed: what another connection commits is reported once, in order, from the moment the feed
started; nothing rolled back is reported; on PostgreSQL a NOTIFY arrives with the commit. Both databases."""

import time

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services import scheme as scheme_service
from annotator.services.annotating import Annotating
from annotator.services.live import ChangeFeed
from annotator.services.project import Project

TEXT = "The minister said taxes will rise. Critics call it a disgrace."


@pytest.fixture
def colleague(project_url):
    other = Project.open(project_url)
    yield other
    other.close()


@pytest.fixture
def doc(project) -> Document:
    document = Document(TEXT, title="Taxes")
    documents.add_document(project, document, "lead")
    return document


def wait_for(feed: ChangeFeed, timeout: float = 3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if update := feed.poll():
            return update
        time.sleep(0.05)
    return feed.poll()


def test_a_colleagues_save_is_reported_once_from_where_the_feed_started(project, colleague, doc) -> None:
    feed = ChangeFeed(project)  # the document added above is history: not reported
    try:
        bob = Annotating(colleague, "bob")
        ann = Annotation(doc.uuid, "bob", "claim", (Fragment(4, 33),))
        bob.create(ann)
        started = time.monotonic()
        update = wait_for(feed)
        assert time.monotonic() - started < 2.0
        assert [(e.entity, e.key, e.action, e.actor) for e in update.entries if e.entity != "annotator"] == [
            ("annotation", ann.uuid, "create", "bob")
        ]
        assert update.documents_touched == {doc.uuid} and not update.document_list_changed
        assert not feed.poll()  # reported once
        bob.delete(ann.uuid)
        documents.update_metadata(colleague, doc.uuid, "bob", title="Tax rise")
        update = wait_for(feed)
        assert [e.action for e in update.entries] == ["delete", "update"] and update.document_list_changed
    finally:
        feed.close()


def test_a_rolled_back_write_is_never_reported(project, colleague, doc) -> None:
    feed = ChangeFeed(project)
    try:
        with pytest.raises(InputError):
            Annotating(colleague, "bob").create(Annotation(doc.uuid, "bob", "claim", (Fragment(4, 999),)))
        time.sleep(0.3)
        assert not feed.poll()
    finally:
        feed.close()


def test_a_scheme_change_elsewhere_refreshes_the_scheme_here(project, colleague) -> None:
    from annotator.core.scheme import Label

    feed = ChangeFeed(project)
    try:
        assert not project.scheme.has_label("satire")
        seen = colleague.scheme
        scheme_service.update_scheme(colleague, seen.with_label(Label("satire")), "lead", seen=seen)
        assert wait_for(feed).scheme_changed
        assert project.scheme.has_label("satire")
    finally:
        feed.close()


@pytest.mark.postgres
def test_postgres_notifies_on_commit(project, colleague, doc) -> None:
    if project.database.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite is polled")
    feed = ChangeFeed(project)
    try:
        assert feed._listener.pending()  # the first call connects (and reports a possible gap)
        assert not feed._listener.pending()
        Annotating(colleague, "bob").create(Annotation(doc.uuid, "bob", "claim", (Fragment(4, 33),)))
        deadline = time.monotonic() + 2
        while not feed._listener.pending():
            assert time.monotonic() < deadline, "no notification within 2 s of the commit"
            time.sleep(0.02)
    finally:
        feed.close()
