"""Bringing files into a project: each file is one transaction, so a document is never half-imported."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core import changes
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Document, new_uuid
from annotator.formats import registry, table
from annotator.formats.archive import JUNK_PARTS, check_zip, extract_zip, is_zip
from annotator.formats.fidelity import FORMAT_NAMES, Fidelity
from annotator.formats.limits import MAX_ZIP_DEPTH
from annotator.formats.registry import DocumentBundle, ReadOptions
from annotator.services import bulk_storing, interchange, label_mapping
from annotator.services.memory import cycle_collection_paused
from annotator.services.project import Project
from annotator.store import annotation_imports, change_log, collections, documents

log = logging.getLogger(__name__)


ProgressFn = Callable[[int, str], bool]
ROWS_PER_TICK = 500  # a batch file reports progress, and can be cancelled, every this many rows
BATCH = 500  # plain documents are checked for duplicates and stored this many at a time


@dataclass
class ImportReport:
    imported: list[tuple[str, str]] = field(default_factory=list)  # (source, document uuid)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, uuid of the document it repeats)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    annotations: int = 0
    notes: list[str] = field(default_factory=list)  # spans re-anchored, attributes kept in notes, ...
    titles: dict[str, str] = field(default_factory=dict)  # uuid -> title of each document a duplicate repeats
    cancelled: bool = False
    fidelity: Fidelity = field(default_factory=Fidelity)  # what the files' formats kept and left out
    checked: bool = False  # import --check: files were read, nothing was stored

    def merge(self, other: ImportReport) -> None:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.annotations += other.annotations
        self.notes += other.notes
        self.titles.update(other.titles)
        self.cancelled = self.cancelled or other.cancelled
        self.fidelity.merge(other.fidelity)

    def summary(self) -> str:
        if self.checked:
            return (
                f"checked: {len(self.imported)} documents and {self.annotations} annotations read, "
                f"{len(self.failed)} files failed; nothing was stored"
            )
        return (
            f"{len(self.imported)} imported, {len(self.duplicates)} duplicates skipped, {len(self.failed)} failed"
            + (f", {self.annotations} annotations" if self.annotations else "")
            + ("; cancelled before the end" if self.cancelled else "")
        )


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(root).parts) and path.name not in JUNK_PARTS


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to import: the paths given, with folders walked recursively (hidden files left out).
    A .zip stays one path here; import_paths unpacks it (count_files counts what is inside)."""
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and _visible(p, path))
        else:
            yield path


def count_files(paths: Iterable[Path], format_name: str | None = None) -> int:
    """How many files import_paths will read (the members of zip archives included), for a progress bar."""
    total = 0
    for unit in import_units(paths, format_name):
        if unit.is_file() and is_zip(unit):
            try:
                total += len([i for i in check_zip(unit) if _visible(Path(i.filename), Path())]) or 1
            except InputError:
                total += 1
        else:
            total += 1
    return total


def import_paths(
    project: Project,
    paths: Iterable[Path],
    actor: str,
    format_name: str | None = None,
    options: ReadOptions | None = None,
    progress: ProgressFn | None = None,
    collection: str | None = None,
    file_options: Mapping[Path, ReadOptions] | None = None,
    check: bool = False,
) -> ImportReport:
    """Import files, folders and zip archives (recursively); each file is one transaction.

    progress(done, name) is called before each file, and every ROWS_PER_TICK rows of a batch file; returning
    False cancels (the file being read is rolled back). collection: put the imported documents, and the ones
    that duplicates repeat, in this collection. file_options: options for particular paths (a table's mapping).
    check: read every file and report what it holds and what its format keeps (report.fidelity), storing nothing.
    """
    run = _Run(project, actor, format_name, options or ReadOptions(), progress, collection, file_options or {})
    run.check = run.report.checked = check
    label_mapping.parse_label_map(run.options.extra.get("label_map"))  # a bad map fails before any file
    with cycle_collection_paused():
        run.paths(list(paths), depth=0)
    return run.report


class _Cancelled(Exception):
    pass


