"""brat standoff: a folder of <name>.txt + <name>.ann per document, with annotation.conf and visual.conf.

Layout: one folder per annotator (the folder's name is the annotator, unless --annotator sets one), as brat keeps
one collection per annotator. Reading takes a folder (all .ann files under it) or one .ann/.txt file.

Mapping: a text-bound annotation "T1<TAB>claim 10 25;30 41<TAB>text" is an annotation of the top label (brat type),
its fragments (discontinuous spans are ";"-separated), and the fragments' texts joined by one space; offsets are
code points of the .txt, exactly as stored (a byte-order mark counts as character 0). The sub-type is a brat
attribute "subtype" (A lines), other attributes are A lines too (yes/no as the values yes and no, so that "no"
survives; values with spaces are written with %20), the note is an AnnotatorNotes "#" line (line breaks as \\n),
relations are R lines "R1<TAB>attributed_to Arg1:T3 Arg2:T5" (Arg1 = from, Arg2 = to). A span whose text holds a
line break is written with the breaks shown as spaces in the .ann text field (brat's .ann is one line per
annotation); reading accepts that. Document-level annotations have no brat form and are left out (the export notes
how many). Reading other tools' files: an event E line becomes relations from its trigger to each argument (type =
the argument's role), N (normalisation) lines are added to the note, equivalences (*) are left out with a note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.core.scheme import Scheme
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, file_stem, fragment, imported, read_text, stable_uuid, write_text
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

SUBTYPE_ATTRIBUTE = "subtype"
_NOTE_ESCAPES = (("\\", "\\\\"), ("\r", "\\r"), ("\n", "\\n"), ("\t", "\\t"))


def _sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return any(path.glob("*.ann")) or any(path.glob("*/*.ann"))
    return path.suffix.lower() == ".ann"


# -- reading -------------------------------------------------------------------------------------------------


@reader("brat", extensions=("ann",), description="brat standoff (.txt + .ann)", sniff=_sniff, folder=True)
def read_brat(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if not any(part.startswith(".") for part in p.parts))
        if not anns:
            raise InputError("no .ann files in this folder", str(path))
    elif path.suffix.lower() in (".ann", ".txt"):
        anns = [path.with_suffix(".ann")]
    else:
        raise InputError("brat reads a folder, or a .ann file beside its .txt", str(path))
    for ann_path in anns:
        yield read_pair(ann_path.with_suffix(".txt"), ann_path, options)


def read_pair(txt: Path, ann_path: Path, options: ReadOptions) -> DocumentBundle:
    if not txt.exists():
        raise InputError(f"the text {txt.name} that this .ann annotates is missing", str(ann_path))
    text, encoding = read_text(txt)
    doc = Document(
        text=text,
        title=title_from(text, txt.stem),
        encoding=encoding,
        newline=newline_style(text),
        source=str(txt),
        metadata={"brat": {"name": txt.stem}},
    )
    annotator = options.annotator or ann_path.parent.name or "brat"
    lines = _lines(ann_path) if ann_path.exists() else []
    return _parse(doc, annotator, lines, str(ann_path), options)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


_SPAN = re.compile(r"^(\d+) (\d+)$")


def _parse(doc: Document, annotator: str, lines: list[str], where: str, options: ReadOptions) -> DocumentBundle:
    notes: list[str] = options.extra.setdefault("notes", [])
    ids = IdMaker(doc, "brat")
    spans: dict[str, dict] = {}  # brat id -> fields of the annotation being built
    links: list[tuple[str, str, str, int]] = []  # (type, from id, to id, line)
    triggers: dict[str, str] = {}  # event id -> its trigger's T id
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        key, _, rest = line.partition("\t")
        kind = key[:1]
        try:
            if kind == "T":
                spans[key] = _text_bound(doc.text, rest, where, number)
            elif kind == "R":
                name, *args = rest.split("\t")[0].split()
                roles = dict(a.split(":", 1) for a in args)
                links.append((name, roles["Arg1"], roles["Arg2"], number))
            elif kind == "E":
                trigger_type, *args = rest.split("\t")[0].split()
                trigger = trigger_type.split(":", 1)[1]
                triggers[key] = trigger
                for arg in args:
                    role, target = arg.split(":", 1)
                    links.append((role.rstrip("0123456789") or role, trigger, target, number))
            elif kind in ("A", "M"):
                name, target, *value = rest.split("\t")[0].split()
                owner = spans.get(triggers.get(target, target))
                if owner is None:
                    notes.append(f"{where}:{number}: attribute {name} of {target} left out (not a text span)")
                elif name == SUBTYPE_ATTRIBUTE and value:
                    owner["subtype"] = unquote(value[0])
                else:
                    owner["attributes"][name] = unquote(value[0]) if value else True
            elif kind == "#":
                head, _, note = rest.partition("\t")
                target = head.split()[1] if len(head.split()) > 1 else ""
                owner = spans.get(triggers.get(target, target))
                if owner is not None:
                    owner["notes"].append(_unescape(note))
            elif kind == "N":
                head, _, name = rest.partition("\t")
                _, target, reference = head.split()
                owner = spans.get(target)
                if owner is not None:
                    owner["notes"].append(f"Reference: {reference} {name}".strip())
            elif kind == "*":
                notes.append(f"{where}:{number}: equivalence left out (no equivalent here)")
            else:
                raise InputError(f"unknown brat line kind '{kind}'", where, number)
        except (ValueError, KeyError, IndexError):
            raise InputError(f"malformed brat line: {line[:80]!r}", where, number) from None
    annotations: dict[str, Annotation] = {}
    for key, fields in spans.items():
        name = fields["label"] + (f"/{fields['subtype']}" if fields.get("subtype") else "")
        annotations[key] = imported(
            doc,
            ids,
            annotator,
            name,
            fields["fragments"],
            attributes=fields["attributes"],
            note="\n".join(fields["notes"]),
        )
    relations = []
    for kind, source, target, number in links:
        source, target = triggers.get(source, source), triggers.get(target, target)
        if source not in annotations or target not in annotations:
            raise InputError(f"relation {kind} refers to {source} or {target}, which is not a span", where, number)
        a, b = annotations[source].uuid, annotations[target].uuid
        relations.append(Relation(kind, a, b, annotator, uuid=stable_uuid("brat-rel", a, b, kind)))
    return DocumentBundle(doc, list(annotations.values()), relations)


def _text_bound(text: str, rest: str, where: str, line: int) -> dict:
    head, _, covered = rest.partition("\t")
    label, _, offsets = head.partition(" ")
    fragments: list[Fragment] = []
    for piece in offsets.split(";"):
        match = _SPAN.match(piece.strip())
        if not match:
            raise InputError(f"bad offsets '{offsets}'", where, line)
        fragments.append(fragment(text, int(match[1]), int(match[2]), None, where, line))
    actual = " ".join(f.covered(text) for f in fragments)
    if covered != actual and covered != _flat(actual):
        raise InputError(f"span {offsets} covers {actual[:60]!r}, but the file says {covered[:60]!r}", where, line)
    return {"label": label, "fragments": fragments, "attributes": {}, "notes": [], "subtype": None}


def _flat(covered: str) -> str:
    return covered.replace("\r\n", "  ").replace("\r", " ").replace("\n", " ")


def _escape(note: str) -> str:
    for raw, escaped in _NOTE_ESCAPES:
        note = note.replace(raw, escaped)
    return note


def _unescape(note: str) -> str:
    return re.sub(r"\\([\\rnt])", lambda m: {"\\": "\\", "r": "\r", "n": "\n", "t": "\t"}[m[1]], note)


# -- writing -------------------------------------------------------------------------------------------------


@writer("brat", extensions=("ann",), description="brat standoff (.txt + .ann)", folder=True)
def write_brat(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    path.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    used: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # folder -> conf section -> names
    skipped = count = 0
    for bundle in bundles:
        stem = file_stem(bundle.document, taken)
        people = sorted({a.annotator for a in bundle.annotations} | set(bundle.status)) or ["unannotated"]
        for person in people:
            folder = path / _folder_name(person)
            folder.mkdir(exist_ok=True)
            mine = [a for a in bundle.annotations if a.annotator == person]
            lines, lost = _ann_lines(bundle.document.text, mine, bundle.relations, used[folder.name])
            skipped += lost
            write_text(folder / f"{stem}.txt", bundle.document.text, bundle.document.encoding)
            (folder / f"{stem}.ann").write_text("".join(lines), encoding="utf-8", newline="\n")
        count += 1
    scheme = options.extra.get("scheme")
    for folder, names in used.items():
        _write_conf(path / folder, names, scheme)
    if skipped:
        options.extra.setdefault("notes", []).append(f"{skipped} document-level annotations have no brat form")
    return count


def _folder_name(annotator: str) -> str:
    return re.sub(r"[^\w.@ -]+", "_", annotator).strip(" .") or "annotator"


def _ann_lines(
    text: str, annotations: list[Annotation], relations: list[Relation], used: dict[str, set[str]]
) -> tuple[list[str], int]:
    lines: list[str] = []
    t_id: dict[str, str] = {}
    attributes = notes = 0
    skipped = 0
    for ann in annotations:
        if not ann.fragments:
            skipped += 1
            continue
        key = t_id[ann.uuid] = f"T{len(t_id) + 1}"
        offsets = ";".join(f"{f.start} {f.end}" for f in ann.fragments)
        covered = _flat(" ".join(f.covered(text) for f in ann.fragments))
        lines.append(f"{key}\t{ann.label} {offsets}\t{covered}\n")
        used["entities"].add(ann.label)
        values = ([(SUBTYPE_ATTRIBUTE, ann.subtype)] if ann.subtype else []) + list(ann.attributes.items())
        for name, value in values:
            if value is None:
                continue
            attributes += 1
            shown = quote(("yes" if value else "no") if isinstance(value, bool) else str(value), safe="")
            lines.append(f"A{attributes}\t{name} {key} {shown}\n")
            used["attributes"].add(f"{name}\t{shown}")
        if ann.note:
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes {key}\t{_escape(ann.note)}\n")
    for number, rel in enumerate((r for r in relations if r.source in t_id and r.target in t_id), start=1):
        lines.append(f"R{number}\t{rel.type} Arg1:{t_id[rel.source]} Arg2:{t_id[rel.target]}\t\n")
        used["relations"].add(rel.type)
    return lines, skipped


def _write_conf(folder: Path, used: dict[str, set[str]], scheme: Scheme | None) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    for item in used["attributes"]:
        name, _, value = item.partition("\t")
        values[name].add(value)
    attribute_lines = [
        f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(v for v in vals if v))}" if any(vals) else "")
        for name, vals in sorted(values.items())
    ]
    conf = ["[entities]", *sorted(used["entities"]), "", "[relations]"]
    conf += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in sorted(used["relations"])]
    conf += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
    conf += attribute_lines
    (folder / "annotation.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")
    visual = ["[labels]", *sorted(used["entities"]), "", "[drawing]"]
    for label in sorted(used["entities"]):
        if scheme is not None and scheme.has_label(label):
            visual.append(f"{label}\tbgColor:{scheme.label(label).colour}")
    (folder / "visual.conf").write_text("\n".join(visual) + "\n", encoding="utf-8")
