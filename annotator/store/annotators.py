"""Annotators: the people (and the gold layer) whose names every annotation and change carries.

A person's row is made the first time they write anything, and that creation is logged like any other write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, bindparam, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.errors import NotFound
from annotator.core.model import Annotator, AnnotatorKind, utc_now
from annotator.store import change_log
from annotator.store.base import Base


class AnnotatorRow(Base):
    __tablename__ = "annotators"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    created: Mapped[datetime]


def payload(annotator: Annotator) -> dict[str, str]:
    return {"uuid": annotator.uuid, "name": annotator.name, "kind": annotator.kind.value}


# run on every single edit: a statement built once costs less than building it each time
_ID_OF = select(AnnotatorRow.id).where(AnnotatorRow.name == bindparam("name"))
_INSERT = insert(AnnotatorRow).returning(AnnotatorRow.id)


def id_of(session: Session, name: str) -> int | None:
    return session.scalar(_ID_OF, {"name": name})


def ensure(session: Session, name: str, actor: str, kind: AnnotatorKind = AnnotatorKind.PERSON) -> int:
    """The row id of the annotator named name, made (and logged, as actor's write) if new."""
    row_id = id_of(session, name)
    if row_id is not None:
        return row_id
    made = Annotator(name, kind=kind)
    row_id = session.scalar(_INSERT, {"uuid": made.uuid, "name": name, "kind": kind.value, "created": utc_now()})
    change_log.append(session, [changes.created(changes.ANNOTATOR, made.uuid, None, payload(made), actor)])
    assert row_id is not None
    return row_id


def ids(session: Session, names: set[str] | list[str], actor: str) -> dict[str, int]:
    return {name: ensure(session, name, actor) for name in names}


def require(session: Session, name: str) -> int:
    row_id = id_of(session, name)
    if row_id is None:
        raise NotFound(f"no annotator named '{name}'")
    return row_id


def names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(AnnotatorRow.id, AnnotatorRow.name)).tuples().all())


def all_annotators(session: Session) -> list[Annotator]:
    rows = session.execute(select(AnnotatorRow.name, AnnotatorRow.uuid, AnnotatorRow.kind).order_by(AnnotatorRow.name))
    return [Annotator(name=name, uuid=uuid, kind=AnnotatorKind(kind)) for name, uuid, kind in rows]


def kinds(session: Session) -> dict[str, AnnotatorKind]:
    return {name: AnnotatorKind(kind) for name, kind in session.execute(select(AnnotatorRow.name, AnnotatorRow.kind))}


def ids_of_kind(session: Session, kind: AnnotatorKind) -> list[int]:
    return list(session.scalars(select(AnnotatorRow.id).where(AnnotatorRow.kind == kind.value)))


def ids_named(session: Session, wanted: list[str]) -> list[int]:
    return list(session.scalars(select(AnnotatorRow.id).where(AnnotatorRow.name.in_(wanted))))
