"""The undoable edits of the window: each apply and revert calls a service and returns its change records.

Annotation edits write over the version this user's own last save left (Annotating.last_written), so a
colleague's change made in between is reported as a conflict on undo or redo, never overwritten.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.model import Annotation, Relation, Status, annotation_from_dict, relation_from_dict
from annotator.core.ranges import Ranges
from annotator.core.scheme import Scheme
from annotator.services import collections, documents, scheme
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.services.undo import Edit

if TYPE_CHECKING:  # the adjudication service (numpy, the review measures) is loaded only when adjudicating
    from annotator.services.adjudication import Adjudication
    from annotator.services.suggestion_review import Correction

# -- annotations ----------------------------------------------------------------------------------------------


class AddAnnotation(Edit):
    def __init__(self, service: Annotating, ann: Annotation):
        self.service, self.ann, self.text = service, ann, f"Add {ann.label}"

    def apply(self) -> list[Change]:
        return self.service.create(self.ann)

    def revert(self) -> list[Change]:
        return self.service.delete(self.ann.uuid, self.service.last_written.get(self.ann.uuid))


class DeleteAnnotation(Edit):
    """Deleting takes the annotation's relations with it; undoing brings both back, ids and versions kept."""

    def __init__(self, service: Annotating, ann: Annotation):
        self.service, self.ann, self.text = service, ann, f"Delete {ann.label}"
        self.relations: list[Relation] = []

    def apply(self) -> list[Change]:
        records = self.service.delete(self.ann.uuid, self.service.last_written.get(self.ann.uuid, self.ann.version))
        self.ann = annotation_from_dict(records[-1].before or {})
        self.relations = [relation_from_dict(r.before or {}) for r in records if r.entity == changes.RELATION]
        return records

    def revert(self) -> list[Change]:
        records = self.service.create(self.ann)
        for rel in self.relations:
            records += self.service.relate(rel)
        return records


class UpdateAnnotation(Edit):
    """Label, sub-type, attributes, note, boundaries or fragments: the whole annotation before and after."""

    def __init__(self, service: Annotating, before: Annotation, after: Annotation, text: str):
        self.service, self.before, self.after, self.text = service, before, after, text
        self.done_once = False

    def _store(self, ann: Annotation) -> list[Change]:
        # The first time: over the version the user saw. Undo and redo: over the version this user's own last
        # save left, so a colleague's change made in between is reported as a conflict, never overwritten.
        seen = self.service.last_written.get(ann.uuid, ann.version) if self.done_once else self.after.version
        records = self.service.update(replace(ann, version=seen))
        self.done_once = True
        return records

    def apply(self) -> list[Change]:
        return self._store(self.after)

    def revert(self) -> list[Change]:
        return self._store(self.before)

    def absorb(self, later: Edit) -> bool:
        """Typing a note or an attribute merges into one undo step per annotation and field."""
        if not isinstance(later, UpdateAnnotation) or later.text != self.text or not self.text.startswith("Edit "):
            return False
        if later.before.uuid != self.after.uuid:
            return False
        self.after = later.after
        return True


class AddRelation(Edit):
    def __init__(self, service: Annotating, rel: Relation, document: str):
        self.service, self.rel, self.document, self.text = service, rel, document, f"Link {rel.type}"

    def apply(self) -> list[Change]:
        return self.service.relate(self.rel)

    def revert(self) -> list[Change]:
        return self.service.unrelate(self.rel, self.document)


class DeleteRelation(AddRelation):
    def __init__(self, service: Annotating, rel: Relation, document: str):
        super().__init__(service, rel, document)
        self.text = f"Unlink {rel.type}"

    def apply(self) -> list[Change]:
        return super().revert()

    def revert(self) -> list[Change]:
        return super().apply()


class SetStatus(Edit):
    def __init__(self, service: Annotating, document: str, before: Status, after: Status):
        self.service, self.document, self.before, self.after = service, document, before, after
        self.text = f"Mark {after.value.replace('_', ' ')}"

    def apply(self) -> list[Change]:
        return self.service.set_status(self.document, self.after)

    def revert(self) -> list[Change]:
        return self.service.set_status(self.document, self.before)


# -- suggestions ----------------------------------------------------------------------------------------------
# suggestion_review (and the recommenders' modules it reads) is imported when a suggestion is first decided on,
# not when the window starts


class AcceptSuggestions(Edit):
    """One suggestion (corrected, when given) or many, accepted in one transaction as the annotator's annotations
    of origin "suggestion"; undo withdraws the decisions (the learning records and the annotations they made), so
    the suggestions are offered again. Redo accepts them anew."""

    def __init__(self, project: Project, annotator: str, uuids: list[str], correction: Correction | None = None):
        self.project, self.annotator, self.uuids, self.correction = project, annotator, list(uuids), correction
        self.text = "Accept suggestion" if len(self.uuids) == 1 else f"Accept {len(self.uuids)} suggestions"
        self.records: list[Change] = []

    def apply(self) -> list[Change]:
        from annotator.services import suggestion_review

        if len(self.uuids) == 1:
            self.records = suggestion_review.accept(self.project, self.annotator, self.uuids[0], self.correction)
        else:
            self.records = suggestion_review.accept_many(self.project, self.annotator, self.uuids)
        return self.records

    def revert(self) -> list[Change]:
        return _withdraw(self.project, self.annotator, self.records)


