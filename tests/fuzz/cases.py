"""Generated bad input for every importer, and the check that each gives a clear error and changes nothing.

A seed is a small valid file (or folder) per format, written by the format's own writer where it has one;
mutations break it the ways real files break: random bytes, truncation, flipped bytes, the wrong encoding,
huge lines, NUL bytes, numbers (offsets) out of range, span text that no longer matches, broken structure.
Each case goes through services.importing.import_paths with the format forced, as the CLI and GUI do.
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.formats import registry
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions
from annotator.services import importing
from annotator.services.project import Project

TEXT = "The minister said taxes will rise.\nCritics call it a disgrace, and «unfair» 😀.\n"
WORDS = ("minister", "taxes", "rise", "Critics", "disgrace", "unfair")


def _bundle() -> DocumentBundle:
    doc = Document(TEXT, title="Fuzz seed", uuid="00000000-0000-4000-8000-000000000001")
    claim = Annotation(
        doc.uuid, "alice", "claim", (Fragment(18, 33),), "prediction", uuid="00000000-0000-4000-8000-000000000002"
    )
    source = Annotation(
        doc.uuid, "alice", "attribution", (Fragment(0, 12),), "source", uuid="00000000-0000-4000-8000-000000000003"
    )
    opinion = Annotation(doc.uuid, "alice", "opinion", (Fragment(49, 58),), uuid="00000000-0000-4000-8000-000000000004")
    rel = Relation("attributed_to", claim.uuid, source.uuid, "alice", uuid="00000000-0000-4000-8000-000000000005")
    return DocumentBundle(doc, [claim, source, opinion], [rel])


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    document.save(path)


def _pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 10, "The minister said taxes will rise. Critics call it a disgrace.")
    pdf.output(str(path))


HAND_MADE: dict[str, Callable[[Path], Path]] = {}


def _hand(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def register(func: Callable[[Path], Path]) -> Callable[[Path], Path]:
        HAND_MADE[name] = func
        return func

    return register


@_hand("articles-csv")
def _articles_csv(folder: Path) -> Path:
    path = folder / "articles.csv"
    rows = ["title,outlet,text", '"Taxes",Daily,"The minister said taxes will rise."', 'B,Weekly,"Critics, ""unfair"""']
    path.write_text("\n".join(rows) + "\n")
    return path


@_hand("articles-json")
def _articles_json(folder: Path) -> Path:
    path = folder / "articles.json"
    path.write_text('[{"title": "Taxes", "text": "The minister said taxes will rise."}, {"title": "B", "text": "x y"}]')
    return path


@_hand("text")
def _text(folder: Path) -> Path:
    path = folder / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@_hand("html")
