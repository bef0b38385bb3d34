"""Collections: named sets of documents, to group articles by outlet or to hand a batch to an annotator.

Every change is logged by the store: the collection keyed by its name, each membership on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.collection import Collection
from annotator.core.errors import InputError
from annotator.core.model import DocumentSummary
from annotator.services.project import Project
from annotator.store import collections, overview

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
        if name in collections.names(session):
            raise InputError(f"there is already a collection named '{name}'")
        collections.create(session, name, description, actor)
    return Collection(name, description, 0)


def list_collections(project: Project) -> list[Collection]:
    with project.transaction() as session:
        return collections.all_collections(session)


def get(project: Project, name: str) -> Collection:
    with project.transaction() as session:
        return collections.get(session, name)


def add_documents(project: Project, name: str, documents: Iterable[str], actor: str, create: bool = True) -> int:
    """Add documents (uuids) to the collection (created if missing, when create); returns how many were new."""
    name = _checked(name)
    with project.transaction() as session:
        records = collections.add_members(session, name, list(documents), actor, create_missing=create)
    return sum(r.entity == changes.MEMBERSHIP for r in records)


def remove_documents(project: Project, name: str, documents: Iterable[str], actor: str) -> int:
    with project.transaction() as session:
        return len(collections.remove_members(session, name, list(documents), actor))


def document_uuids(project: Project, name: str) -> list[str]:
    with project.transaction() as session:
        return collections.member_uuids(session, name)


def documents(project: Project, name: str, annotator: str | None = None) -> list[DocumentSummary]:
    """The navigator's rows for the collection's documents (what the window filters by)."""
    with project.transaction() as session:
        members = set(collections.member_uuids(session, name))
        return [row for row in overview.summaries(session, annotator) if row.uuid in members]


def collections_of(project: Project, document: str) -> list[str]:
    with project.transaction() as session:
        return collections.of_document(session, document)


def set_membership(project: Project, document: str, names: Iterable[str], actor: str) -> list[Change]:
    """Put the document in exactly these collections (creating new names); the records of what changed."""
    wanted = {_checked(n) for n in names}
    records: list[Change] = []
    with project.transaction() as session:
        current = set(collections.of_document(session, document))
        for name in sorted(wanted - current):
            records += collections.add_members(session, name, [document], actor)
        for name in sorted(current - wanted):
            records += collections.remove_members(session, name, [document], actor)
    return records


def rename(project: Project, name: str, new_name: str, actor: str) -> None:
    new_name = _checked(new_name)
    with project.transaction() as session:
        if new_name != name and new_name in collections.names(session):
            raise InputError(f"there is already a collection named '{new_name}'")
        collections.rename(session, name, new_name, actor)


def delete(project: Project, name: str, actor: str) -> None:
    """Delete the collection; its documents stay in the project."""
    with project.transaction() as session:
        collections.delete_collection(session, name, actor)
