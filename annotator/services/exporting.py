"""Exporting documents with their annotations through a registered writer, with filters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Status
from annotator.formats import registry
from annotator.formats.registry import DocumentBundle, WriteOptions
from annotator.services.project import Project
from annotator.store import repo


@dataclass
class ExportFilter:
    annotators: list[str] | None = None  # None: everyone
    labels: list[str] | None = None
    statuses: list[Status] | None = None  # keep documents any chosen annotator has in one of these states
    documents: list[str] | None = None  # uuids

    def keeps_annotation(self, annotator: str, label: str) -> bool:
        return (self.annotators is None or annotator in self.annotators) and (
            self.labels is None or label in self.labels
        )


@dataclass
class ExportReport:
    documents: int = 0
    annotations: int = 0
    path: str = ""
    notes: list[str] = field(default_factory=list)


def bundles(project: Project, filters: ExportFilter | None = None) -> Iterator[DocumentBundle]:
    filters = filters or ExportFilter()
    with project.transaction() as session:
        uuids = filters.documents or [s.uuid for s in repo.document_summaries(session, None)]
        for uuid in uuids:
            doc = repo.row_to_document(repo.document_row(session, uuid))
            statuses = repo.statuses_of(session, uuid)
            if filters.statuses is not None:
                people = filters.annotators or list(statuses)
                if not any(statuses.get(p, Status.NOT_STARTED) in filters.statuses for p in people):
                    continue
            annotations = [
                a
                for a in repo.annotations_of(session, uuid, filters.annotators)
                if filters.keeps_annotation(a.annotator, a.label)
            ]
            kept = {a.uuid for a in annotations}
            relations = [r for r in repo.relations_of(session, uuid) if r.source in kept and r.target in kept]
            if filters.annotators is not None:
                statuses = {k: v for k, v in statuses.items() if k in filters.annotators}
            yield DocumentBundle(doc, annotations, relations, statuses)


def export(project: Project, format_name: str, out: Path, filters: ExportFilter | None = None) -> ExportReport:
    fmt = registry.get(format_name)
    if fmt.write is None:
        raise InputError(f"format '{format_name}' cannot be exported")
    report = ExportReport(path=str(out))

    def counted() -> Iterator[DocumentBundle]:
        for bundle in bundles(project, filters):
            report.documents += 1
            report.annotations += len(bundle.annotations)
            yield bundle

    try:
        fmt.write(counted(), out, WriteOptions())
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(out)) from None
    return report
