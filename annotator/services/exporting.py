"""Exporting documents with their annotations through a registered writer, with filters.

Documents are read a few hundred at a time (store/selection.py chooses them), so a million annotations
stream out without one query per document. A file is written beside its target and moved into place only when
complete, so a failed or cancelled export never leaves half a file under the chosen name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Status
from annotator.formats import csv_export, jsonl, registry
from annotator.formats.registry import DocumentBundle, WriteOptions
from annotator.services import adjudication
from annotator.services.memory import cycle_collection_paused
from annotator.services.project import Project
from annotator.store import annotations, documents, export_records, relations, selection, statuses
from annotator.store import collections as stored_collections
from annotator.store.selection import Selection

Progress = Callable[[int, int], bool]  # (documents done, documents in all) -> False to cancel
BATCH_DOCUMENTS = 200  # documents read per query: a million annotations stream out in a few thousand queries


class ExportCancelled(AnnotatorError):
    """The progress callback asked to stop; nothing was written under the target name."""

    def __init__(self) -> None:
        super().__init__("the export was cancelled; nothing was written")


@dataclass
class ExportFilter:
    annotators: list[str] | None = None  # None: everyone
    labels: list[str] | None = None  # "claim" keeps every claim; "claim/statistical" only that sub-type
    statuses: list[Status] | None = None  # keep documents any chosen annotator has in one of these states
    documents: list[str] | None = None  # uuids
    collections: list[str] | None = None  # names
    gold_only: bool = False  # only the adjudicated layer (annotators of kind gold)

    def selection(self) -> Selection:
        return Selection(
            documents=self.documents,
            collections=self.collections,
            annotators=self.annotators,
            labels=self.labels,
            statuses=self.statuses,
            gold_only=self.gold_only,
        )


def parse_statuses(names: list[str] | None) -> list[Status] | None:
    """Statuses from their names ("done", "in progress" and "in-progress" too), with a clear error."""
    if names is None:
        return None
    found = []
    for name in names:
        key = name.strip().lower().replace(" ", "_").replace("-", "_")
        try:
            found.append(Status(key))
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise InputError(f"unknown status '{name}'; known: {known}") from None
    return found


@dataclass
class ExportReport:
    documents: int = 0
    annotations: int = 0
    path: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportChoices:
    """What the filters can offer: the project's annotators, used labels, collections."""

    annotators: list[str]
    gold_annotators: list[str]
    labels: list[str]
    collections: list[str]


def choices(project: Project) -> ExportChoices:
    people = project.annotators()
    with project.transaction() as session:
        return ExportChoices(
            annotators=[a.name for a in people],
            gold_annotators=[a.name for a in people if a.kind.value == "gold"],
            labels=selection.used_labels(session),
            collections=stored_collections.names(session),
        )


def count(project: Project, filters: ExportFilter | None = None) -> tuple[int, int]:
    """(documents, annotations) an export with these filters would write: the preview the dialog shows."""
    with project.transaction() as session:
        return selection.count(session, (filters or ExportFilter()).selection())


def bundles(
    project: Project, filters: ExportFilter | None = None, progress: Progress | None = None
) -> Iterator[DocumentBundle]:
    """The selected documents with their kept annotations, relations (both ends kept) and statuses."""
    chosen = (filters or ExportFilter()).selection()
    with project.transaction() as session:
        doc_ids = selection.document_ids(session, chosen)
        keep_people = selection.annotator_ids(session, chosen)
        names = annotations.Names.read(session)
        done = 0
        for start in range(0, len(doc_ids), BATCH_DOCUMENTS):
            ids = doc_ids[start : start + BATCH_DOCUMENTS]
            kept = selection.annotation_where(session, chosen, ids)
            docs = documents.batch(session, ids)
            names.documents.update((row_id, doc.uuid) for row_id, doc in docs)
            found = annotations.by_document(annotations.decode(annotations.raw_rows(session, kept), names))
            links = relations.of_documents(session, ids, kept)
            states = statuses.of_documents(session, ids, keep_people)
            for row_id, doc in docs:
                if progress is not None and progress(done, len(doc_ids)) is False:
                    raise ExportCancelled()
                done += 1
                yield DocumentBundle(doc, found.get(doc.uuid, []), links.get(row_id, []), states.get(row_id, {}))
        if progress is not None:
            progress(done, len(doc_ids))


