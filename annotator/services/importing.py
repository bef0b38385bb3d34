"""Bringing files into a project: each file is one transaction, so a document is never half-imported."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Status
from annotator.formats import registry
from annotator.formats.registry import DocumentBundle, ReadOptions
from annotator.services import label_mapping
from annotator.services.annotating import store_annotation, store_relation
from annotator.services.documents import add_document
from annotator.services.project import Project
from annotator.store import repo


@dataclass
class ImportReport:
    imported: list[tuple[str, str]] = field(default_factory=list)  # (source, document uuid)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, uuid of the document it repeats)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    annotations: int = 0
    notes: list[str] = field(default_factory=list)  # spans re-anchored, attributes kept in notes, ...

    def merge(self, other: ImportReport) -> None:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.annotations += other.annotations
        self.notes += other.notes

    def summary(self) -> str:
        return (
            f"{len(self.imported)} imported, {len(self.duplicates)} duplicates skipped, {len(self.failed)} failed"
            + (f", {self.annotations} annotations" if self.annotations else "")
        )


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to import: the paths given, with folders walked recursively (hidden files left out)."""
    for path in paths:
        if path.is_dir():
            yield from (
                p for p in sorted(path.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.parts)
            )
        else:
            yield path


def import_paths(
    project: Project,
    paths: Iterable[Path],
    actor: str,
    format_name: str | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[int, str], bool] | None = None,
) -> ImportReport:
    """Import files and folders. progress(done, name) is called per file; returning False cancels."""
    options = options or ReadOptions()
    report = ImportReport()
    label_map = label_mapping.parse_label_map(options.extra.get("label_map"))
    for done, path in enumerate(import_units(paths, format_name)):
        if progress is not None and progress(done, str(path)) is False:
            break
        try:
            if not path.exists():
                raise InputError("no such file or folder", str(path))
            fmt = folder_format(path, format_name)
            fmt = fmt or (registry.get(format_name) if format_name else registry.detect(path))
            if fmt.read is None:
                raise InputError(f"format '{fmt.name}' cannot be imported", str(path))
            this_file = ImportReport()  # counted only once the file's transaction has committed
            options.extra["notes"] = this_file.notes  # readers add what they fixed or left out
            with project.transaction() as session:
                for bundle in fmt.read(path, options):
                    bundle = label_mapping.prepare(project, session, bundle, label_map, this_file.notes)
                    _store_bundle(project, session, bundle, actor, this_file)
            report.merge(this_file)
        except AnnotatorError as exc:
            project.forget_scheme()  # labels a label map added were rolled back with the file
            report.failed.append((str(path), str(exc)))
    return report


def folder_format(path: Path, format_name: str | None) -> registry.Format | None:
    """The folder format (brat, PTC) that reads this folder whole: the one named, or one that recognises it."""
    if not path.is_dir():
        return None
    if format_name:
        fmt = registry.get(format_name)
        return fmt if fmt.folder else None
    return next((f for f in registry.formats() if f.folder and f.read and f.sniff and f.sniff(path, b"")), None)


def import_units(paths: Iterable[Path], format_name: str | None = None) -> Iterator[Path]:
    """What import_paths reads one by one: files, and folders that a folder format reads whole."""
    for path in paths:
        if folder_format(path, format_name) is not None:
            yield path
        else:
            yield from expand([path])


def _store_bundle(project: Project, session: object, bundle: DocumentBundle, actor: str, report: ImportReport) -> None:
    """Store a bundle. When its text is already in the project, its annotations join that document instead,
    skipping those already present (same uuid), so importing a file twice changes nothing."""
    source = bundle.document.source or bundle.document.title
    outcome = add_document(project, bundle.document, actor, session)
    target = outcome.document.uuid
    if outcome.duplicate_of is not None:
        report.duplicates.append((source, outcome.duplicate_of.uuid))
        target = outcome.duplicate_of.uuid
    else:
        report.imported.append((source, target))
    new = [replace(a, document=target) for a in bundle.annotations if not repo.annotation_exists(session, a.uuid)]
    for ann in new:
        store_annotation(project, session, ann, actor)
    report.annotations += len(new)
    stored = {a.uuid for a in new}
    for rel in bundle.relations:
        if rel.source in stored or rel.target in stored:
            store_relation(session, rel, target, actor)
    for annotator, status in bundle.status.items():
        if repo.get_status(session, target, annotator) is Status.NOT_STARTED:
            repo.set_status(session, target, annotator, status)


def add_to_collection(project: Project, name: str, document_uuids: list[str]) -> int:
    with project.transaction() as session:
        return repo.add_to_collection(session, name, document_uuids)
