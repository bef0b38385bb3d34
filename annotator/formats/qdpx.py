"""REFI-QDA project (.qdpx): a zip of project.qde (QDA-XML 1.0) and sources/<guid>.txt, the exchange format of
QualCoder, MAXQDA, ATLAS.ti and NVivo.

Mapping: each annotator is a <User>; labels are <Code>s of the code book and sub-types their child codes (colours
from the scheme); each document is a <TextSource> whose text is sources/<guid>.txt (UTF-8, exactly the stored
text) with its outlet, author, published date, language and source as <VariableValue>s; a span annotation is a
<PlainTextSelection> (startPosition/endPosition in code points) holding one <Coding> of its code, its note as
<Description>; a document-level annotation is a <Coding> on the <TextSource>; a relation is a <Link> (name = the
relation type) from one selection to another. A discontinuous annotation is one selection per fragment, the
later ones named "<annotation id>#2", "#3", ... so reading joins them again. Attributes have no QDA-XML form and
are left out (the export notes how many).

Reading parses project.qde with defusedxml (no entity expansion, no external resources) and takes text
sources; the label of a code is its top-level ancestor, the sub-type the code itself when it is nested.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin, Relation
from annotator.core.scheme import Scheme
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, imported, stable_uuid
from annotator.formats.archive import check_zip
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

NS = "urn:QDA-XML:project:1.0"
VARIABLES = ("outlet", "author", "published", "language", "source")
_Q = f"{{{NS}}}"
_PART = re.compile(r"^(?P<uuid>[0-9a-fA-F-]{36})#(?P<n>\d+)$")


def _guid(*parts: object) -> str:
    return stable_uuid("qdpx", *parts)


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- writing ---------------------------------------------------------------------------------------------


@writer("qdpx", extensions=("qdpx",), description="REFI-QDA project (QualCoder, MAXQDA, ATLAS.ti, NVivo)")
def write_qdpx(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    scheme: Scheme | None = options.extra.get("scheme")
    sources = Element("Sources")
    users: dict[str, str] = {}
    codes: dict[tuple[str, str | None], str] = {}
    links: list[Element] = []
    count = lost = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for bundle in bundles:
            lost += _source(bundle, sources, users, codes, links, archive)
            count += 1
        root = _project(scheme, users, codes, sources, links)
        archive.writestr("project.qde", b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8"))
    if lost:
        options.extra.setdefault("notes", []).append(f"{lost} annotations' attributes have no REFI-QDA form")
    return count


def _user(users: dict[str, str], name: str) -> str:
    return users.setdefault(name, _guid("user", name))


def _code(codes: dict[tuple[str, str | None], str], label: str, subtype: str | None) -> str:
    codes.setdefault((label, None), _guid("code", label))
    return codes.setdefault((label, subtype), _guid("code", label, subtype)) if subtype else codes[(label, None)]


def _source(bundle: DocumentBundle, sources: Element, users: dict, codes: dict, links: list, archive: Any) -> int:
    doc = bundle.document
    guid = _guid("source", doc.uuid)
    archive.writestr(f"sources/{guid}.txt", doc.text.encode("utf-8"))
    element = SubElement(
        sources,
        "TextSource",
        guid=guid,
        name=doc.title or doc.uuid,
        plainTextPath=f"internal://{guid}.txt",
        creationDateTime=_time(doc.created),
    )
    selection_of: dict[str, str] = {}
    document_codings = []
    lost = 0
    for ann in bundle.annotations:
        lost += bool(ann.attributes)
        user = _user(users, ann.annotator)
        code = _code(codes, ann.label, ann.subtype)
        if not ann.fragments:
            document_codings.append((ann, user, code))
            continue
        for n, frag in enumerate(ann.fragments, start=1):
            sel_guid = ann.uuid if n == 1 else _guid("fragment", ann.uuid, n)
            selection_of.setdefault(ann.uuid, sel_guid)
            name = frag.covered(doc.text)[:80] if n == 1 else f"{ann.uuid}#{n}"
            selection = SubElement(
                element,
                "PlainTextSelection",
                guid=sel_guid,
                name=name,
                startPosition=str(frag.start),
                endPosition=str(frag.end),
                creatingUser=user,
                creationDateTime=_time(ann.created),
            )
            if ann.note and n == 1:
                SubElement(selection, "Description").text = ann.note
            coding = SubElement(
                selection,
                "Coding",
                guid=_guid("coding", ann.uuid, n),
                creatingUser=user,
                creationDateTime=_time(ann.created),
            )
            SubElement(coding, "CodeRef", targetGUID=code)
    for ann, user, code in document_codings:
        coding = SubElement(element, "Coding", guid=ann.uuid, creatingUser=user, creationDateTime=_time(ann.created))
        SubElement(coding, "CodeRef", targetGUID=code)
    for name in VARIABLES:
        value = getattr(doc, name)
        if value:
            variable = SubElement(element, "VariableValue")
            SubElement(variable, "VariableRef", targetGUID=_guid("variable", name))
            SubElement(variable, "TextValue").text = value
    for rel in bundle.relations:
        if rel.source in selection_of and rel.target in selection_of:
            links.append(
                Element(
                    "Link",
                    guid=rel.uuid,
                    name=rel.type,
                    direction="OneWay",
                    originGUID=selection_of[rel.source],
                    targetGUID=selection_of[rel.target],
                )
            )
    return lost


def _project(scheme: Scheme | None, users: dict, codes: dict, sources: Element, links: list) -> Element:
    root = Element(
        "Project",
        {
            "xmlns": NS,
            "name": "Media Annotator export",
            "origin": "media-annotator",
            "creationDateTime": _time(datetime.now(UTC)),
        },
    )
    if users:
        users_element = SubElement(root, "Users")
        for name, guid in sorted(users.items()):
            SubElement(users_element, "User", guid=guid, name=name)
    if codes:
        book = SubElement(SubElement(root, "CodeBook"), "Codes")
        for (label, subtype), guid in sorted(codes.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            if subtype is not None:
                continue
            code = SubElement(book, "Code", _code_attributes(guid, label, scheme, label, None))
            if scheme is not None and scheme.has_label(label) and scheme.label(label).guideline:
                SubElement(code, "Description").text = scheme.label(label).guideline
            for (parent, sub), sub_guid in sorted(codes.items(), key=lambda kv: kv[0][1] or ""):
                if parent == label and sub is not None:
                    SubElement(code, "Code", _code_attributes(sub_guid, sub, scheme, label, sub))
    variables = SubElement(root, "Variables")
    for name in VARIABLES:
        SubElement(variables, "Variable", guid=_guid("variable", name), name=name, typeOfVariable="Text")
    if len(sources):
        root.append(sources)
    if links:
        SubElement(root, "Links").extend(links)
    return root


def _code_attributes(guid: str, name: str, scheme: Scheme | None, label: str, subtype: str | None) -> dict[str, str]:
    attributes = {"guid": guid, "name": name, "isCodable": "true"}
    if scheme is not None and scheme.has_label(label):
        attributes["color"] = scheme.colour(label, subtype)
    return attributes


# -- reading ---------------------------------------------------------------------------------------------


def _sniff(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".qdpx" and head.startswith(b"PK")


@reader("qdpx", extensions=("qdpx",), description="REFI-QDA project (QualCoder, MAXQDA, ATLAS.ti, NVivo)", sniff=_sniff)
def read_qdpx(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise InputError(f"not a REFI-QDA project (a .qdpx is a zip file): {exc}", where) from None
    with archive:
        check_zip(path, archive)  # the entry count, size and ratio limits of every archive we open
        names = {n.lower(): n for n in archive.namelist()}
        if "project.qde" not in names:
            raise InputError("the .qdpx holds no project.qde", where)
        try:
            root = SafeET.fromstring(_member(archive, names["project.qde"], where))
        except SafeET.ParseError as exc:
            raise InputError(f"project.qde is not well-formed XML: {exc}", where, exc.position[0]) from None
        except Exception as exc:  # defusedxml refuses entities and external references
            raise InputError(f"project.qde refused: {type(exc).__name__} {exc}", where) from None
        users = {u.get("guid"): u.get("name") or u.get("guid") for u in root.iter(f"{_Q}User")}
        codes = _codes(root)
        selections: dict[str, tuple[str, Annotation]] = {}
        bundles = [
            _read_source(s, archive, names, users, codes, selections, options, where)
            for s in root.iter(f"{_Q}TextSource")
        ]
        for link in root.iter(f"{_Q}Link"):
            origin, target = selections.get(link.get("originGUID")), selections.get(link.get("targetGUID"))
            if origin is None or target is None or origin[0] != target[0]:
                continue
            bundle = next(b for b in bundles if b.document.uuid == origin[0])
            who = options.annotator or origin[1].annotator
            uuid = (link.get("guid") or "").strip("{}") or stable_uuid("qdpx-link", origin[1].uuid, target[1].uuid)
            bundle.relations.append(
                Relation(link.get("name") or "related", origin[1].uuid, target[1].uuid, who, uuid=uuid)
            )
    yield from bundles


def _codes(root: Any) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}

    def walk(element: Any, top: str | None) -> None:
        for code in element.findall(f"{_Q}Code"):
            name = code.get("name") or code.get("guid")
            found[code.get("guid")] = (top, name) if top else (name, None)
            walk(code, top or name)

    for book in root.iter(f"{_Q}Codes"):
        walk(book, None)
        break
    return found


def _read_source(
    source: Any,
    archive: zipfile.ZipFile,
    names: dict[str, str],
    users: dict,
    codes: dict,
    selections: dict,
    options: ReadOptions,
    where: str,
) -> DocumentBundle:
    text = _source_text(source, archive, names, where)
    values = {}
    variables = {v.get("guid"): v.get("name") for v in source.iter(f"{_Q}Variable")}
    for value in source.findall(f"{_Q}VariableValue"):
        ref = value.find(f"{_Q}VariableRef")
        name = (variables.get(ref.get("targetGUID")) if ref is not None else None) or _variable_name(ref)
        text_value = value.find(f"{_Q}TextValue")
        if name in VARIABLES and text_value is not None:
            values[name] = text_value.text or ""
    doc = Document(
        text=text,
        title=source.get("name") or "",
        uuid=source.get("guid"),
        newline=newline_style(text),
        **{k: v for k, v in values.items() if k != "source"},
        source=values.get("source", where),
    )
    ids = IdMaker(doc, "qdpx")
    annotations: list[Annotation] = []
    for selection in source.findall(f"{_Q}PlainTextSelection"):
        guid = (selection.get("guid") or "").strip("{}")
        frag = _fragment(selection, text, where)
        part = _PART.match(selection.get("name") or "")
        if part and part["uuid"] in selections:  # a later fragment of an annotation already read
            first = selections[part["uuid"]][1]
            joined = replace(first, fragments=tuple(sorted((*first.fragments, frag))))
            annotations[annotations.index(first)] = joined
            for key, (doc_uuid, ann) in list(selections.items()):
                if ann is first:
                    selections[key] = (doc_uuid, joined)
            selections[guid] = (doc.uuid, joined)
            continue
        description = selection.find(f"{_Q}Description")
        note = (description.text or "") if description is not None else ""
        for n, coding in enumerate(selection.findall(f"{_Q}Coding")):
            label, subtype = _code_of(coding, codes, where)
            who = options.annotator or users.get(coding.get("creatingUser") or selection.get("creatingUser")) or "qdpx"
            uuid = guid if n == 0 and len(guid) == 36 else ids(who, f"{label}/{subtype}", [frag])
            ann = Annotation(doc.uuid, who, label, (frag,), subtype, note=note, origin=Origin.IMPORTED, uuid=uuid)
            annotations.append(ann)
            selections.setdefault(guid, (doc.uuid, ann))
    for coding in source.findall(f"{_Q}Coding"):
        label, subtype = _code_of(coding, codes, where)
        who = options.annotator or users.get(coding.get("creatingUser")) or "qdpx"
        annotations.append(imported(doc, ids, who, f"{label}/{subtype}" if subtype else label, []))
    return DocumentBundle(doc, annotations, [])


def _fragment(selection: Any, text: str, where: str) -> Fragment:
    try:
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    except (TypeError, ValueError):
        raise InputError(f"selection {selection.get('guid')} has no whole-number positions", where) from None
    if not 0 <= start < end <= len(text):
        reason = f"selection {selection.get('guid')} at {start}..{end} lies outside its text ({len(text)} characters)"
        raise InputError(reason, where)
    return Fragment(start, end)


def _variable_name(ref: Any) -> str | None:
    if ref is None:
        return None
    return next((name for name in VARIABLES if _guid("variable", name) == ref.get("targetGUID")), None)


def _code_of(coding: Any, codes: dict, where: str) -> tuple[str, str | None]:
    ref = coding.find(f"{_Q}CodeRef")
    if ref is None or ref.get("targetGUID") not in codes:
        raise InputError(f"coding {coding.get('guid')} refers to a code that is not in the code book", where)
    return codes[ref.get("targetGUID")]


def _member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """An entry's bytes, or InputError if the archive is damaged there (found by fuzzing: a truncated entry
    header raised BadZipFile through the importer)."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
        raise InputError(f"the .qdpx is damaged ({name}: {exc})", where) from None


def _source_text(source: Any, archive: zipfile.ZipFile, names: dict[str, str], where: str) -> str:
    inline = source.find(f"{_Q}PlainTextContent")
    if inline is not None and inline.text is not None:
        return inline.text
    location = source.get("plainTextPath") or ""
    member = "sources/" + location.removeprefix("internal://") if location.startswith("internal://") else None
    if member is None or member.lower() not in names:
        raise InputError(
            f"the text of source '{source.get('name')}' ({location or 'no path'}) is not in the "
            "project (external sources are not read)",
            where,
        )
    try:
        return _member(archive, names[member.lower()], where).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{member} is not UTF-8 text ({exc.reason})", where) from None
