"""The database schema as typed SQLAlchemy 2 tables. Changing it means an Alembic migration (migrations/)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back timezone-aware datetimes, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class AnnotatorRow(Base):
    __tablename__ = "annotators"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    created: Mapped[datetime]


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int]  # code points, so lists need not load the text
    encoding: Mapped[str] = mapped_column(String(40), default="utf-8")
    newline: Mapped[str] = mapped_column(String(10), default="none")
    source: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str] = mapped_column(String(300), default="", index=True)
    author: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str] = mapped_column(String(40), default="", index=True)
    language: Mapped[str] = mapped_column(String(20), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class CollectionRow(Base):
    """A named set of documents: an outlet group, a batch assigned to an annotator."""

    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class CollectionMemberRow(Base):
    __tablename__ = "collection_members"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)


class LabelRow(Base):
    """A label of the project's scheme, or a sub-type (parent_id set). Annotations refer to rows, so renames hold."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_labels_parent_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(7), default="#9e9e9e")
    shortcut: Mapped[str] = mapped_column(String(40), default="")
    guideline: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(20), default="span")
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class ProjectSettingRow(Base):
    """Project-wide values kept in the database (scheme name, relation types), as JSON."""

    __tablename__ = "project_settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class AnnotationRow(Base):
    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_document_annotator", "document_id", "annotator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    subtype_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    created: Mapped[datetime]
    modified: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    fragments: Mapped[list[FragmentRow]] = relationship(
        order_by="FragmentRow.start", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )
    __mapper_args__ = {"version_id_col": version}


class FragmentRow(Base):
    __tablename__ = "fragments"
    __table_args__ = (CheckConstraint('start >= 0 AND start < "end"', name="span_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class RelationRow(Base):
    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    created: Mapped[datetime]


class StatusRow(Base):
    """One annotator's progress on one document."""

    __tablename__ = "document_status"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    modified: Mapped[datetime]


class AdjudicationRow(Base):
    """Provenance of one gold-layer decision: who decided what, when, from which candidates, and why."""

    __tablename__ = "adjudications"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    gold_annotation: Mapped[str | None] = mapped_column(String(36))  # uuid; none when the unit was rejected
    decision: Mapped[str] = mapped_column(String(20))  # accept, edit, merge, reject, agreed, majority
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)  # uuids of the candidate annotations used
    curator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class ChangeRow(Base):
    """Append-only log of every create, update and delete: who, when, what, before and after."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(20))
    document_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
