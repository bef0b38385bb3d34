"""The project's scheme: label rows (annotations refer to them by id, so renames hold) and relation types.

The scheme is one entity in the change log: each save logs the whole scheme before and after (its JSON form,
core.scheme.scheme_to_dict).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, column, func, select, table
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import InputError
from annotator.core.scheme import AttributeDef, AttributeKind, Label, RelationType, Scheme, Scope, scheme_to_dict
from annotator.store import change_log
from annotator.store.base import Base

LabelKey = tuple[str, str | None]  # (name, parent name)


class LabelRow(Base):
    """A label of the project's scheme, or a sub-type (parent_id set)."""

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
    __mapper_args__ = {"version_id_col": version}  # two people saving the scheme at once: the second is refused


class ProjectSettingRow(Base):
    """Project-wide values kept in the database (scheme name, relation types), as JSON."""

    __tablename__ = "project_settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


def load(session: Session) -> Scheme:
    rows = session.scalars(select(LabelRow).order_by(LabelRow.position, LabelRow.id)).all()
    by_id = {r.id: r for r in rows}
    labels = tuple(
        Label(
            name=r.name,
            colour=r.colour,
            shortcut=r.shortcut,
            guideline=r.guideline,
            parent=by_id[r.parent_id].name if r.parent_id else None,
            scope=Scope(r.scope),
            attributes=tuple(
                AttributeDef(a["name"], AttributeKind(a["kind"]), tuple(a.get("choices", ())), a.get("description", ""))
                for a in r.attributes or ()
            ),
        )
        for r in rows
    )
    meta = session.get(ProjectSettingRow, "scheme")
    value = meta.value if meta else {}
    relation_types = tuple(
        RelationType(r["name"], r.get("description", ""), tuple(r.get("from", ())), tuple(r.get("to", ())))
        for r in value.get("relation_types", ())
    )
    return Scheme(labels=labels, relation_types=relation_types, name=value.get("name", "scheme"))


def save(session: Session, scheme: Scheme, actor: str, renames: dict[LabelKey, str] | None = None) -> Change:
    """Make the label rows match scheme and log it. renames maps (old name, parent) to a new name so rows keep
    their id. A label still used by annotations cannot be removed: InputError, and nothing changes."""
    before = load(session) if session.scalar(select(func.count()).select_from(LabelRow)) else None
    _write_labels(session, scheme, renames or {})
    session.merge(
        ProjectSettingRow(
            key="scheme",
            value={
                "name": scheme.name,
                "relation_types": [
                    {"name": r.name, "description": r.description, "from": list(r.from_labels), "to": list(r.to_labels)}
                    for r in scheme.relation_types
                ],
            },
        )
    )
    session.flush()
    after = scheme_to_dict(scheme)
    if renames:  # annotations follow a renamed label (they refer to its row): the record says so
        after["renamed"] = [[old, parent, new] for (old, parent), new in renames.items()]
    record = (
        changes.created(changes.SCHEME, "scheme", None, after, actor)
        if before is None
        else changes.updated(changes.SCHEME, "scheme", None, scheme_to_dict(before), after, actor)
    )
    return change_log.append(session, [record])[0]


def _write_labels(session: Session, scheme: Scheme, renames: dict[LabelKey, str]) -> None:
    rows = session.scalars(select(LabelRow)).all()
    old_names = {r.id: r.name for r in rows}
    current: dict[LabelKey, LabelRow] = {}
    for row in rows:  # key each row by the name it will have, under the name its parent will have
        parent = old_names[row.parent_id] if row.parent_id else None
        row.name = renames.get((row.name, parent), row.name)
        current[(row.name, renames.get((parent, None), parent) if parent else None)] = row
    wanted: dict[LabelKey, LabelRow] = {}
    for lab in sorted(scheme.labels, key=lambda x: x.parent is not None):  # parents first, for parent_id
        row = current.get((lab.name, lab.parent))
        if row is None:
            row = LabelRow(name=lab.name)
            session.add(row)
        row.colour, row.shortcut, row.guideline, row.scope = lab.colour, lab.shortcut, lab.guideline, lab.scope.value
        row.position = scheme.labels.index(lab)
        row.attributes = [
            {"name": a.name, "kind": a.kind.value, "choices": list(a.choices), "description": a.description}
            for a in lab.attributes
        ]
        row.parent_id = wanted[(lab.parent, None)].id if lab.parent else None
        wanted[(lab.name, lab.parent)] = row
        session.flush()
    for key, row in current.items():
        if key not in wanted:
            used = session.scalar(
                select(func.count())
                .select_from(_USES)
                .where((_USES.c.label_id == row.id) | (_USES.c.subtype_id == row.id))
            )
            if used:
                raise InputError(f"label '{key[0]}' is used by {used} annotations and cannot be removed")
            session.delete(row)


# the annotations' references to labels (annotations.py maps that table; it imports this module)
_USES = table("annotations", column("label_id"), column("subtype_id"))


def label_rows(session: Session) -> list[tuple[int, str, int | None]]:
    """(row id, name, parent row id) of every label and sub-type."""
    return [(i, n, p) for i, n, p in session.execute(select(LabelRow.id, LabelRow.name, LabelRow.parent_id))]


def label_ids(session: Session) -> dict[LabelKey, int]:
    """(name, parent name) -> row id for every label and sub-type."""
    rows = label_rows(session)
    names = {row_id: name for row_id, name, _ in rows}
    return {(name, names.get(parent) if parent else None): row_id for row_id, name, parent in rows}


def label_names(session: Session) -> dict[int, str]:
    return {row_id: name for row_id, name, _ in label_rows(session)}
