"""Editing the project's scheme: every change is checked, saved in one transaction and logged."""

from __future__ import annotations

from annotator.core.changes import Change
from annotator.core.errors import ConflictError, InputError
from annotator.core.scheme import Scheme
from annotator.services.project import Project
from annotator.store import scheme as stored_scheme


def check_scheme(scheme: Scheme) -> None:
    """Raise InputError when labels clash: duplicate names or shortcuts, a sub-type without its parent."""
    seen: set[tuple[str, str | None]] = set()
    shortcuts: dict[str, str] = {}
    top = {lab.name for lab in scheme.labels if lab.parent is None}
    for lab in scheme.labels:
        if not lab.name.strip():
            raise InputError("every label needs a name")
        if (lab.name, lab.parent) in seen:
            raise InputError(f"label '{lab.name}' appears twice")
        seen.add((lab.name, lab.parent))
        if lab.parent is not None and lab.parent not in top:
            raise InputError(f"sub-type '{lab.name}' belongs to a label '{lab.parent}' that does not exist")
        if lab.shortcut:
            key = lab.shortcut.upper()
            if key in shortcuts:
                raise InputError(f"shortcut {lab.shortcut} is used by both '{shortcuts[key]}' and '{lab.name}'")
            shortcuts[key] = lab.name


def update_scheme(
    project: Project,
    scheme: Scheme,
    actor: str,
    renames: dict[tuple[str, str | None], str] | None = None,
    seen: Scheme | None = None,
) -> list[Change]:
    """Replace the project's scheme. renames maps (old name, parent) to a new name so annotations follow.

    seen is the scheme the user started editing from: if a colleague saved another one since, ConflictError
    carries the stored scheme and nothing is written (label rows' version columns catch a race as well)."""
    check_scheme(scheme)
    with project.transaction() as session:
        before = stored_scheme.load(session)  # not the cached one: on a server a colleague may have saved
        if seen is not None and before != seen:
            changed = sorted({lab.name for lab in set(before.labels) ^ set(seen.labels)}) or ["relation types"]
            project.forget_scheme()
            raise ConflictError(
                f"someone saved the scheme since you opened it (changed: {', '.join(changed)}); nothing was "
                "overwritten. Reopen the scheme editor to see their version.",
                current=before,
            )
        record = stored_scheme.save(session, scheme, actor, renames)
    project.forget_scheme()
    return [record]


def inverse_renames(renames: dict[tuple[str, str | None], str]) -> dict[tuple[str, str | None], str]:
    """The renames that undo renames: (new name, new parent name) -> old name."""
    parents = {old: new for (old, parent), new in renames.items() if parent is None}
    return {(new, parents.get(parent, parent) if parent else None): old for (old, parent), new in renames.items()}
