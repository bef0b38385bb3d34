"""The registry of file formats: each module registers its reader and/or writer with a decorator.

Readers turn a file into DocumentBundles (core objects, no database); writers turn bundles into files.
The services decide what to store and what to export; formats never touch the database.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Relation, Status
from annotator.core.scheme import Label
from annotator.formats.fidelity import Fidelity


@dataclass
class DocumentBundle:
    """A document with the annotations, relations and statuses that travel with it."""

    document: Document
    annotations: list[Annotation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    status: dict[str, Status] = field(default_factory=dict)  # annotator name -> status
    collections: list[str] = field(default_factory=list)  # groups the source puts the document in (REFI-QDA sets)


@dataclass
class ReadOptions:
    annotator: str | None = None  # set the annotator of imported work (None keeps the file's)
    mapping: dict[str, str] = field(default_factory=dict)  # our field -> the file's column name
    full_text: bool = False  # HTML: keep the whole page text, not just the extracted article
    reanchor: bool = False  # move a span whose offsets miss its text to the nearest occurrence (each move listed)
    extra: dict[str, Any] = field(default_factory=dict)
    # what readers report back: the fidelity report, and labels the file defines (a code book) whether used or not
    fidelity: Fidelity = field(default_factory=Fidelity)
    scheme_labels: list[Label] = field(default_factory=list)


@dataclass
class WriteOptions:
    extra: dict[str, Any] = field(default_factory=dict)


Reader = Callable[[Path, ReadOptions], Iterator[DocumentBundle]]
Writer = Callable[[Iterable[DocumentBundle], Path, WriteOptions], int]
Sniffer = Callable[[Path, bytes], bool]


@dataclass
class Format:
    name: str
    extensions: tuple[str, ...]
    description: str = ""
    sniff: Sniffer | None = None
    read: Reader | None = None
    write: Writer | None = None
    folder: bool = False  # reads or writes a whole folder (brat, PTC) rather than one file


_FORMATS: dict[str, Format] = {}


def _entry(name: str, extensions: Iterable[str], description: str, sniff: Sniffer | None, folder: bool) -> Format:
    fmt = _FORMATS.setdefault(name, Format(name, tuple(e.lower().lstrip(".") for e in extensions), description))
    fmt.sniff = sniff or fmt.sniff
    fmt.description = description or fmt.description
    fmt.folder = folder or fmt.folder
    return fmt


def reader(
    name: str, extensions: Iterable[str] = (), description: str = "", sniff: Sniffer | None = None, folder: bool = False
) -> Callable[[Reader], Reader]:
    def register(func: Reader) -> Reader:
        _entry(name, extensions, description, sniff, folder).read = func
        return func

    return register


def writer(
    name: str, extensions: Iterable[str] = (), description: str = "", folder: bool = False
) -> Callable[[Writer], Writer]:
    def register(func: Writer) -> Writer:
        _entry(name, extensions, description, None, folder).write = func
        return func

    return register


_loaded = False


def load_all() -> None:
    """Import every module of this package so that their decorators run (once: detect() calls it per file)."""
    global _loaded
    if _loaded:
        return
    import annotator.formats as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "registry":
            importlib.import_module(f"annotator.formats.{info.name}")
    _loaded = True


def formats() -> list[Format]:
    load_all()
    return sorted(_FORMATS.values(), key=lambda f: f.name)


def get(name: str) -> Format:
    load_all()
    if name not in _FORMATS:
        raise InputError(f"unknown format '{name}'; known: {', '.join(sorted(_FORMATS))}")
    return _FORMATS[name]


def detect(path: Path) -> Format:
    """The reader for path: by a sniffer that recognises the content, else by extension.

    By extension, formats without a sniffer come first: one with a sniffer has already looked and said no
    (a plain .jsonl of articles is not the native format just because it shares the extension).
    A folder is read by a folder format whose sniffer recognises it (called with empty bytes), or not at all.
    """
    if path.is_dir():
        found = detect_folder(path)
        if found is None:
            raise InputError("no importer recognises this folder", str(path))
        return found
    load_all()
    readers = [f for f in _FORMATS.values() if f.read]
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    for fmt in readers:
        if fmt.sniff and fmt.sniff(path, head):
            return fmt
    suffix = path.suffix.lower().lstrip(".")
    by_extension = [fmt for fmt in readers if suffix in fmt.extensions and not fmt.folder]
    by_extension.sort(key=lambda fmt: fmt.sniff is not None)
    if by_extension:
        return by_extension[0]
    raise InputError(f"no importer for '.{suffix}' files", str(path))


def detect_folder(path: Path) -> Format | None:
    """The folder format that recognises path as one unit (a brat or PTC folder), if any."""
    load_all()
    for fmt in _FORMATS.values():
        if fmt.read and fmt.folder and fmt.sniff and fmt.sniff(path, b""):
            return fmt
    return None
