"""REFI-QDA .qdpx: a project (code book with descriptions and colours, users, GUIDs, codings and their times,
variables, memos, links, sets, cases, graphs) comes back as it went in and valid against the REFI schema; our
own exports validate and round-trip; hostile XML is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from annotator.core.errors import InputError
from annotator.core.scheme import Scheme
from annotator.formats import registry
from annotator.formats.qdpx import read_qdpx
from annotator.formats.registry import ReadOptions, WriteOptions
from annotator.services import exporting
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of

NS = {"q": "urn:QDA-XML:project:1.0"}
G = "0000000{}-0000-4000-8000-00000000000{}".format
U1, U2 = G(1, 1), G(1, 2)
C_TOP, C_SUB, C_DEEP, C_OTHER, C_UNUSED, C_GENRE = G(2, 1), G(2, 2), G(2, 3), G(2, 4), G(2, 5), G(2, 6)
V_STRING, V_INT = G(3, 1), G(3, 2)
S1, S2, S_PDF = G(4, 1), G(4, 2), G(4, 3)
SEL1, SEL2, SEL3 = G(5, 1), G(5, 2), G(5, 3)
CD1, CD2, CD3, CD4 = G(6, 1), G(6, 2), G(6, 3), G(6, 4)
N_REF, N_FREE = G(7, 1), G(7, 2)
LINK, SET_DOCS, SET_CODES, CASE, GRAPH, VERTEX = G(8, 1), G(8, 2), G(8, 3), G(8, 4), G(8, 5), G(8, 6)
TEXT1 = "\ufeffThe minister 😀 said taxes will rise.\r\nCritics doubt it."
TEXT2 = "Prices fall. שלום e\u0301t."

PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Bias study" origin="MAXQDA 24" creationDateTime="2024-01-02T03:04:05Z">
  <Users><User guid="{U1}" name="alice" id="A"/><User guid="{U2}" name="bob"/></Users>
  <CodeBook><Codes>
    <Code guid="{C_TOP}" name="Claim" isCodable="true" color="#f00">
      <Description>A checkable statement of fact.</Description>
      <Code guid="{C_SUB}" name="Statistical" isCodable="true" color="#00ff00">
        <Description>With numbers.</Description>
        <Code guid="{C_DEEP}" name="Percent" isCodable="true" color="#0000ff"/>
      </Code>
    </Code>
    <Code guid="{C_OTHER}" name="Doubt" isCodable="true" color="#123456"/>
    <Code guid="{C_GENRE}" name="Genre" isCodable="true" color="#abcdef"/>
    <Code guid="{C_UNUSED}" name="Framing"
        isCodable="false"><Description>Not used yet: instructions only.</Description></Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{V_STRING}" name="outlet" typeOfVariable="Text"/>
    <Variable guid="{V_INT}" name="words" typeOfVariable="Integer"/>
  </Variables>
  <Cases><Case guid="{CASE}" name="Minister"><SourceRef targetGUID="{S1}"/></Case></Cases>
  <Sources>
    <TextSource guid="{S1}" name="Article one" plainTextPath="internal://{S1}.txt" creatingUser="{U1}"
        creationDateTime="2024-02-01T00:00:00Z">
      <PlainTextSelection guid="{SEL1}" name="taxes" startPosition="21" endPosition="36" creatingUser="{U1}"
          creationDateTime="2024-02-02T00:00:00Z">
        <Description>Check the budget.</Description>
        <Coding guid="{CD1}" creatingUser="{U1}"
            creationDateTime="2024-02-02T00:00:00Z"><CodeRef targetGUID="{C_SUB}"/></Coding>
        <Coding guid="{CD2}" creatingUser="{U2}"
            creationDateTime="2024-02-03T00:00:00Z"><CodeRef targetGUID="{C_DEEP}"/></Coding>
        <NoteRef targetGUID="{N_REF}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{SEL2}" startPosition="39" endPosition="55" creatingUser="{U2}"
          creationDateTime="2024-02-04T00:00:00Z">
        <Coding guid="{CD3}" creatingUser="{U2}"
            creationDateTime="2024-02-04T00:00:00Z"><CodeRef targetGUID="{C_OTHER}"/></Coding>
      </PlainTextSelection>
      <Coding guid="{CD4}" creatingUser="{U1}"
          creationDateTime="2024-02-05T00:00:00Z"><CodeRef targetGUID="{C_TOP}"/></Coding>
      <VariableValue><VariableRef targetGUID="{V_STRING}"/><TextValue>Daily News</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V_INT}"/><IntegerValue>12</IntegerValue></VariableValue>
    </TextSource>
    <TextSource guid="{S2}" name="Article two" creationDateTime="2024-02-06T00:00:00Z">
      <PlainTextContent>{TEXT2}</PlainTextContent>
      <PlainTextSelection guid="{SEL3}" startPosition="0" endPosition="11" creatingUser="{U2}"
          creationDateTime="2024-02-07T00:00:00Z">
        <Coding guid="{G(6, 5)}" creatingUser="{U2}"
            creationDateTime="2024-02-07T00:00:00Z"><CodeRef targetGUID="{C_TOP}"/></Coding>
      </PlainTextSelection>
      <Coding guid="{G(6, 6)}" creatingUser="{U1}"
          creationDateTime="2024-02-07T00:00:00Z"><CodeRef targetGUID="{C_GENRE}"/></Coding>
    </TextSource>
    <PDFSource guid="{S_PDF}" name="scan" path="internal://scan.pdf"/>
  </Sources>
  <Notes>
    <Note guid="{N_REF}" name="Memo"
        creationDateTime="2024-02-08T00:00:00Z"><PlainTextContent>Budget memo.</PlainTextContent></Note>
    <Note guid="{N_FREE}" name="Project memo"><PlainTextContent>Overall.</PlainTextContent></Note>
  </Notes>
  <Links><Link guid="{LINK}" name="doubts" direction="Bidirectional" color="#ff0000" originGUID="{SEL2}"
      targetGUID="{SEL1}"/></Links>
  <Sets>
    <Set guid="{SET_DOCS}"
        name="Batch 1"><Description>First wave.</Description><MemberSource targetGUID="{S1}"/>
      <MemberSource targetGUID="{S2}"/></Set>
    <Set guid="{SET_CODES}" name="Core codes"><MemberCode targetGUID="{C_TOP}"/></Set>
  </Sets>
  <Graphs><Graph guid="{GRAPH}" name="Map"><Vertex guid="{VERTEX}" representedGUID="{C_TOP}" firstX="1"
      firstY="2"/></Graph></Graphs>
</Project>
"""


