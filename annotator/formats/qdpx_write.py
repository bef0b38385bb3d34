"""REFI-QDA project (.qdpx), writing: project.qde (valid against the REFI-QDA 1.0 schema) and sources/<guid>.txt
(the mapping is described in qdpx.py).

Each annotator is a <User>; the scheme's labels (with sub-types as child codes, colours, and guidelines as
descriptions) are the code book; each document is a <TextSource> (its id as its guid) whose text is
sources/<guid>.txt, exactly the stored text, with its outlet, author, published date and language as text
variables; a span annotation is a <PlainTextSelection> (code points; its id as the guid) holding a <Coding> of
its code, its note as <Description>; a document-level annotation is a <Coding> on the source; a relation is a
<Link> between selections. A discontinuous annotation is one selection per fragment, the later ones named
"<annotation id>#2", "#3", ... so reading joins them again. Everything a project read from a .qdpx kept (code,
user, coding and set guids, variables, memos, cases, graphs, sets) is written back as it was, so MAXQDA,
ATLAS.ti or QualCoder match their own objects on re-import. Attributes have no QDA-XML form and are left out
(the export notes how many). The path a document was imported from is not written.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET

from annotator.core.model import Annotation
from annotator.core.scheme import UNKNOWN_COLOUR, Scheme
from annotator.formats._common import stable_uuid
from annotator.formats.qdpx import FORMAT, NS, OWN_VARIABLES, PATH_SEPARATOR, code_key
from annotator.formats.registry import DocumentBundle, WriteOptions, writer

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _guid(*parts: object) -> str:
    return stable_uuid("qdpx", *parts)


def _time(value: datetime) -> str:
    """xs:dateTime in UTC, with the fraction of a second only when there is one (times come back exactly)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + (f".{value.microsecond:06d}" if value.microsecond else "") + "Z"


