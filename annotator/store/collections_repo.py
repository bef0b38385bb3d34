"""Queries on collections and their members. Documents are named by uuid, collections by name."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from annotator.core.collection import Collection
from annotator.core.errors import NotFound
from annotator.store.tables import CollectionMemberRow, CollectionRow, DocumentRow


def collection_id(session: Session, name: str, create: bool = False, description: str = "") -> int:
    row_id = session.scalar(select(CollectionRow.id).where(CollectionRow.name == name))
    if row_id is not None:
        return row_id
    if not create:
        raise NotFound(f"no collection named '{name}'")
    row = CollectionRow(name=name, description=description)
    session.add(row)
    session.flush()
    return row.id


def list_collections(session: Session) -> list[Collection]:
    sizes = (
        select(CollectionMemberRow.collection_id, func.count().label("n"))
        .group_by(CollectionMemberRow.collection_id)
        .subquery()
    )
    query = (
        select(CollectionRow.name, CollectionRow.description, func.coalesce(sizes.c.n, 0))
        .outerjoin(sizes, sizes.c.collection_id == CollectionRow.id)
        .order_by(CollectionRow.name)
    )
    return [Collection(name, description, size) for name, description, size in session.execute(query)]


def get_collection(session: Session, name: str) -> Collection:
    for found in list_collections(session):
        if found.name == name:
            return found
    raise NotFound(f"no collection named '{name}'")


def _document_ids(session: Session, uuids: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(uuids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):  # keep within SQLite's limit on bound parameters
        chunk = wanted[start : start + 500]
        query = select(DocumentRow.uuid, DocumentRow.id).where(DocumentRow.uuid.in_(chunk))
        found.update((uuid, row_id) for uuid, row_id in session.execute(query))
    missing = [u for u in wanted if u not in found]
    if missing:
        raise NotFound(f"no document {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return found


def add_members(session: Session, name: str, documents: Iterable[str], create: bool = True) -> int:
    """Add documents (uuids) to the collection, creating it if asked; returns how many were new to it."""
    coll = collection_id(session, name, create=create)
    ids = _document_ids(session, documents)
    present = set(
        session.scalars(select(CollectionMemberRow.document_id).where(CollectionMemberRow.collection_id == coll))
    )
    new = [doc_id for doc_id in ids.values() if doc_id not in present]
    session.add_all(CollectionMemberRow(collection_id=coll, document_id=doc_id) for doc_id in new)
    session.flush()
    return len(new)


def remove_members(session: Session, name: str, documents: Iterable[str]) -> int:
    coll = collection_id(session, name)
    ids = list(_document_ids(session, documents).values())
    result = session.execute(
        delete(CollectionMemberRow).where(
            CollectionMemberRow.collection_id == coll, CollectionMemberRow.document_id.in_(ids)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def member_uuids(session: Session, name: str) -> list[str]:
    """The collection's documents in the order they were added to the project."""
    coll = collection_id(session, name)
    query = (
        select(DocumentRow.uuid)
        .join(CollectionMemberRow, CollectionMemberRow.document_id == DocumentRow.id)
        .where(CollectionMemberRow.collection_id == coll)
        .order_by(DocumentRow.id)
    )
    return list(session.scalars(query))


def collections_of(session: Session, document: str) -> list[str]:
    query = (
        select(CollectionRow.name)
        .join(CollectionMemberRow, CollectionMemberRow.collection_id == CollectionRow.id)
        .join(DocumentRow, DocumentRow.id == CollectionMemberRow.document_id)
        .where(DocumentRow.uuid == document)
        .order_by(CollectionRow.name)
    )
    return list(session.scalars(query))


def update_collection(session: Session, name: str, new_name: str | None = None, description: str | None = None) -> None:
    row = session.get(CollectionRow, collection_id(session, name))
    assert row is not None
    if new_name is not None:
        row.name = new_name
    if description is not None:
        row.description = description
    session.flush()


def delete_collection(session: Session, name: str) -> None:
    coll = collection_id(session, name)
    session.execute(delete(CollectionMemberRow).where(CollectionMemberRow.collection_id == coll))
    session.execute(delete(CollectionRow).where(CollectionRow.id == coll))
