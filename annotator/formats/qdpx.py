"""REFI-QDA project (.qdpx), reading: a zip of project.qde (QDA-XML 1.0) and sources/<guid>.txt, the exchange
format of QualCoder, MAXQDA, ATLAS.ti and NVivo (writing: qdpx_write.py).

* The code book becomes labels of the scheme (the import adds them when the label map says "new", used or not):
  a top-level code is a label, a code under it a sub-type (deeper codes are sub-types named by their path,
  "B > C"), with the code's colour and its description as the guideline (ReadOptions.scheme_labels).
* Each <TextSource> is a document (its guid is the document's id, its creation time the document's); its text is
  sources/<guid>.txt, or its PlainTextContent.
* A <PlainTextSelection> with a <Coding> is a span annotation of the code (offsets in code points), by the
  coding's user (<Users>, by name), created when the selection was, with the selection's <Description> as its
  note; the selection's guid is the annotation's id. A selection with several codings is several annotations
  (written back as one selection). A <Coding> on the source itself is a document-level annotation.
* A <Link> between two selections is a relation named by the link (its guid the relation's id).
* <Sets> of sources put the documents in collections of the set's name.
Kept as the document's REFI-QDA data (fidelity.py) and written back: the guids of codes, users, codings and
sets, the codings' users and times, every variable value (with its variable's type), link directions and
colours, memos (<Notes>) a selection or source refers to, and, on the first document, the project's own
attributes, cases, graphs, unreferenced notes and sets of codes. Sources other than text (PDF, pictures, audio,
video) are left out and counted.

project.qde is parsed with defusedxml (no entity expansion, no external resources).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import tostring

from defusedxml import ElementTree as SafeET

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin, Relation, utc_now
from annotator.core.scheme import UNKNOWN_COLOUR, Label, Scope
from annotator.core.text import newline_style
from annotator.formats._common import stable_uuid
from annotator.formats.archive import check_zip
from annotator.formats.fidelity import Fidelity
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

FORMAT = "qdpx"
NS = "urn:QDA-XML:project:1.0"
Q = f"{{{NS}}}"
PATH_SEPARATOR = " > "
OWN_VARIABLES = ("outlet", "author", "published", "language")  # document fields this tool writes as variables
_PART = re.compile(r"^(?P<uuid>[0-9a-fA-F-]{36})#(?P<n>\d+)$")
_OTHER_SOURCES = ("PDFSource", "PictureSource", "AudioSource", "VideoSource")
_PROJECT_PARTS = ("Cases", "Graphs", "Description")


def _sniff(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".qdpx" and head.startswith(b"PK")


def code_key(label: str, subtype: str | None) -> str:
    """How format data names a code: its path in the code book ("label > sub-type")."""
    return f"{label}{PATH_SEPARATOR}{subtype}" if subtype else label


def guid(value: str | None) -> str:
    """A GUID without the braces some tools write around it."""
    return (value or "").strip("{}")


def parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


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
        bundles = _Project(root, archive, names, options, where).bundles()
    yield from bundles


class _Project:
    def __init__(self, root: Any, archive: zipfile.ZipFile, names: dict[str, str], options: ReadOptions, where: str):
        self.root, self.archive, self.names, self.options, self.where = root, archive, names, options, where
        self.fidelity: Fidelity = options.fidelity
        self.users = {
            guid(u.get("guid")): u.get("name") or u.get("id") or guid(u.get("guid")) for u in root.iter(f"{Q}User")
        }
        self.user_guids = {name: key for key, name in self.users.items()}
        self.codes: dict[str, tuple[str, str | None]] = {}  # code guid -> (label, sub-type)
        self.code_guids: dict[str, str] = {}  # "label" or "label/sub-type" -> guid
        self.variables = {
            guid(v.get("guid")): (v.get("name") or "", v.get("typeOfVariable") or "Text")
            for v in root.iter(f"{Q}Variable")
        }
        self.notes = {guid(n.get("guid")): n for n in root.iter(f"{Q}Note")}
        self.referenced_notes: set[str] = set()
        self.selections: dict[str, tuple[DocumentBundle, Annotation]] = {}
        self.zero_width: set[str] = set()  # guids of zero-width selections, kept as written

    def bundles(self) -> list[DocumentBundle]:
        self._codebook()
        sources = self.root.find(f"{Q}Sources")
        bundles = [self._source(s) for s in (sources if sources is not None else []) if s.tag == f"{Q}TextSource"]
        for other in _OTHER_SOURCES:
            found = len(self.root.findall(f"{Q}Sources/{Q}{other}"))
            self.fidelity.leave_out(FORMAT, f"{other[:-6].lower()} source", found, self.where)
        self._links(bundles)
        self._sets(bundles)
        if bundles:
            bundles[0].document.metadata[FORMAT]["project"] = self._project_data()
        return bundles

    # -- the code book ---------------------------------------------------------------------------------------

    def _codebook(self) -> None:
        book = self.root.find(f"{Q}CodeBook/{Q}Codes")
        labels: list[Label] = []

        def walk(element: Any, path: list[str]) -> None:
            for code in element.findall(f"{Q}Code"):
                name = code.get("name") or guid(code.get("guid"))
                here = [*path, name]
                label, subtype = here[0], PATH_SEPARATOR.join(here[1:]) or None
                key = guid(code.get("guid"))
                self.codes[key] = (label, subtype)
                self.code_guids[code_key(label, subtype)] = key
                description = code.find(f"{Q}Description")
                labels.append(
                    Label(
                        subtype or label,
                        colour=_colour(code.get("color")),
                        guideline=(description.text or "") if description is not None else "",
                        parent=label if subtype else None,
                    )
                )
                walk(code, here)

        if book is not None:
            walk(book, [])
        # a label marks passages or whole documents: whole documents only when the file codes it on no passage
        on_passages = {self.codes[g][0] for g in self._coded("PlainTextSelection") if g in self.codes}
        on_sources = {self.codes[g][0] for g in self._coded("TextSource") if g in self.codes}
        self.span_labels = on_passages
        self.options.scheme_labels = [
            replace(lab, scope=Scope.DOCUMENT) if (lab.parent or lab.name) in on_sources - on_passages else lab
            for lab in labels
        ]
        self.fidelity.keep(FORMAT, "code in the code book", len(labels))

    def _coded(self, where: str) -> set[str]:
        """The guids of the codes that codings directly under <where> elements refer to."""
        return {
            guid(ref.get("targetGUID"))
            for element in self.root.iter(f"{Q}{where}")
            for ref in element.findall(f"{Q}Coding/{Q}CodeRef")
        }

    def _code_of(self, coding: Any) -> tuple[str, str | None]:
        ref = coding.find(f"{Q}CodeRef")
        if ref is None or guid(ref.get("targetGUID")) not in self.codes:
            raise InputError(f"coding {coding.get('guid')} refers to a code that is not in the code book", self.where)
        return self.codes[guid(ref.get("targetGUID"))]

    # -- sources ---------------------------------------------------------------------------------------------

    def _source(self, source: Any) -> DocumentBundle:
        text = self._text(source)
        key = guid(source.get("guid"))
        data: dict[str, Any] = {
            "attributes": {k: v for k, v in source.attrib.items() if k not in ("guid", "plainTextPath")}
        }
        fields, values = {}, []
        for value in source.findall(f"{Q}VariableValue"):
            item = self._variable_value(value)
            if item is not None:
                values.append(item)
                if item["name"] in OWN_VARIABLES and item["type"] == "Text":
                    fields[item["name"]] = str(item["value"])
        if values:
            data["variables"] = values
            self.fidelity.preserve(FORMAT, "variable value", len(values))
        doc = Document(
            text=text,
            title=source.get("name") or "",
            uuid=key,
            newline=newline_style(text),
            source=self.where,
            created=parse_time(source.get("creationDateTime")) or utc_now(),
            metadata={FORMAT: data},
            **fields,
        )
        bundle = DocumentBundle(doc, [], [])
        for selection in source.findall(f"{Q}PlainTextSelection"):
            self._selection(bundle, selection, data)
        for coding in source.findall(f"{Q}Coding"):
            label, subtype = self._code_of(coding)
            if label in self.span_labels:  # a code also used on passages: the label marks passages here
                data.setdefault("source_codings", []).append(tostring(coding, encoding="unicode"))
                self.fidelity.preserve(FORMAT, "document coding of a code also used on passages")
                continue
            who = self._who(coding)
            ann = Annotation(
                doc.uuid,
                who,
                label,
                (),
                subtype,
                origin=Origin.IMPORTED,
                uuid=guid(coding.get("guid")) or stable_uuid("qdpx", key, label, subtype),
                created=parse_time(coding.get("creationDateTime")) or utc_now(),
            )
            bundle.annotations.append(ann)
            self._code_guid(data, ann)
            self.fidelity.keep(FORMAT, "document coding")
        self._note_refs(source, data, key)
        self.fidelity.keep(FORMAT, "document")
        return bundle

    def _who(self, element: Any, fallback: Any = None) -> str:
        user = guid(element.get("creatingUser") or (fallback.get("creatingUser") if fallback is not None else None))
        return self.options.annotator or self.users.get(user) or (user or FORMAT)

    def _code_guid(self, data: dict[str, Any], ann: Annotation) -> None:
        key = code_key(ann.label, ann.subtype)
        data.setdefault("codes", {})[key] = self.code_guids[key]
        if ann.annotator in self.user_guids:
            data.setdefault("users", {})[ann.annotator] = self.user_guids[ann.annotator]

    def _selection(self, bundle: DocumentBundle, selection: Any, data: dict[str, Any]) -> None:
        doc = bundle.document
        key = guid(selection.get("guid"))
        if selection.get("startPosition") == selection.get("endPosition") and self._position(selection, doc.text):
            data.setdefault("zero_width", []).append(tostring(selection, encoding="unicode"))
            self.zero_width.add(key)
            self.fidelity.preserve(FORMAT, "zero-width selection")
            return
        frag = self._fragment(selection, doc.text)
        part = _PART.match(selection.get("name") or "")
        if part and part["uuid"] in self.selections:  # a later fragment of an annotation this tool wrote
            first = self.selections[part["uuid"]][1]
            joined = _with_fragment(first, frag)
            bundle.annotations[bundle.annotations.index(first)] = joined
            for other, (b, ann) in list(self.selections.items()):
                if ann is first:
                    self.selections[other] = (b, joined)
            self.selections[key] = (bundle, joined)
            return
        description = selection.find(f"{Q}Description")
        note = (description.text or "") if description is not None else ""
        codings = selection.findall(f"{Q}Coding")
        if not codings:
            self.fidelity.leave_out(FORMAT, "selection without a coding", 1, self.where)
        for n, coding in enumerate(codings):
            label, subtype = self._code_of(coding)
            who = self._who(coding, selection)
            uuid = key if n == 0 else stable_uuid("qdpx-coding", key, guid(coding.get("guid")))
            created = parse_time(coding.get("creationDateTime") or selection.get("creationDateTime")) or utc_now()
            ann = Annotation(
                doc.uuid,
                who,
                label,
                (frag,),
                subtype,
                note=note,
                origin=Origin.IMPORTED,
                uuid=uuid,
                created=created,
                modified=created,
            )
            bundle.annotations.append(ann)
            self.selections.setdefault(key, (bundle, ann))
            self._code_guid(data, ann)
            coded = {"guid": guid(coding.get("guid"))}
            if n:
                coded["selection"] = key
            if selection.get("name") and selection.get("name") != frag.covered(doc.text)[:80]:
                coded["name"] = selection.get("name")
            data.setdefault("codings", {})[uuid] = coded
            self.fidelity.keep(FORMAT, "coding")
            self.fidelity.keep(FORMAT, "note", bool(note) and n == 0)
        self._note_refs(selection, data, key)

    def _note_refs(self, element: Any, data: dict[str, Any], key: str) -> None:
        refs = [guid(r.get("targetGUID")) for r in element.findall(f"{Q}NoteRef")]
        for ref in refs:
            if ref in self.notes:
                data.setdefault("notes", {})[ref] = tostring(self.notes[ref], encoding="unicode")
                self.referenced_notes.add(ref)
                self.fidelity.preserve(FORMAT, "memo")
        if refs:
            data.setdefault("note_refs", {})[key] = refs

    @staticmethod
    def _position(selection: Any, text: str) -> bool:
        value = selection.get("startPosition") or ""
        return value.isdigit() and int(value) <= len(text)

    def _fragment(self, selection: Any, text: str) -> Fragment:
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            raise InputError(f"selection {selection.get('guid')} has no whole-number positions", self.where) from None
        if not 0 <= start < end <= len(text):
            reason = (
                f"selection {selection.get('guid')} at {start}..{end} lies outside its text ({len(text)} characters)"
            )
            raise InputError(reason, self.where)
        return Fragment(start, end)

    def _variable_value(self, value: Any) -> dict[str, Any] | None:
        ref = value.find(f"{Q}VariableRef")
        key = guid(ref.get("targetGUID")) if ref is not None else ""
        name, kind = self.variables.get(key, ("", "Text"))
        for child in value:
            if child.tag != f"{Q}VariableRef":
                return {
                    "guid": key,
                    "name": name,
                    "type": kind,
                    "tag": child.tag.removeprefix(Q),
                    "value": child.text or "",
                }
        return None

    def _text(self, source: Any) -> str:
        inline = source.find(f"{Q}PlainTextContent")
        if inline is not None and inline.text is not None:
            return inline.text
        location = source.get("plainTextPath") or ""
        member = "sources/" + location.removeprefix("internal://") if location.startswith("internal://") else None
        if member is None or member.lower() not in self.names:
            raise InputError(
                f"the text of source '{source.get('name')}' ({location or 'no path'}) is not in the "
                "project (external sources are not read)",
                self.where,
            )
        try:
            return _member(self.archive, self.names[member.lower()], self.where).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{member} is not UTF-8 text ({exc.reason})", self.where) from None

    # -- links, sets and the rest of the project ------------------------------------------------------------

    def _links(self, bundles: list[DocumentBundle]) -> None:
        for link in self.root.iter(f"{Q}Link"):
            origin, target = (
                self.selections.get(guid(link.get("originGUID"))),
                self.selections.get(guid(link.get("targetGUID"))),
            )
            if {guid(link.get("originGUID")), guid(link.get("targetGUID"))} & self.zero_width:
                self.fidelity.leave_out(FORMAT, "link to a zero-width selection", 1, self.where)
                continue
            if origin is None or target is None or origin[0] is not target[0]:
                self.fidelity.leave_out(FORMAT, "link that is not between two selections of one source", 1, self.where)
                continue
            bundle, source, end = origin[0], origin[1], target[1]
            uuid = guid(link.get("guid")) or stable_uuid("qdpx-link", source.uuid, end.uuid)
            bundle.relations.append(
                Relation(link.get("name") or "related", source.uuid, end.uuid, source.annotator, uuid=uuid)
            )
            extra = {k: v for k, v in link.attrib.items() if k not in ("guid", "name", "originGUID", "targetGUID")}
            if extra:
                bundle.document.metadata[FORMAT].setdefault("links", {})[uuid] = extra
            self.fidelity.keep(FORMAT, "link")

    def _sets(self, bundles: list[DocumentBundle]) -> None:
        by_guid = {b.document.uuid: b for b in bundles}
        for item in self.root.iter(f"{Q}Set"):
            members = [guid(m.get("targetGUID")) for m in item.findall(f"{Q}MemberSource")]
            name = item.get("name") or guid(item.get("guid"))
            entry = {"guid": guid(item.get("guid")), "name": name}
            description = item.find(f"{Q}Description")
            if description is not None and description.text:
                entry["description"] = description.text
            for member in members:
                if member in by_guid:
                    by_guid[member].collections.append(name)
                    by_guid[member].document.metadata[FORMAT].setdefault("sets", []).append(entry)

    def _project_data(self) -> dict[str, Any]:
        """What belongs to the project rather than a source, kept on the first document."""
        data: dict[str, Any] = {
            "attributes": dict(self.root.attrib),
            "codes": self.code_guids,
            "users": self.user_guids,
        }
        data["user_attributes"] = {
            guid(u.get("guid")): {k: v for k, v in u.attrib.items() if k not in ("guid", "name")}
            for u in self.root.iter(f"{Q}User")
            if set(u.attrib) - {"guid", "name"}
        }
        data["code_attributes"] = {
            guid(c.get("guid")): {k: v for k, v in c.attrib.items() if k in ("isCodable", "color")}
            for c in self.root.iter(f"{Q}Code")
            if c.get("isCodable") != "true" or not c.get("color")
        }
        data["variables"] = {name: {"guid": key, "type": kind} for key, (name, kind) in self.variables.items()}
        parts = [
            tostring(part, encoding="unicode") for tag in _PROJECT_PARTS for part in self.root.findall(f"{Q}{tag}")
        ]
        unreferenced = [
            tostring(n, encoding="unicode") for key, n in self.notes.items() if key not in self.referenced_notes
        ]
        code_sets = [
            tostring(s, encoding="unicode") for s in self.root.iter(f"{Q}Set") if s.find(f"{Q}MemberSource") is None
        ]
        for kind, items in (("case, graph or description", parts), ("memo", unreferenced), ("set of codes", code_sets)):
            self.fidelity.preserve(FORMAT, kind, len(items))
        data["xml"] = parts + code_sets
        data["notes"] = unreferenced
        return data


def _colour(value: str | None) -> str:
    if not value or not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
        return UNKNOWN_COLOUR
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value.lower()


def _with_fragment(ann: Annotation, frag: Fragment) -> Annotation:
    return replace(ann, fragments=tuple(sorted((*ann.fragments, frag))))


def _member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """An entry's bytes, or InputError if the archive is damaged there (found by fuzzing: a truncated entry
    header raised BadZipFile through the importer)."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
        raise InputError(f"the .qdpx is damaged ({name}: {exc})", where) from None