def project_file(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", PROJECT.encode("utf-8"))
        archive.writestr(f"sources/{S1}.txt", TEXT1.encode("utf-8"))
        archive.writestr("sources/scan.pdf", b"%PDF-1.4")
    return path


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_data("format_examples", "refi_qda", "Project-mrt2019.xsd"))))


def meaning(path: Path) -> dict:
    """A project by what it says: every object by guid with its attributes and children, in any order."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".txt")}

    for source in root.iterfind("q:Sources/q:TextSource", NS):  # where a text is kept is no matter of meaning
        inline = source.find("q:PlainTextContent", NS)
        if inline is not None:
            texts[f"sources/{source.get('guid')}.txt"] = inline.text
            source.remove(inline)
        source.attrib.pop("plainTextPath", None)

    def walk(element) -> object:
        tag = etree.QName(element).localname
        attributes = {k: v for k, v in element.attrib.items() if k not in ("name",) or tag != "PlainTextSelection"}
        if tag == "Code" and "color" in attributes:
            colour = attributes["color"].lower()
            attributes["color"] = "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour
        children = sorted(repr(walk(child)) for child in element)
        return (tag, sorted(attributes.items()), (element.text or "").strip(), children)

    parts = {etree.QName(child).localname: walk(child) for child in root if etree.QName(child).localname != "Sources"}
    sources = sorted(repr(walk(s)) for s in root.find("q:Sources", NS) if etree.QName(s).localname == "TextSource")
    return {"project": sorted(root.attrib.items()), "parts": parts, "sources": sources, "texts": texts}


def test_a_project_comes_back_as_it_went_in(tmp_path) -> None:
    source = project_file(tmp_path / "in.qdpx")
    with zipfile.ZipFile(source) as archive:
        assert schema().validate(etree.fromstring(archive.read("project.qde"))), "the test's own file must be valid"
    options = ReadOptions()
    read = list(read_qdpx(source, options))
    out = tmp_path / "out.qdpx"
    scheme = Scheme(labels=tuple(options.scheme_labels))
    registry.get("qdpx").write(read, out, WriteOptions(extra={"scheme": scheme}))
    with zipfile.ZipFile(out) as archive:
        assert schema().validate(etree.fromstring(archive.read("project.qde"))), schema().error_log
    got, expected = meaning(out), meaning(source)
    assert got["texts"] == {k: v for k, v in expected["texts"].items() if k.endswith(".txt")}
    assert got["project"] == expected["project"]
    assert got["parts"] == expected["parts"]
    assert got["sources"] == expected["sources"]
    first = read[0]
    by_code = {(a.label, a.subtype): a for a in first.annotations}
    assert set(by_code) == {("Claim", "Statistical"), ("Claim", "Statistical > Percent"), ("Doubt", None)}
    # "Claim" codes passages too, so its coding of the whole source is kept as it was; "Genre" codes sources only
    assert CD4 in first.document.metadata["qdpx"]["source_codings"][0]
    assert [(a.label, a.annotator) for a in read[1].annotations if not a.fragments] == [("Genre", "alice")]
    assert by_code[("Claim", "Statistical")].note == "Check the budget." and by_code[("Doubt", None)].annotator == "bob"
    assert by_code[("Claim", "Statistical")].uuid == SEL1 and first.document.uuid == S1
    assert first.document.outlet == "Daily News" and first.collections == ["Batch 1"]
    labels = {(lab.parent, lab.name): lab for lab in options.scheme_labels}
    assert labels[(None, "Genre")].scope.value == "document" and labels[(None, "Claim")].scope.value == "span"
    assert labels[(None, "Claim")].colour == "#ff0000" and labels[(None, "Claim")].guideline.startswith("A checkable")
    assert labels[(None, "Framing")].guideline == "Not used yet: instructions only."  # unused codes come too
    fidelity = options.fidelity
    assert fidelity.left_out[("qdpx", "pdf source")] == 1 and fidelity.kept[("qdpx", "code in the code book")] == 6


def test_exported_project_validates_against_the_refi_schema(sample_project, tmp_path) -> None:
    out = tmp_path / "project.qdpx"
    report = exporting.export(sample_project, "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        qde = etree.fromstring(archive.read("project.qde"))
        assert len([n for n in archive.namelist() if n.startswith("sources/")]) == report.documents == 5
    assert schema().validate(qde), schema().error_log
    assert {u.get("name") for u in qde.findall("q:Users/q:User", NS)} == {"alice", "bob"}
    assert not qde.findall(".//q:Variable[@name='source']", NS)  # the path a document came from stays here
    scheme_labels = {lab.name for lab in sample_project.scheme.labels}
    assert scheme_labels <= {c.get("name") for c in qde.iter("{urn:QDA-XML:project:1.0}Code")}
    back = list(read_qdpx(out, ReadOptions()))
    original = list(exporting.bundles(sample_project))
    assert [b.document.text for b in back] == [b.document.text for b in original]
    assert [b.document.uuid for b in back] == [b.document.uuid for b in original]  # guids are the ids
    assert sum(len(b.annotations) for b in back) == report.annotations
    assert sum(len(b.relations) for b in back) == sum(len(b.relations) for b in original)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=3, relations=True, notes=True, document_level=True))
def test_round_trip(bundle) -> None:
    [back] = round_trip("qdpx", [bundle])
    assert back.document.text == bundle.document.text
    assert spans_of(back) == spans_of(bundle)
    assert relations_of(back) == relations_of(bundle)
    key = lambda a: repr((a.annotator, a.label, a.subtype, a.fragments))  # noqa: E731
    assert [(key(a), a.note, a.uuid, a.created) for a in sorted(back.annotations, key=key)] == [
        (key(a), a.note, a.uuid, a.created) for a in sorted(bundle.annotations, key=key)
    ]


def test_entity_expansion_is_refused(tmp_path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", bomb)
    with pytest.raises(InputError) as caught:
        list(read_qdpx(path, ReadOptions()))
    assert caught.value.path == str(path) and "refused" in caught.value.reason


def test_a_coding_of_a_code_not_in_the_code_book_is_named(tmp_path) -> None:
    broken = PROJECT.replace(f'<CodeRef targetGUID="{C_OTHER}"/>', f'<CodeRef targetGUID="{G(9, 9)}"/>')
    path = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", broken.encode("utf-8"))
        archive.writestr(f"sources/{S1}.txt", TEXT1.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        list(read_qdpx(path, ReadOptions()))
    assert CD3 in caught.value.reason and "not in the code book" in caught.value.reason


def test_a_zero_width_selection_is_kept_and_written_back(tmp_path) -> None:
    zero = (
        f'<PlainTextSelection guid="{G(5, 9)}" startPosition="5" endPosition="5" creatingUser="{U1}">'
        f'<Coding guid="{G(6, 9)}" creatingUser="{U1}"><CodeRef targetGUID="{C_OTHER}"/></Coding></PlainTextSelection>'
    )
    changed = PROJECT.replace('<Coding guid="' + CD4, zero + '<Coding guid="' + CD4)
    path = tmp_path / "zero.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", changed.encode("utf-8"))
        archive.writestr(f"sources/{S1}.txt", TEXT1.encode("utf-8"))
    options = ReadOptions()
    read = list(read_qdpx(path, options))
    assert options.fidelity.preserved[("qdpx", "zero-width selection")] == 1
    assert G(5, 9) not in {a.uuid for b in read for a in b.annotations}
    out = tmp_path / "out.qdpx"
    registry.get("qdpx").write(read, out, WriteOptions(extra={"scheme": Scheme(labels=tuple(options.scheme_labels))}))
    with zipfile.ZipFile(out) as archive:
        qde = etree.fromstring(archive.read("project.qde"))
    assert schema().validate(qde), schema().error_log
    assert qde.find(f".//q:PlainTextSelection[@guid='{G(5, 9)}']", NS).get("startPosition") == "5"
