"""REFI-QDA .qdpx: the project validates against the REFI XSD, round-trips, and hostile XML is refused."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from annotator.core.errors import InputError
from annotator.formats.qdpx import read_qdpx
from annotator.formats.registry import ReadOptions
from annotator.services import exporting
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of


def test_exported_project_validates_against_the_refi_schema(sample_project, tmp_path) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_data("format_examples", "refi_qda", "Project-mrt2019.xsd"))))
    out = tmp_path / "project.qdpx"
    report = exporting.export(sample_project, "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        qde = etree.fromstring(archive.read("project.qde"))
        assert len([n for n in archive.namelist() if n.startswith("sources/")]) == report.documents == 5
    assert schema.validate(qde), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert {u.get("name") for u in qde.findall("q:Users/q:User", ns)} == {"alice", "bob"}
    back = list(read_qdpx(out, ReadOptions()))
    original = list(exporting.bundles(sample_project))
    assert [b.document.text for b in back] == [b.document.text for b in original]
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
    assert [(key(a), a.note) for a in sorted(back.annotations, key=key)] == [
        (key(a), a.note) for a in sorted(bundle.annotations, key=key)
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