def _html(folder: Path) -> Path:
    path = folder / "page.html"
    paragraphs = "".join(f"<p>{line} {line}</p>" for line in TEXT.splitlines())
    path.write_text(
        f"<html><head><title>Taxes</title></head><body><article><h1>Taxes</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    return path


@_hand("basil")
def _basil(folder: Path) -> Path:
    import json

    root = folder / "basil"
    (root / "articles" / "2020").mkdir(parents=True)
    (root / "annotations" / "2020").mkdir(parents=True)
    article = {"uuid": "a1", "title": "Taxes rise", "body-paragraphs": [["The minister said taxes will rise."]]}
    (root / "articles" / "2020" / "a1.json").write_text(json.dumps(article))
    phrases = [{"id": "p0", "txt": "taxes will rise", "bias": "lex", "start": 18, "end": 33}]
    (root / "annotations" / "2020" / "a1_ann.json").write_text(json.dumps({"phrase-level-annotations": phrases}))
    return root


@_hand("docx")
def _docx_seed(folder: Path) -> Path:
    path = folder / "article.docx"
    _docx(path)
    return path


@_hand("pdf")
def _pdf_seed(folder: Path) -> Path:
    path = folder / "article.pdf"
    _pdf(path)
    return path


@dataclass
class Seed:
    fmt: str
    root: Path  # what is imported: a file, or a folder for folder formats
    targets: list[Path]  # the files inside root that mutations may break (root itself for a single file)


def make_seeds(folder: Path) -> dict[str, Seed]:
    """One seed per format that can be read."""
    seeds: dict[str, Seed] = {}
    for fmt in registry.formats():
        if fmt.read is None:
            continue
        home = folder / fmt.name
        home.mkdir(parents=True)
        if fmt.name in HAND_MADE:
            root = HAND_MADE[fmt.name](home)
        elif fmt.write is not None:
            root = home / ("out" if fmt.folder else f"seed.{fmt.extensions[0]}")
            fmt.write([_bundle()], root, WriteOptions())
        else:
            raise AssertionError(f"no fuzz seed for format {fmt.name}: add one to tests/fuzz/cases.py")
        targets = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        seeds[fmt.name] = Seed(fmt.name, root, targets)
    return seeds


# -- mutations ---------------------------------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]


def random_bytes(_data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice([0, 1, 7, 100, 2000]))


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def wrong_encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    return text.encode(rng.choice(["utf-16", "utf-16-be", "utf-32", "cp1252", "shift_jis", "latin-1"]), "replace")


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + rng.choice([b"\xff\xfe\xfd", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + data[cut:]


def huge_line(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(len(data) + 1)
    line = rng.choice([b"x", b"\xf0\x9f\x98\x80", b"a,", b"{"]) * rng.choice([70_000, 400_000])
    return data[:cut] + line + data[cut:]


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + b"\x00" * rng.randint(1, 50) + data[cut:]


_NUMBER = re.compile(rb"-?\d+")


def numbers(data: bytes, rng: random.Random) -> bytes:
    """Offsets and counts out of range: negative, past the end, enormous, not numbers at all."""
    found = list(_NUMBER.finditer(data))
    if not found:
        return flip(data, rng)
    out = data
    for match in sorted(rng.sample(found, min(len(found), rng.randint(1, 3))), key=lambda m: -m.start()):
        value = rng.choice([b"-1", b"-999", b"0", b"99999", b"9" * 30, b"1e308", b"NaN", b"3.5", b"0x10", b""])
        out = out[: match.start()] + value + out[match.end() :]
    return out


def span_text(data: bytes, rng: random.Random) -> bytes:
    """A quoted span (or the text under it) no longer matches: a word changed where it appears."""
    present = [w.encode() for w in WORDS if w.encode() in data]
    if not present:
        return flip(data, rng)
    word = rng.choice(present)
    positions = [m.start() for m in re.finditer(re.escape(word), data)]
    at = rng.choice(positions)
    replacement = bytes(rng.choice(b"qzjxkw") for _ in word)
    return data[:at] + replacement + data[at + len(word) :]


def structure(data: bytes, rng: random.Random) -> bytes:
    """Break the syntax: drop a delimiter, add an unbalanced one, an XML entity bomb, a junk record."""
    delimiters = [i for i, b in enumerate(data) if b in b'{}[]",\t<>:\n=']
    choice = rng.randrange(6)
    if choice == 0 and delimiters:
        at = rng.choice(delimiters)
        return data[:at] + data[at + 1 :]
    if choice == 1:
        cut = rng.randrange(len(data) + 1)
        return data[:cut] + rng.choice([b'"', b"{", b"[", b"<", b"\t", b"\r", b"]]>"]) + data[cut:]
    if choice == 2:
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c SYSTEM "file:///etc/passwd">]><r>&b;&c;</r>'
        )
        return bomb + data if rng.random() < 0.5 else data.replace(b"<", bomb[:0] + b"<", 1)
    if choice == 3:
        return data + rng.choice(
            [
                b"\nT9\tclaim 5 x\tfoo\n",
                b"\n#Text=\n1-1\t0-99999\tx\n",
                b'\n{"text": 5}\n',
                b'\n"unterminated, row\n',
                b"\n\x00\x01\x02\n",
            ]
        )
    if choice == 4:
        lines = data.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines)
    half = len(data) // 2
    return data[:half] * rng.randint(2, 5)


MUTATIONS: dict[str, Mutation] = {
    f.__name__: f
    for f in (
        random_bytes,
        truncate,
        flip,
        wrong_encoding,
        invalid_utf8,
        huge_line,
        nul_bytes,
        numbers,
        span_text,
        structure,
    )
}


# -- running a case ----------------------------------------------------------------------------------------


@dataclass
class FuzzResult:
    cases: int = 0
    rejected: int = 0  # a clear error naming the file
    accepted: int = 0  # the mutation happened to leave a valid file: imported, that is fine
    db_changes: list[str] = field(default_factory=list)  # a rejected file changed the database
    unclear: list[str] = field(default_factory=list)  # an error that does not name the file, or no word at all
    crashes: list[str] = field(default_factory=list)  # another exception than InputError (a reader bug)
    by_mutation: dict[str, int] = field(default_factory=dict)


class _Crashes(logging.Handler):
    """import_paths logs (and reports) any exception that is not an AnnotatorError: that is a reader bug."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _fingerprint(path: Path) -> bytes:
    parts = [path.read_bytes()]
    wal = path.with_name(path.name + "-wal")
    parts.append(wal.read_bytes() if wal.exists() else b"")
    return b"\x00".join(parts)


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class Fuzzer:
    def __init__(self, folder: Path, seed: int = 0):
        self.folder = folder
        self.seeds = make_seeds(folder / "seeds")
        self.db_path = folder / "fuzz.sqlite"
        self.project = Project.open(self.db_path)
        self.rng = random.Random(seed)
        self.result = FuzzResult()
        self.crashes = _Crashes()
        self.options = ReadOptions(extra={"label_map": "new"})  # unknown labels become new ones: reach deeper
        self.work = folder / "cases"
        self.work.mkdir()

    def close(self) -> None:
        self.project.close()

    def case(self, fmt: str | None = None, mutation: str | None = None) -> None:
        seed = self.seeds[fmt or self.rng.choice(sorted(self.seeds))]
        name = mutation or self.rng.choice(sorted(MUTATIONS))
        n = self.result.cases
        if n % 500 == 0 and self.db_path.stat().st_size > 20 * 2**20:  # accepted cases grow it: start afresh
            self.project.close()
            self.db_path.unlink()
            for side in ("-wal", "-shm"):
                self.db_path.with_name(self.db_path.name + side).unlink(missing_ok=True)
            self.project = Project.open(self.db_path)
        case_root = self.work / f"{n}-{seed.fmt}-{name}"
        if seed.root.is_dir():
            shutil.copytree(seed.root, case_root)
            target = case_root / self.rng.choice(seed.targets).relative_to(seed.root)
        else:
            case_root.mkdir()
            case_root = target = case_root / seed.root.name
            shutil.copy(seed.root, target)
        target.write_bytes(MUTATIONS[name](target.read_bytes(), self.rng))
        self.run(seed.fmt, name, case_root, empty=target.stat().st_size == 0)
        shutil.rmtree(case_root if case_root.is_dir() else case_root.parent, ignore_errors=True)

    def run(self, fmt: str, mutation: str, path: Path, empty: bool = False) -> None:
        result = self.result
        result.cases += 1
        result.by_mutation[mutation] = result.by_mutation.get(mutation, 0) + 1
        _checkpoint(self.db_path)  # the main file then holds everything, so its bytes are the "before"
        before = _fingerprint(self.db_path)
        logger = logging.getLogger("annotator.services.importing")
        logger.addHandler(self.crashes)
        self.crashes.records.clear()
        label = f"{fmt}/{mutation} {path}"
        try:
            report = importing.import_paths(self.project, [path], "fuzzer", fmt, self.options)
        except Exception as exc:  # noqa: BLE001 - anything escaping import_paths is a finding
            result.crashes.append(f"{label}: escaped import_paths: {type(exc).__name__}: {exc}")
            return
        finally:
            logger.removeHandler(self.crashes)
        if self.crashes.records:
            record = self.crashes.records[0]
            kind = f"{record.exc_info[0].__name__}: {record.exc_info[1]}" if record.exc_info else record.getMessage()
            result.crashes.append(f"{label}: {kind}")
        if not report.failed and (report.imported or report.duplicates or empty):
            result.accepted += 1  # a valid file after all (an empty JSONL file holds no records: nothing to do)
            return
        result.rejected += 1
        reasons = [reason for _, reason in report.failed]
        case_dir = str(path if path.is_dir() else path.parent)
        if not reasons or not all(case_dir in r for r in reasons):
            result.unclear.append(f"{label}: {reasons}")
        if _fingerprint(self.db_path) != before and _dump_changed(self.db_path, before):
            result.db_changes.append(label)


def _checkpoint(path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _dump_changed(path: Path, before: bytes) -> bool:
    """The bytes differ: compare the logical contents (iterdump) of the file before (whose WAL was empty, see
    _checkpoint) and now."""
    main = before.rpartition(b"\x00")[0]
    snapshot = path.with_name("before-" + path.name)
    snapshot.write_bytes(main)
    try:
        return _dump(snapshot) != _dump(path)
    finally:
        snapshot.unlink(missing_ok=True)
