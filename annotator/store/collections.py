"""Collections: named sets of documents (an outlet group, a batch handed to an annotator), and their members.

A collection is keyed by its name in the change log; each membership is logged on its own, keyed by the
document (payload: the collection and the document), so a document's history shows the collections it joined
and left, however it got there (the window, an import with --collection, a merge).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ForeignKey, String, Text, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.collection import Collection
from annotator.core.errors import NotFound
from annotator.store import change_log, documents
from annotator.store.base import Base
from annotator.store.documents import DocumentRow


class CollectionRow(Base):
    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class CollectionMemberRow(Base):
    __tablename__ = "collection_members"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)


def payload(collection: Collection) -> dict[str, str]:
    return {"name": collection.name, "description": collection.description}


def membership(name: str, document: str) -> dict[str, str]:
    return {"collection": name, "document": document}


# -- writing ------------------------------------------------------------------------------------------------


def create(session: Session, name: str, description: str, actor: str) -> Change:
    session.execute(insert(CollectionRow), [{"name": name, "description": description}])
    made = changes.created(changes.COLLECTION, name, None, payload(Collection(name, description, 0)), actor)
    return change_log.append(session, [made])[0]


def add_members(
    session: Session, name: str, uuids: Iterable[str], actor: str, create_missing: bool = True
) -> list[Change]:
    """Put documents (uuids) in the collection (made if missing, when create_missing); returns the records,
    one per document new to it."""
    records = []
    coll = _id_or_none(session, name)
    if coll is None:
        if not create_missing:
            raise NotFound(f"no collection named '{name}'")
        records.append(create(session, name, "", actor))
        coll = _id(session, name)
    ids = _document_ids(session, uuids)
    present = set(
        session.scalars(select(CollectionMemberRow.document_id).where(CollectionMemberRow.collection_id == coll))
    )
    new = [(uuid, doc_id) for uuid, doc_id in ids.items() if doc_id not in present]
    if new:
        session.execute(insert(CollectionMemberRow), [{"collection_id": coll, "document_id": d} for _, d in new])
    joined = [changes.created(changes.MEMBERSHIP, uuid, uuid, membership(name, uuid), actor) for uuid, _ in new]
    return records + change_log.append(session, joined)


def remove_members(session: Session, name: str, uuids: Iterable[str], actor: str) -> list[Change]:
    coll = _id(session, name)
    ids = _document_ids(session, uuids)
    present = set(
        session.scalars(select(CollectionMemberRow.document_id).where(CollectionMemberRow.collection_id == coll))
    )
    gone = [(uuid, doc_id) for uuid, doc_id in ids.items() if doc_id in present]
    if gone:
        session.execute(
            delete(CollectionMemberRow).where(
                CollectionMemberRow.collection_id == coll, CollectionMemberRow.document_id.in_([d for _, d in gone])
            )
        )
    left = [changes.deleted(changes.MEMBERSHIP, uuid, uuid, membership(name, uuid), actor) for uuid, _ in gone]
    return change_log.append(session, left)


def leave_all(session: Session, document: str, actor: str) -> list[Change]:
    """Take the document out of every collection (before the document itself goes), each logged."""
    return [
        record for name in of_document(session, document) for record in remove_members(session, name, [document], actor)
    ]


def rename(session: Session, name: str, new_name: str, actor: str) -> Change:
    session.execute(update(CollectionRow).where(CollectionRow.id == _id(session, name)).values(name=new_name))
    record = changes.updated(changes.COLLECTION, new_name, None, {"name": name}, {"name": new_name}, actor)
    return change_log.append(session, [record])[0]


def delete_collection(session: Session, name: str, actor: str) -> Change:
    """Delete the collection; its documents stay in the project (the record lists them)."""
    coll = _id(session, name)
    found = get(session, name)
    members = member_uuids(session, name)
    session.execute(delete(CollectionMemberRow).where(CollectionMemberRow.collection_id == coll))
    session.execute(delete(CollectionRow).where(CollectionRow.id == coll))
    record = changes.deleted(changes.COLLECTION, name, None, {**payload(found), "documents": members}, actor)
    return change_log.append(session, [record])[0]


# -- reading ------------------------------------------------------------------------------------------------


def _id_or_none(session: Session, name: str) -> int | None:
    return session.scalar(select(CollectionRow.id).where(CollectionRow.name == name))


def _id(session: Session, name: str) -> int:
    found = _id_or_none(session, name)
    if found is None:
        raise NotFound(f"no collection named '{name}'")
    return found


def _document_ids(session: Session, uuids: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(uuids))
    found = documents.ids(session, wanted)
    missing = [u for u in wanted if u not in found]
    if missing:
        raise NotFound(f"no document {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return {uuid: found[uuid] for uuid in wanted}


def all_collections(session: Session) -> list[Collection]:
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


def get(session: Session, name: str) -> Collection:
    for found in all_collections(session):
        if found.name == name:
            return found
    raise NotFound(f"no collection named '{name}'")


def names(session: Session) -> list[str]:
    return list(session.scalars(select(CollectionRow.name).order_by(CollectionRow.name)))


def member_uuids(session: Session, name: str) -> list[str]:
    """The collection's documents in the order they were added to the project."""
    query = (
        select(DocumentRow.uuid)
        .join(CollectionMemberRow, CollectionMemberRow.document_id == DocumentRow.id)
        .where(CollectionMemberRow.collection_id == _id(session, name))
        .order_by(DocumentRow.id)
    )
    return list(session.scalars(query))


def members_of(names_: list[str]) -> object:
    """A select of the row ids of the documents in any of the named collections, to use inside other queries."""
    return (
        select(CollectionMemberRow.document_id)
        .join(CollectionRow, CollectionRow.id == CollectionMemberRow.collection_id)
        .where(CollectionRow.name.in_(names_))
    )


def of_document(session: Session, document: str) -> list[str]:
    query = (
        select(CollectionRow.name)
        .join(CollectionMemberRow, CollectionMemberRow.collection_id == CollectionRow.id)
        .join(DocumentRow, DocumentRow.id == CollectionMemberRow.document_id)
        .where(DocumentRow.uuid == document)
        .order_by(CollectionRow.name)
    )
    return list(session.scalars(query))


def by_document(session: Session) -> dict[int, list[str]]:
    """Document row id -> the names of its collections, sorted."""
    found: dict[int, list[str]] = {}
    query = (
        select(CollectionMemberRow.document_id, CollectionRow.name)
        .join(CollectionRow, CollectionRow.id == CollectionMemberRow.collection_id)
        .order_by(CollectionRow.name)
    )
    for doc_id, name in session.execute(query):
        found.setdefault(doc_id, []).append(name)
    return found