class RejectSuggestions(Edit):
    """Rejecting (or skipping) suggestions records what the annotator did; undo deletes those learning records."""

    def __init__(self, project: Project, annotator: str, uuids: list[str], action: str = "rejected"):
        self.project, self.annotator, self.uuids, self.action = project, annotator, list(uuids), action
        verb = "Reject" if action == "rejected" else "Skip"
        self.text = f"{verb} suggestion" if len(self.uuids) == 1 else f"{verb} {len(self.uuids)} suggestions"
        self.records: list[Change] = []

    def apply(self) -> list[Change]:
        from annotator.services import suggestion_review
        from annotator.suggesting.model import Feedback

        self.records = suggestion_review.reject(self.project, self.annotator, self.uuids, Feedback(self.action))
        return self.records

    def revert(self) -> list[Change]:
        return _withdraw(self.project, self.annotator, self.records)


def _withdraw(project: Project, annotator: str, records: list[Change]) -> list[Change]:
    """Undo the decisions these records logged, latest first: each learning record, with the annotation it made."""
    from annotator.services import suggestion_review

    out: list[Change] = []
    for r in reversed([r for r in records if r.entity == changes.FEEDBACK and r.after is not None]):
        made = (r.after or {}).get("annotation")
        out += suggestion_review.withdraw(project, annotator, r.key, made)
    return out


# -- a document's metadata and collections --------------------------------------------------------------------


class EditMetadata(Edit):
    """Metadata fields and collection membership; each direction checks the values the user saw (a colleague's
    change in between is refused, not overwritten)."""

    def __init__(
        self,
        project: Project,
        document: str,
        actor: str,
        values: tuple[dict[str, str], dict[str, str]],
        member_of: tuple[list[str], list[str]],
    ):
        self.project, self.document, self.actor = project, document, actor
        self.values, self.member_of = values, member_of  # (before, after) each
        self.text = f"Edit metadata of “{values[1].get('title') or values[0].get('title', '')}”"

    def _write(self, seen: int, wanted: int) -> list[Change]:
        values = {k: v for k, v in self.values[wanted].items() if self.values[seen].get(k) != v}
        records: list[Change] = []
        if values:
            expected = {k: self.values[seen][k] for k in values}
            records += documents.update_metadata(self.project, self.document, self.actor, expected, **values)
        if set(self.member_of[wanted]) != set(self.member_of[seen]):
            records += collections.set_membership(self.project, self.document, self.member_of[wanted], self.actor)
        return records

    def apply(self) -> list[Change]:
        return self._write(0, 1)

    def revert(self) -> list[Change]:
        return self._write(1, 0)


class SetBoilerplate(Edit):
    """Which ranges of a document are page furniture: the whole set before and after (each direction checks the
    set the user saw, so a colleague's change in between is refused, not overwritten)."""

    def __init__(self, project: Project, document: str, actor: str, before: Ranges, after: Ranges, text: str):
        self.project, self.document, self.actor = project, document, actor
        self.before, self.after, self.text = before, after, text

    def apply(self) -> list[Change]:
        return documents.set_boilerplate(self.project, self.document, self.after, self.actor, expected=self.before)

    def revert(self) -> list[Change]:
        return documents.set_boilerplate(self.project, self.document, self.before, self.actor, expected=self.after)


# -- the scheme -----------------------------------------------------------------------------------------------


class EditScheme(Edit):
    """The scheme before and after (with the renames that carry annotations along); undo renames them back."""

    text = "Edit the scheme"

    def __init__(self, project: Project, actor: str, before: Scheme, after: Scheme, renames: Any = None):
        self.project, self.actor, self.before, self.after = project, actor, before, after
        self.renames = dict(renames or {})

    def apply(self) -> list[Change]:
        return scheme.update_scheme(self.project, self.after, self.actor, self.renames, seen=self.before)

    def revert(self) -> list[Change]:
        back = scheme.inverse_renames(self.renames)
        return scheme.update_scheme(self.project, self.before, self.actor, back, seen=self.after)


# -- adjudication ---------------------------------------------------------------------------------------------


class Decide(Edit):
    """A curator's decisions (one, or a bulk action's many, as `decide` makes them and returns their records);
    undo revokes them, redo puts the same decisions back (same gold annotation and record ids)."""

    def __init__(self, service: Adjudication, text: str, decide: Any):
        self.service, self.text, self.decide = service, text, decide
        self.records: list[Change] = []

    def apply(self) -> list[Change]:
        self.records = self.service.reinstate(self.records) if self.records else self.decide()
        return self.records

    def revert(self) -> list[Change]:
        decided = [r.key for r in self.records if r.entity == changes.ADJUDICATION]
        return [record for key in reversed(decided) for record in self.service.revoke(key)]


class Revoke(Edit):
    text = "Revoke decision"

    def __init__(self, service: Adjudication, record: str):
        self.service, self.record = service, record
        self.records: list[Change] = []

    def apply(self) -> list[Change]:
        self.records = self.service.revoke(self.record)
        return self.records

    def revert(self) -> list[Change]:
        return self.service.reinstate(self.records)
