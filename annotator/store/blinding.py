"""Blind annotation rules: annotators, or collections of documents, for whom suggestions stay hidden until the
document is marked done (so that suggestions cannot anchor the annotation and inflate agreement).

A rule is keyed "annotator/NAME" or "collection/NAME" in the change log; it is a project setting that every
copy of the app on a shared server follows.
"""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.store import change_log
from annotator.store.base import Base

KINDS = ("annotator", "collection")


class BlindRuleRow(Base):
    __tablename__ = "blind_rules"
    __table_args__ = (UniqueConstraint("kind", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of KINDS
    name: Mapped[str] = mapped_column(String(200))  # the annotator's or the collection's name


def key(kind: str, name: str) -> str:
    return f"{kind}/{name}"


def payload(kind: str, name: str) -> dict[str, str]:
    return {"kind": kind, "name": name}


def add(session: Session, kind: str, name: str, actor: str) -> list[Change]:
    if (kind, name) in rules(session):
        return []
    session.execute(insert(BlindRuleRow), [{"kind": kind, "name": name}])
    return change_log.append(
        session, [changes.created(changes.BLIND, key(kind, name), None, payload(kind, name), actor)]
    )


def remove(session: Session, kind: str, name: str, actor: str) -> list[Change]:
    if (kind, name) not in rules(session):
        return []
    session.execute(delete(BlindRuleRow).where(BlindRuleRow.kind == kind, BlindRuleRow.name == name))
    return change_log.append(
        session, [changes.deleted(changes.BLIND, key(kind, name), None, payload(kind, name), actor)]
    )


def rules(session: Session) -> set[tuple[str, str]]:
    return set(session.execute(select(BlindRuleRow.kind, BlindRuleRow.name)).tuples().all())