@writer("qdpx", extensions=("qdpx",), description="REFI-QDA project (QualCoder, MAXQDA, ATLAS.ti, NVivo)")
def write_qdpx(bundles: Iterable[DocumentBundle], path: Any, options: WriteOptions) -> int:
    project = _Project(options.extra.get("scheme"))
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for bundle in bundles:
            project.source(bundle, archive)
            count += 1
        root = project.root()
        archive.writestr("project.qde", b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8"))
    if project.lost:
        options.extra.setdefault("notes", []).append(f"{project.lost} annotations' attributes have no REFI-QDA form")
    return count


class _Project:
    def __init__(self, scheme: Scheme | None):
        self.scheme = scheme
        self.sources = Element("Sources")
        self.users: dict[str, str] = {}  # name -> guid
        self.known_users: dict[str, str] = {}
        self.codes: dict[str, str] = {}  # code path ("label > sub-type") -> guid, as read
        self.used: set[tuple[str, str | None]] = set()
        self.variables: dict[str, tuple[str, str]] = {}  # name -> (guid, type)
        self.notes: dict[str, str] = {}  # guid -> the note's XML as read
        self.links: list[Element] = []
        self.sets: dict[str, dict[str, Any]] = {}
        self.kept: dict[str, Any] = {}  # the project's own data, from the first document that has it
        self.lost = 0

    def user(self, name: str) -> str:
        return self.users.setdefault(name, self.known_users.get(name) or _guid("user", name))

    def code(self, label: str, subtype: str | None) -> str:
        default = _guid("code", label, subtype) if subtype else _guid("code", label)
        return self.codes.setdefault(code_key(label, subtype), default)

    def source(self, bundle: DocumentBundle, archive: zipfile.ZipFile) -> None:
        doc = bundle.document
        data: dict[str, Any] = doc.metadata.get(FORMAT) or {}
        if "project" in data and not self.kept:
            self.kept = data["project"]
            self.known_users.update(self.kept.get("users", {}))
            for name, entry in self.kept.get("variables", {}).items():
                self.variables.setdefault(name, (entry["guid"], entry["type"]))
        self.known_users.update(data.get("users", {}))
        for name, key in {**self.kept.get("codes", {}), **data.get("codes", {})}.items():
            self.codes.setdefault(name, key)
        key = doc.uuid if _GUID.match(doc.uuid) else _guid("source", doc.uuid)
        archive.writestr(f"sources/{key}.txt", doc.text.encode("utf-8"))
        attributes = data.get("attributes") or {"name": doc.title or doc.uuid, "creationDateTime": _time(doc.created)}
        element = SubElement(
            self.sources, "TextSource", {"guid": key, **attributes, "plainTextPath": f"internal://{key}.txt"}
        )
        self._selections(bundle, element, data)
        element.extend(SafeET.fromstring(xml) for xml in data.get("zero_width", []))  # kept as they were
        for ann in (a for a in bundle.annotations if not a.fragments):
            self.lost += bool(ann.attributes)
            self._coding(element, ann, data, ann.uuid)
        element.extend(SafeET.fromstring(xml) for xml in data.get("source_codings", []))
        self._note_refs(element, data, key)
        self._variable_values(element, doc, data)
        for entry in data.get("sets", []):
            found = self.sets.setdefault(entry["guid"], {**entry, "members": []})
            found["members"].append(key)
        for note_key, xml in data.get("notes", {}).items():
            self.notes.setdefault(note_key, xml)

    def _selections(self, bundle: DocumentBundle, element: Element, data: dict[str, Any]) -> None:
        codings = data.get("codings", {})
        groups: dict[str, list[Annotation]] = {}
        for ann in (a for a in bundle.annotations if a.fragments):
            self.lost += bool(ann.attributes)
            groups.setdefault(codings.get(ann.uuid, {}).get("selection") or ann.uuid, []).append(ann)
        selection_of: dict[str, str] = {}
        for key, anns in groups.items():
            first = anns[0]
            for n, frag in enumerate(first.fragments, start=1):
                sel_key = key if n == 1 else _guid("fragment", key, n)
                name = codings.get(first.uuid, {}).get("name") or frag.covered(bundle.document.text)[:80]
                selection = SubElement(
                    element,
                    "PlainTextSelection",
                    guid=sel_key,
                    name=name if n == 1 else f"{key}#{n}",
                    startPosition=str(frag.start),
                    endPosition=str(frag.end),
                    creatingUser=self.user(first.annotator),
                    creationDateTime=_time(first.created),
                )
                if first.note and n == 1:
                    SubElement(selection, "Description").text = first.note
                for ann in anns:
                    self._coding(selection, ann, data, f"{ann.uuid}#{n}" if n > 1 else ann.uuid)
                if n == 1:
                    self._note_refs(selection, data, key)
            for ann in anns:
                selection_of[ann.uuid] = key
        for rel in bundle.relations:
            if rel.source in selection_of and rel.target in selection_of:
                extra = data.get("links", {}).get(rel.uuid, {"direction": "OneWay"})
                attributes = {"guid": rel.uuid, "name": rel.type, **extra}
                attributes.update(originGUID=selection_of[rel.source], targetGUID=selection_of[rel.target])
                self.links.append(Element("Link", attributes))

    def _coding(self, parent: Element, ann: Annotation, data: dict[str, Any], key: str) -> None:
        self.used.add((ann.label, ann.subtype))
        stored = data.get("codings", {}).get(key, {}).get("guid")
        coding_guid = stored or (ann.uuid if not ann.fragments and _GUID.match(ann.uuid) else _guid("coding", key))
        coding = SubElement(
            parent,
            "Coding",
            guid=coding_guid,
            creatingUser=self.user(ann.annotator),
            creationDateTime=_time(ann.created),
        )
        SubElement(coding, "CodeRef", targetGUID=self.code(ann.label, ann.subtype))

    def _note_refs(self, element: Element, data: dict[str, Any], key: str) -> None:
        for ref in data.get("note_refs", {}).get(key, []):
            SubElement(element, "NoteRef", targetGUID=ref)

    def _variable_values(self, element: Element, doc: Any, data: dict[str, Any]) -> None:
        values = [dict(v) for v in data.get("variables", [])]
        for name in OWN_VARIABLES:  # the document's fields as they are now
            current = getattr(doc, name)
            found = next((v for v in values if v["name"] == name and v["type"] == "Text"), None)
            if found is not None:
                found["value"] = current
            elif current:
                values.append({"name": name, "type": "Text", "tag": "TextValue", "value": current})
        for value in values:
            if value["type"] != "Text" or value["name"] not in OWN_VARIABLES or value["value"]:
                key = (
                    value.get("guid")
                    or self.variables.setdefault(value["name"], (_guid("variable", value["name"]), "Text"))[0]
                )
                self.variables.setdefault(value["name"], (key, value["type"]))
                item = SubElement(element, "VariableValue")
                SubElement(item, "VariableRef", targetGUID=key)
                SubElement(item, value.get("tag", "TextValue")).text = str(value["value"])

    # -- the project ---------------------------------------------------------------------------------------

    def root(self) -> Element:
        attributes = {
            "name": "Media Annotator export",
            "origin": "media-annotator",
            "creationDateTime": _time(datetime.now(UTC)),
        }
        root = Element("Project", {"xmlns": NS, **(self.kept.get("attributes") or attributes)})
        if self.users:
            users = SubElement(root, "Users")
            kept = self.kept.get("user_attributes", {})
            for name, key in sorted(self.users.items()):
                SubElement(users, "User", {"guid": key, "name": name, **kept.get(key, {})})
        self._codebook(root)
        if self.variables:
            variables = SubElement(root, "Variables")
            for name, (key, kind) in sorted(self.variables.items()):
                SubElement(variables, "Variable", guid=key, name=name, typeOfVariable=kind)
        self._kept(root, "Cases")
        if len(self.sources):
            root.append(self.sources)
        notes = list(self.notes.values()) + list(self.kept.get("notes", []))
        if notes:
            SubElement(root, "Notes").extend(SafeET.fromstring(xml) for xml in notes)
        if self.links:
            SubElement(root, "Links").extend(self.links)
        code_sets = [xml for xml in self.kept.get("xml", []) if _tag(xml) == "Set"]
        if self.sets or code_sets:
            sets = SubElement(root, "Sets")
            for entry in self.sets.values():
                item = SubElement(sets, "Set", guid=entry["guid"], name=entry["name"])
                if entry.get("description"):
                    SubElement(item, "Description").text = entry["description"]
                for member in entry["members"]:
                    SubElement(item, "MemberSource", targetGUID=member)
            sets.extend(SafeET.fromstring(xml) for xml in code_sets)
        self._kept(root, "Graphs")
        self._kept(root, "Description")
        return root

    def _kept(self, root: Element, tag: str) -> None:
        for xml in self.kept.get("xml", []):
            if _tag(xml) == tag:
                root.append(SafeET.fromstring(xml))

    def _codebook(self, root: Element) -> None:
        """Every label of the scheme (and every code a kept project had, and every one used), nested."""
        wanted = set(self.used) | {_pair(path) for path in self.codes}
        if self.scheme is not None:
            wanted |= {(lab.parent, lab.name) if lab.parent else (lab.name, None) for lab in self.scheme.labels}
        if not wanted:
            return
        book = SubElement(SubElement(root, "CodeBook"), "Codes")
        made: dict[tuple[str, ...], Element] = {}
        for label, subtype in sorted(wanted, key=lambda pair: (pair[0], pair[1] or "")):
            path = (label, *(subtype.split(PATH_SEPARATOR) if subtype else ()))
            for depth in range(1, len(path) + 1):
                here = path[:depth]
                if here in made:
                    continue
                parent = made[here[:-1]] if depth > 1 else book
                sub = PATH_SEPARATOR.join(here[1:]) or None
                key = self.code(label, sub)
                kept = self.kept.get("code_attributes", {}).get(key, {})
                attributes = {"guid": key, "name": here[-1], "isCodable": kept.get("isCodable", "true")}
                colour = self.scheme.colour(label, sub) if self.scheme is not None else UNKNOWN_COLOUR
                if colour != UNKNOWN_COLOUR or "color" in kept or not kept:  # a code without one stays so
                    attributes["color"] = colour
                made[here] = SubElement(parent, "Code", attributes)
                guideline = self._guideline(label, sub)
                if guideline:
                    SubElement(made[here], "Description").text = guideline

    def _guideline(self, label: str, subtype: str | None) -> str:
        if self.scheme is None or not self.scheme.has_label(label):
            return ""
        if subtype is None:
            return self.scheme.label(label).guideline
        return next((s.guideline for s in self.scheme.subtypes(label) if s.name == subtype), "")


def _pair(path: str) -> tuple[str, str | None]:
    label, _, subtype = path.partition(PATH_SEPARATOR)
    return label, subtype or None


def _tag(xml: str) -> str:
    match = re.match(r"<(?:[\w.-]+:)?([\w.-]+)", xml)
    return match[1] if match else ""
