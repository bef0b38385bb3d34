"""A shared PostgreSQL server that goes away (down, network dropped, connections refused) and comes back."""

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import Annotation, Document, Fragment
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from tests import pg


@pytest.fixture
def server_project(pg_url):
    project = Project.open(pg_url)
    yield project
    project.close()


def test_an_edit_while_the_server_is_away_is_refused_clearly_and_the_next_one_works(pg_url, server_project) -> None:
    doc = Document("The minister said taxes will rise, and critics called it a disgrace.")
    documents.add_document(server_project, doc, "alice")
    service = Annotating(server_project, "alice")
    first = Annotation(doc.uuid, "alice", "claim", (Fragment(0, 34),))
    service.create(first)
    second = Annotation(doc.uuid, "alice", "opinion", (Fragment(49, 68),))
    with pg.server_away(pg_url):
        with pytest.raises(StoreError) as refused:
            service.create(second)
    message = str(refused.value)
    assert refused.value.transient  # worth retrying: the window keeps the edit
    assert message.startswith(f"cannot reach the database server for {server_project.where}") and "\n" not in message
    assert [a.uuid for a in service.annotations(doc.uuid)] == [first.uuid]  # back: the first is there, alone
    service.create(second)
    assert [a.uuid for a in service.annotations(doc.uuid)] == [first.uuid, second.uuid]