class _Run:
    """One import: walks the paths, reads each file in its own transaction, and keeps the report."""

    def __init__(
        self,
        project: Project,
        actor: str,
        format_name: str | None,
        options: ReadOptions,
        progress: ProgressFn | None,
        collection: str | None,
        file_options: Mapping[Path, ReadOptions],
    ):
        self.project, self.actor, self.format_name, self.options = project, actor, format_name, options
        self.progress, self.collection, self.file_options = progress, collection, file_options
        self.label_map = label_mapping.parse_label_map(options.extra.get("label_map"))
        self.report = ImportReport()
        self.done = 0
        self.aliases: list[tuple[str, str]] = []  # (unpacked folder, the archive name shown instead)
        self.check = False  # read only (import --check)
        self.added_labels: set[str] = set()  # labels this import added to the scheme (label map "new")

    def shown(self, text: str) -> str:
        for folder, name in reversed(self.aliases):
            text = text.replace(folder, name)
        return text

    def tick(self, name: str) -> bool:
        if self.progress is not None and self.progress(self.done, name) is False:
            self.report.cancelled = True
        return not self.report.cancelled

    def paths(self, paths: list[Path], depth: int) -> None:
        for path in paths:
            if self.report.cancelled:
                return
            if path.is_dir() and folder_format(path, self.format_name) is None:
                files = list(expand([path]))
                if not files and depth == 0:
                    self.report.failed.append((str(path), f"{path}: the folder holds no files to import"))
                for file in files:
                    self.file(file, depth)
                    if self.report.cancelled:
                        return
            else:
                self.file(path, depth)

    def file(self, path: Path, depth: int) -> None:
        name = self.shown(str(path))
        if is_zip(path) and path.is_file() and (self.format_name is None or not registry.get(self.format_name).folder):
            self.archive(path, name, depth)
            return
        if not self.tick(name):
            return
        self.done += 1
        this_file = ImportReport()  # counted only once the file's transaction has committed
        try:
            if not path.exists():
                raise InputError("no such file or folder", name)
            fmt = folder_format(path, self.format_name)
            fmt = fmt or (registry.get(self.format_name) if self.format_name else registry.detect(path))
            if fmt.read is None:
                raise InputError(f"format '{fmt.name}' cannot be imported", name)
            options = self.file_options.get(path, self.options)
            options.extra["notes"] = this_file.notes  # readers add what they fixed or left out
            options.fidelity, options.scheme_labels = this_file.fidelity, []
            if self.check:
                self.check_file(fmt, path, options, this_file)
            else:
                with self.project.transaction() as session:
                    self.read(session, fmt, path, options, this_file, name)
                    self.log_file(session, fmt.name, name, this_file)
                    annotation_imports.bulk_writes_done(session)
            self.report.merge(this_file)
        except _Cancelled:
            self.report.cancelled = True
        except AnnotatorError as exc:
            self.project.forget_scheme()  # labels a label map added were rolled back with the file
            self.report.failed.append((name, self.shown(str(exc))))
        except Exception as exc:  # a reader's bug must not stop the other files; the file is rolled back
            log.exception("import of %s failed", name)
            self.project.forget_scheme()
            self.report.failed.append((name, f"{name}: cannot be read ({type(exc).__name__}: {exc})"))

    def log_file(self, session: Any, fmt: str, name: str, report: ImportReport) -> None:
        """One record for the file: what it brought, and what its format kept and left out (the fidelity report),
        so that the change log says of every import what was not kept."""
        summary = {
            "file": name,
            "format": fmt,
            "documents": len(report.imported),
            "duplicates": len(report.duplicates),
            "annotations_added": report.annotations,
            "fidelity": report.fidelity.to_dict(),
        }
        change_log.append(session, [changes.created(changes.FILE, new_uuid(), None, summary, self.actor)])

    def read(
        self, session: Any, fmt: registry.Format, path: Path, options: ReadOptions, report: ImportReport, name: str
    ) -> None:
        plain: list[DocumentBundle] = []
        annotated: list[DocumentBundle] = []  # stored in bulk (services/bulk_storing.py), plain ones first
        to_place: list[DocumentBundle] = []  # with collections or format data: placed once stored

        def flush() -> None:
            _store_plain(session, plain, self.actor, report)
            bulk_storing.store_annotated(self.project, session, annotated, self.actor, report)
            annotated.clear()
            interchange.place(session, to_place, self.actor, report.fidelity)
            to_place.clear()

        def adopt_codebook() -> None:
            if options.scheme_labels:
                labels, options.scheme_labels = options.scheme_labels, []
                interchange.adopt_codebook(
                    self.project, session, fmt.name, labels, self.label_map, report.fidelity, self.actor
                )

        rows = 0
        for bundle in fmt.read(path, options):
            adopt_codebook()  # a code book read with the file's first document is in the scheme before any coding
            bundle = self.relabel(bundle)
            offered = len(bundle.annotations)
            scheme = self.project.scheme
            if self.label_map.entries:  # labels a map may add ("new") take all the attributes the file gives them
                interchange.widen_added_labels(self.project, session, bundle, self.added_labels, self.actor)
                scheme = self.project.scheme
            bundle = label_mapping.prepare(self.project, session, bundle, self.label_map, report.notes, self.actor)
            if self.label_map.entries and self.project.scheme is not scheme:
                self.added_labels |= interchange.labels_added(scheme, self.project.scheme)
            report.fidelity.leave_out(fmt.name, "annotation the label map skips", offered - len(bundle.annotations))
            if bundle.collections or any(key in bundle.document.metadata for key in FORMAT_NAMES):
                to_place.append(bundle)
            batch = annotated if bundle.annotations or bundle.relations or bundle.status else plain
            batch.append(bundle)
            if len(batch) >= BATCH:
                flush()
            rows += 1
            if rows % ROWS_PER_TICK == 0 and not self.tick(f"{name} ({rows} rows)"):
                raise _Cancelled
        adopt_codebook()
        if rows == 0 and not report.notes and not report.fidelity and path.is_file() and path.stat().st_size > 0:
            # e.g. a table cut short after its header: say so rather than report a silent success
            raise InputError(f"holds no documents to import (read as {fmt.name})", name)
        flush()
        if self.collection:
            members = [uuid for _, uuid in report.imported + report.duplicates]
            if members:
                collections.add_members(session, self.collection, members, self.actor)

    def check_file(self, fmt: registry.Format, path: Path, options: ReadOptions, report: ImportReport) -> None:
        """import --check: read the file through its reader and count, storing nothing (no transaction)."""
        unknown: set[str] = set()
        for bundle in fmt.read(path, options):
            bundle = self.relabel(bundle)
            report.imported.append((_where(bundle), bundle.document.uuid))
            report.annotations += len(bundle.annotations)
            labels, relations = label_mapping.unknown_names(self.project.scheme, [bundle])
            unknown.update(labels + [f"relation {r}" for r in relations])
        if unknown and not self.label_map.entries:
            report.notes.append(f"{path}: the scheme lacks {', '.join(sorted(unknown))} (give --label-map)")
        codes = [lab for lab in options.scheme_labels if not interchange.in_scheme(self.project.scheme, lab)]
        if codes:
            report.notes.append(
                f"{path}: {len(codes)} codes of its code book are not in the scheme (--label-map new adds them)"
            )

    def relabel(self, bundle: DocumentBundle) -> DocumentBundle:
        """Documents read from an unpacked archive name the archive, not the temporary folder."""
        doc = bundle.document
        if not self.aliases:
            return bundle
        metadata = {k: self.shown(v) if k == "file" and isinstance(v, str) else v for k, v in doc.metadata.items()}
        bundle.document = replace(doc, source=self.shown(doc.source), metadata=metadata)
        return bundle

    def archive(self, path: Path, name: str, depth: int) -> None:
        try:
            if depth >= MAX_ZIP_DEPTH:
                raise InputError(f"zip archives nested more than {MAX_ZIP_DEPTH} deep are refused", name)
            with tempfile.TemporaryDirectory(prefix="annotator-zip-") as folder:
                try:
                    extract_zip(path, Path(folder))
                except InputError as exc:
                    raise InputError(exc.reason, name) from None
                self.aliases.append((folder, name))
                try:
                    self.paths([Path(folder)], depth + 1)
                finally:
                    self.aliases.pop()
        except InputError as exc:
            self.report.failed.append((name, str(exc)))


