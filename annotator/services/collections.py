"""Collections: named sets of documents, to group articles by outlet or to hand a batch to an annotator.

Every change is written to the change log (entity "collection", keyed by the collection's name).
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.collection import Collection
from annotator.core.errors import InputError
from annotator.core.model import DocumentSummary
from annotator.services.project import Change, Project
from annotator.store import collections_repo, repo

MAX_NAME = 200


def _checked(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError("a collection needs a name")
    if len(name) > MAX_NAME:
        raise InputError(f"a collection name has at most {MAX_NAME} characters")
    return name


def create(project: Project, name: str, actor: str, description: str = "") -> Collection:
    name = _checked(name)
    with project.transaction() as session:
        if any(c.name == name for c in collections_repo.list_collections(session)):
            raise InputError(f"there is already a collection named '{name}'")
        collections_repo.collection_id(session, name, create=True, description=description)
        repo.log_change(
            session, actor, "collection", name, "create", None, None, {"name": name, "description": description}
        )
    return Collection(name, description, 0)


def list_collections(project: Project) -> list[Collection]:
    with project.transaction() as session:
        return collections_repo.list_collections(session)


def get(project: Project, name: str) -> Collection:
    with project.transaction() as session:
        return collections_repo.get_collection(session, name)


def add_documents(project: Project, name: str, documents: Iterable[str], actor: str, create: bool = True) -> int:
    """Add documents (uuids) to the collection (created if missing, when create); returns how many were new."""
    name, documents = _checked(name), list(documents)
    with project.transaction() as session:
        added = collections_repo.add_members(session, name, documents, create=create)
        if added:
            repo.log_change(session, actor, "collection", name, "update", None, None, {"added": documents})
    return added


def remove_documents(project: Project, name: str, documents: Iterable[str], actor: str) -> int:
    documents = list(documents)
    with project.transaction() as session:
        removed = collections_repo.remove_members(session, name, documents)
        if removed:
            repo.log_change(session, actor, "collection", name, "update", None, {"removed": documents}, None)
    return removed


def document_uuids(project: Project, name: str) -> list[str]:
    with project.transaction() as session:
        return collections_repo.member_uuids(session, name)


def documents(project: Project, name: str, annotator: str | None = None) -> list[DocumentSummary]:
    """The navigator's rows for the collection's documents (what the window filters by)."""
    with project.transaction() as session:
        members = set(collections_repo.member_uuids(session, name))
        return [row for row in repo.document_summaries(session, annotator) if row.uuid in members]


def collections_of(project: Project, document: str) -> list[str]:
    with project.transaction() as session:
        return collections_repo.collections_of(session, document)


def set_membership(project: Project, document: str, names: Iterable[str], actor: str) -> Change | None:
    """Put the document in exactly these collections (creating new names); None when nothing changed."""
    wanted = {_checked(n) for n in names}
    with project.transaction() as session:
        current = set(collections_repo.collections_of(session, document))
        for name in sorted(wanted - current):
            collections_repo.add_members(session, name, [document], create=True)
            repo.log_change(session, actor, "collection", name, "update", None, None, {"added": [document]})
        for name in sorted(current - wanted):
            collections_repo.remove_members(session, name, [document])
            repo.log_change(session, actor, "collection", name, "update", None, {"removed": [document]}, None)
    return Change("updated", "document", document, document) if wanted != current else None


def rename(project: Project, name: str, new_name: str, actor: str) -> None:
    new_name = _checked(new_name)
    with project.transaction() as session:
        if new_name != name and any(c.name == new_name for c in collections_repo.list_collections(session)):
            raise InputError(f"there is already a collection named '{new_name}'")
        collections_repo.update_collection(session, name, new_name=new_name)
        repo.log_change(session, actor, "collection", new_name, "update", None, {"name": name}, {"name": new_name})


def delete(project: Project, name: str, actor: str) -> None:
    """Delete the collection; its documents stay in the project."""
    with project.transaction() as session:
        members = collections_repo.member_uuids(session, name)
        collections_repo.delete_collection(session, name)
        repo.log_change(session, actor, "collection", name, "delete", None, {"name": name, "documents": members}, None)
