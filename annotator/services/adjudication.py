"""Adjudication: a curator builds the gold layer from colleagues' annotations, unit by unit, with provenance.

Gold annotations are ordinary annotations written under the annotator "gold" (kind gold), so every export,
filter and view handles them. Each decision is one transaction that writes the gold annotation (if any), the
adjudication record (curator, time, decision, the source annotations it was made from, the reason) and the
change log together. A decided unit is one whose candidates appear in a record's sources; bulk actions skip
decided units, so running them twice changes nothing. A decision can be revoked (gold annotation and record
removed, both logged). A relation between candidates comes into the gold layer once both its ends are in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core import changes, ranges
from annotator.core.changes import Change
from annotator.core.errors import InputError
from annotator.core.model import Annotation, AnnotatorKind, Fragment, Relation, annotation_from_dict, relation_from_dict
from annotator.core.ranges import Ranges
from annotator.review import adjudication as rules
from annotator.review.adjudication import GOLD, AdjudicationRecord, Decision
from annotator.review.alignment import AlignedUnit, align
from annotator.services.annotating import remove_annotation, store_annotation
from annotator.services.project import Project
from annotator.services.review import CODED, read_annotations
from annotator.store import adjudications, annotations, annotators, relations, statuses
from annotator.store import documents as stored_documents


@dataclass(frozen=True)
class AdjudicationUnit:
    """An aligned unit with its decision, if one was made."""

    unit: AlignedUnit
    record: AdjudicationRecord | None = None
    gold: Annotation | None = None

    @property
    def decided(self) -> bool:
        return self.record is not None


@dataclass
class BulkOutcome:
    accepted: int = 0
    rejected: int = 0
    undecided: int = 0  # units the rule could not settle (no agreement, no majority), left for the curator
    already: int = 0  # units decided before
    records: list[Change] = field(default_factory=list)  # what the decisions wrote (for an undo)

    def summary(self) -> str:
        return (
            f"{self.accepted} accepted, {self.rejected} rejected, {self.undecided} left for the curator, "
            f"{self.already} decided before"
        )


class Adjudication:
    """The decisions of one curator. The adjudication window and `annotator adjudicate` call these."""

    def __init__(self, project: Project, curator: str):
        if not curator.strip():
            raise InputError("a curator needs a name")
        if curator == GOLD:
            raise InputError("'gold' is the gold layer itself; adjudicate under your own name")
        self.project, self.curator = project, curator

    # -- reading ------------------------------------------------------------------------------------------

    def units(self, document: str, annotators: Sequence[str], mode: str = "overlap") -> list[AdjudicationUnit]:
        """The document's aligned units of the given annotators, each with its decision if made."""
        annotators = [a for a in annotators if a != GOLD]
        with self.project.transaction() as session:
            furniture = stored_documents.get(session, document).boilerplate
        anns = [a for a in read_annotations(self.project, annotators, [document]) if not _in_furniture(a, furniture)]
        gold = {a.uuid: a for a in read_annotations(self.project, [GOLD], [document])}
        with self.project.transaction() as session:
            records = adjudications.of_documents(session, [document])
            states = statuses.of_document(session, document)
        coders = {a.annotator for a in anns} | {a for a, s in states.items() if s in CODED}
        by_source = {uuid: rec for rec in records for uuid in rec.sources}
        out = []
        for unit in align(anns, annotators, coders=[a for a in annotators if a in coders], mode=mode):
            record = next((by_source[u] for u in unit.uuids if u in by_source), None)
            gold_ann = gold.get(record.gold_annotation) if record and record.gold_annotation else None
            out.append(AdjudicationUnit(unit, record, gold_ann))
        return out

    def records(self, documents: Sequence[str] | None = None) -> list[AdjudicationRecord]:
        with self.project.transaction() as session:
            return adjudications.of_documents(session, documents)

    def gold_annotations(self, document: str) -> list[Annotation]:
        found = read_annotations(self.project, [GOLD], [document])
        return sorted(found, key=lambda a: (a.start, -a.end, a.label, a.uuid))

    # -- decisions ------------------------------------------------------------------------------------------

    def accept(
        self,
        candidate: str,
        reason: str = "",
        decision: Decision = Decision.ACCEPT,
        sources: Sequence[str] | None = None,
        unit: Sequence[str] = (),
    ) -> list[Change]:
        """Copy one candidate into the gold layer. sources: the candidates the decision rests on (default: the
        chosen one); unit: every candidate of its unit, so that a unit is never decided twice."""
        with self.project.transaction() as session:
            source = self._source(session, candidate)
            used = list(sources) if sources else [candidate]
            self._check_sources(session, [*used, *unit], source.document)
            return self._store(session, rules.gold_copy(source), used, decision, reason)

    def edit(
        self,
        sources: Sequence[str],
        label: str,
        subtype: str | None,
        fragments: Sequence[tuple[int, int]],
        attributes: dict[str, Any] | None = None,
        reason: str = "",
        unit: Sequence[str] = (),
    ) -> list[Change]:
        """Write a gold annotation of the curator's own making, recording which candidates it came from."""
        if not sources:
            raise InputError("an edit starts from at least one candidate")
        with self.project.transaction() as session:
            first = self._source(session, sources[0])
            self._check_sources(session, [*sources, *unit], first.document)
            gold = rules.gold_copy(
                first,
                label=label,
                subtype=subtype,
                fragments=tuple(Fragment(s, e) for s, e in fragments),
                # the candidate's attributes carry over only while the label stays the same
                attributes=dict(
                    attributes if attributes is not None else first.attributes if label == first.label else {}
                ),
            )
            return self._store(session, gold, list(sources), Decision.EDIT, reason)

    def merge(self, sources: Sequence[str], reason: str = "", unit: Sequence[str] = ()) -> list[Change]:
        """One gold annotation covering all the candidates' text, under the label most of them used."""
        with self.project.transaction() as session:
            candidates = [self._source(session, u) for u in sources]
            if not candidates:
                raise InputError("choose the candidates to merge")
            self._check_sources(session, [*sources, *unit], candidates[0].document)
            try:
                gold = rules.merge(candidates)
            except ValueError as exc:
                raise InputError(str(exc)) from None
            return self._store(session, gold, list(sources), Decision.MERGE, reason)

    def reject(
        self, sources: Sequence[str], reason: str = "", decision: Decision = Decision.REJECT, unit: Sequence[str] = ()
    ) -> list[Change]:
        """Record that the unit does not belong in the gold layer."""
        with self.project.transaction() as session:
            candidates = [self._source(session, u) for u in sources]
            if not candidates:
                raise InputError("choose the candidates to reject")
            self._check_sources(session, [*sources, *unit], candidates[0].document)
            return [self._record(session, None, list(sources), decision, reason, candidates[0].document)]

    def revoke(self, record_uuid: str) -> list[Change]:
        """Undo a decision: remove its gold annotation (if any, with its relations) and its record, all logged."""
        with self.project.transaction() as session:
            record = adjudications.get(session, record_uuid)
            records = []
            if record.gold_annotation and annotations.exists(session, record.gold_annotation):
                records += remove_annotation(session, annotations.get(session, record.gold_annotation), self.curator)
            return [*records, adjudications.delete_one(session, record, self.curator)]

    def reinstate(self, records: Sequence[Change]) -> list[Change]:
        """Put back what records (of a decision, or of its revocation) hold: the gold annotation, the decision's
        record and the gold relations, with their ids. What undoing a revocation and redoing a decision do."""
        payloads = {entity: [r.payload for r in records if r.entity == entity] for entity in changes.KINDS}
        with self.project.transaction() as session:
            annotators.ensure(session, GOLD, self.curator, AnnotatorKind.GOLD)
            done = [
                store_annotation(self.project, session, annotation_from_dict(p), self.curator)
                for p in payloads[changes.ANNOTATION]
            ]
            done += [
                adjudications.insert_one(session, AdjudicationRecord.from_dict(p), self.curator)
                for p in payloads[changes.ADJUDICATION]
            ]
            for data in payloads[changes.RELATION]:
                rel = relation_from_dict(data)
                done.append(
                    relations.insert_one(session, rel, annotations.get(session, rel.source).document, self.curator)
                )
            return done

    # -- bulk -------------------------------------------------------------------------------------------------

    def accept_agreed(self, annotators: Sequence[str], documents: Sequence[str] | None = None) -> BulkOutcome:
        """Accept every undecided unit that all annotators who coded the document marked identically."""

        def decide(item: AdjudicationUnit, outcome: BulkOutcome) -> None:
            chosen = rules.agreed_candidate(item.unit)
            if chosen is None:
                outcome.undecided += 1
            else:
                outcome.records += self.accept(chosen.uuid, "all annotators agree", Decision.AGREED, item.unit.uuids)
                outcome.accepted += 1

        return self._each_undecided(annotators, documents, decide)

    def majority(self, annotators: Sequence[str], documents: Sequence[str] | None = None) -> BulkOutcome:
        """Decide every undecided unit where a strict majority of the annotators who coded it agree."""

        def decide(item: AdjudicationUnit, outcome: BulkOutcome) -> None:
            verdict = rules.majority(item.unit)
            if verdict is None:
                outcome.undecided += 1
            elif verdict[0] is None:
                outcome.records += self.reject(verdict[1], "most annotators marked nothing here", Decision.MAJORITY)
                outcome.rejected += 1
            else:
                votes, voters = len(verdict[1]), len(item.unit.coders)
                reason = f"majority {votes} of {voters}"
                outcome.records += self.accept(verdict[0].uuid, reason, Decision.MAJORITY, verdict[1])
                outcome.accepted += 1

        return self._each_undecided(annotators, documents, decide)

    def _each_undecided(
        self,
        annotators: Sequence[str],
        documents: Sequence[str] | None,
        decide: Callable[[AdjudicationUnit, BulkOutcome], None],
    ) -> BulkOutcome:
        """Run decide on every unit not decided yet; units already decided are counted and left alone."""
        outcome = BulkOutcome()
        for document in self._documents(documents):
            for item in self.units(document, annotators):
                if item.decided:
                    outcome.already += 1
                else:
                    decide(item, outcome)
        return outcome

    # -- helpers ----------------------------------------------------------------------------------------------

    def _documents(self, documents: Sequence[str] | None) -> list[str]:
        if documents is not None:
            return list(documents)
        with self.project.transaction() as session:
            return stored_documents.all_uuids(session)

    @staticmethod
    def _source(session: Any, uuid: str) -> Annotation:
        source = annotations.get(session, uuid)
        if source.annotator == GOLD:
            raise InputError("that annotation is already in the gold layer; choose a candidate")
        return source

    @staticmethod
    def _check_sources(session: Any, sources: Sequence[str], document: str) -> None:
        decided = {u for r in adjudications.of_documents(session, [document]) for u in r.sources}
        for uuid in sources:
            ann = annotations.get(session, uuid)
            if ann.document != document:
                raise InputError("all candidates of a decision must be in the same document")
            if uuid in decided:
                raise InputError("this unit has been decided already; revoke that decision first")

    def _store(
        self, session: Any, gold: Annotation, sources: list[str], decision: Decision, reason: str
    ) -> list[Change]:
        annotators.ensure(session, GOLD, self.curator, AnnotatorKind.GOLD)
        made = store_annotation(self.project, session, gold, self.curator)
        record = self._record(session, gold.uuid, sources, decision, reason, gold.document)
        return [made, record, *self._carry_relations(session, gold)]

    def _carry_relations(self, session: Any, gold: Annotation) -> list[Change]:
        """A candidates' relation (e.g. an attribution's content to its source) comes into the gold layer once
        both its ends are decided into it, whichever was decided first; the same link is never made twice."""
        gold_of = {
            uuid: record.gold_annotation
            for record in adjudications.of_documents(session, [gold.document])
            if record.gold_annotation
            for uuid in record.sources
        }
        present = relations.of_document(session, gold.document)
        linked = {(r.type, r.source, r.target) for r in present if r.annotator == GOLD}
        made = []
        for rel in present:
            ends = gold_of.get(rel.source), gold_of.get(rel.target)
            link = (rel.type, *ends)
            if rel.annotator != GOLD and gold.uuid in ends and None not in ends and ends[0] != ends[1]:
                if link not in linked:
                    new = Relation(rel.type, *ends, GOLD)  # type: ignore[misc]
                    made.append(relations.insert_one(session, new, gold.document, self.curator))
                    linked.add(link)
        return made

    def _record(
        self, session: Any, gold: str | None, sources: list[str], decision: Decision, reason: str, document: str
    ) -> Change:
        record = AdjudicationRecord(document, decision, tuple(sources), self.curator, gold, reason.strip())
        return adjudications.insert_one(session, record, self.curator)


def _in_furniture(ann: Annotation, furniture: Ranges) -> bool:
    """An annotation wholly inside page furniture is no candidate for the gold layer."""
    return bool(ann.fragments) and all(ranges.within(furniture, f.start, f.end) for f in ann.fragments)


def provenance(project: Project, documents: Sequence[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """document uuid -> its adjudication records as JSON-ready dicts, in the order they were made.

    For exporters: each gold annotation's record says who decided it, when, how (accept, edit, merge, agreed,
    majority) and from which source annotations; rejections have no gold annotation."""
    with project.transaction() as session:
        records = adjudications.of_documents(session, documents)
    out: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        out.setdefault(record.document, []).append(record.to_dict())
    return out


def gold_provenance(project: Project, document: str) -> dict[str, dict[str, Any]]:
    """gold annotation uuid -> the record that created it, for one document (an exporter's per-span lookup)."""
    return {r["gold_annotation"]: r for r in provenance(project, [document]).get(document, []) if r["gold_annotation"]}
