"""The project's scheme in the database: label rows (so renames keep annotations) and relation types."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.core.errors import InputError
from annotator.core.scheme import AttributeDef, AttributeKind, Label, RelationType, Scheme, Scope
from annotator.store.tables import AnnotationRow, LabelRow, ProjectSettingRow


def load_scheme(session: Session) -> Scheme:
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


def save_scheme(session: Session, scheme: Scheme, renames: dict[tuple[str, str | None], str] | None = None) -> None:
    """Make the label rows match scheme. renames maps (old name, parent) to a new name so rows keep their id.

    A label still used by annotations cannot be removed: that raises InputError and changes nothing.
    """
    renames = renames or {}
    rows = session.scalars(select(LabelRow)).all()
    old_names = {r.id: r.name for r in rows}
    current: dict[tuple[str, str | None], LabelRow] = {}
    for row in rows:  # key each row by the name it will have, under the name its parent will have
        parent = old_names[row.parent_id] if row.parent_id else None
        row.name = renames.get((row.name, parent), row.name)
        current[(row.name, renames.get((parent, None), parent) if parent else None)] = row
    wanted: dict[tuple[str, str | None], LabelRow] = {}
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
                .select_from(AnnotationRow)
                .where((AnnotationRow.label_id == row.id) | (AnnotationRow.subtype_id == row.id))
            )
            if used:
                raise InputError(f"label '{key[0]}' is used by {used} annotations and cannot be removed")
            session.delete(row)
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