def _prepared(
    project: Project, filters: ExportFilter | None, progress: Progress | None
) -> Iterator[tuple[Any, list[Any], list[Any], dict[str, Status]]]:
    """What bundles() gives, with annotations as plain records rather than objects (SQLite only)."""
    chosen = (filters or ExportFilter()).selection()
    with project.transaction() as session:
        total = len(selection.document_ids(session, chosen))
        done = 0
        for batch in export_records.iter_records(session, chosen):
            for item in batch:
                if progress is not None and progress(done, total) is False:
                    raise ExportCancelled()
                done += 1
                yield item.document, item.annotations, item.relations, item.statuses
        if progress is not None:
            progress(done, total)


# writers of the fast path, each writing exactly what the format's own writer writes (tests compare the two)
_FAST_WRITERS: dict[str, Any] = {
    "jsonl": lambda items, path, options: jsonl.write_prepared(items, path),
    "csv": csv_export.write_prepared,
}


def export(
    project: Project,
    format_name: str,
    out: Path,
    filters: ExportFilter | None = None,
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
) -> ExportReport:
    fmt = registry.get(format_name)
    if fmt.write is None:
        raise InputError(f"format '{format_name}' cannot be exported")
    out = Path(out)
    if fmt.folder and out.exists() and not out.is_dir():
        raise InputError(f"format '{format_name}' writes a folder, but this is a file", str(out))
    if not fmt.folder and out.is_dir():
        raise InputError(f"format '{format_name}' writes one file, but this is a folder", str(out))
    report = ExportReport(path=str(out))
    with project.transaction() as session:
        fast_records = export_records.records_supported(session)
    write_options = WriteOptions(extra={"scheme": project.scheme, **(options or {})})

    exported: list[str] = []

    def counted_records() -> Iterator[tuple[Any, list[Any], list[Any], dict[str, Status]]]:
        for item in _prepared(project, filters, progress):
            exported.append(item[0].uuid)
            report.documents += 1
            report.annotations += len(item[1])
            yield item

    def counted() -> Iterator[DocumentBundle]:
        for bundle in bundles(project, filters, progress):
            exported.append(bundle.document.uuid)
            report.documents += 1
            report.annotations += len(bundle.annotations)
            yield bundle

    target = out if fmt.folder else out.with_name(f".{out.name}.part")
    try:
        if fmt.folder:
            out.mkdir(parents=True, exist_ok=True)
        with cycle_collection_paused():
            if fmt.name in _FAST_WRITERS and fast_records:
                _FAST_WRITERS[fmt.name](counted_records(), target, write_options)
            else:
                fmt.write(counted(), target, write_options)
        if not fmt.folder:
            os.replace(target, out)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(out)) from None
    finally:
        if not fmt.folder and target.exists():
            target.unlink()
    report.notes += write_options.extra.get("notes", [])
    _write_provenance(project, filters or ExportFilter(), exported, out, fmt.folder, report)
    return report


def _write_provenance(
    project: Project, filters: ExportFilter, exported: list[str], out: Path, folder: bool, report: ExportReport
) -> None:
    """The gold layer travels with its provenance: who decided each unit, when, from which sources, and why.

    Written beside the export (OUT.provenance.json, or provenance.json inside a folder export), in every format,
    whenever gold annotations are part of the export and adjudication records exist for its documents."""
    gold_names = {a.name for a in project.annotators() if a.kind.value == "gold"}
    with_gold = filters.gold_only or filters.annotators is None or bool(gold_names & set(filters.annotators))
    records = adjudication.provenance(project, exported) if with_gold and exported else {}
    if not records:
        return
    target = out / "provenance.json" if folder else out.with_name(f"{out.stem}.provenance.json")
    try:
        target.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    decisions = sum(len(r) for r in records.values())
    report.notes.append(f"provenance of {decisions} gold decisions written to {target}")