def _where(bundle: DocumentBundle) -> str:
    """How the report names a document: file and row for a batch, the file for a web page (whose source is its
    URL), else its source or title."""
    meta = bundle.document.metadata
    if meta.get("file") and meta.get("row"):
        return f"{meta['file']}:{meta['row']}"
    return str(meta.get("file") or bundle.document.source or bundle.document.title)


def _store_plain(session: Any, bundles: list[DocumentBundle], actor: str, report: ImportReport) -> None:
    """Store documents that carry no annotations, checking a whole batch for duplicates in one query."""
    if not bundles:
        return
    known = documents.by_hash(session, [b.document.sha256 for b in bundles])
    new: list[Document] = []
    for bundle in bundles:
        doc = bundle.document
        hit = known.get(doc.sha256)
        if hit is not None:
            report.duplicates.append((_where(bundle), hit[0]))
            report.titles[hit[0]] = hit[1]
            continue
        known[doc.sha256] = (doc.uuid, doc.title)  # the same text later in this file is a duplicate too
        new.append(doc)
        report.imported.append((_where(bundle), doc.uuid))
    documents.insert_many(session, new, actor)
    bundles.clear()


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


# -- what the import dialog shows before anything is stored ---------------------------------------------


def is_table(path: Path) -> bool:
    """A batch file (CSV, TSV, JSON, JSONL) whose columns are mapped to fields; the native JSONL is not one."""
    if not table.is_table(path) or not path.is_file():
        return False
    try:
        return registry.detect(path).name in ("articles-csv", "articles-json")
    except InputError:
        return False


def preview_table(path: Path, mapping: dict[str, str] | None = None) -> table.TablePreview:
    return table.preview(path, ReadOptions(mapping=dict(mapping or {})))


def readable_formats() -> list[tuple[str, str]]:
    """(name, description) of every format that can be imported."""
    return [(f.name, f.description) for f in registry.formats() if f.read]
