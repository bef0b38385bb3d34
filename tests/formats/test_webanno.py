"""WebAnno TSV 3.3: INCEpTION's files come back as they went in (layers and features by name, stacked spans,
relations with all features, chains, link features, sub-token and zero-width annotations, sentence ids),
offsets in UTF-16 units, our own documents round-trip, rule breaks named with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.model import Document, Fragment
from annotator.formats import registry
from annotator.formats._common import IdMaker, imported
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions
from annotator.formats.webanno import escape_text, escape_value, unescape_value
from annotator.formats.webanno_read import read_tsv, read_webanno
from annotator.formats.webanno_write import document_tsv
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of

EXAMPLES = (
    "testMultiTokenStackedSpanWithFeatureValue.reference.tsv",
    "testSingleTokenRelationWithoutFeatureValue.reference.tsv",
    "testSimpleChain.reference.tsv",
    "testSimpleSlotFeature.reference.tsv",
    "testZeroLengthSpansWithFeatureValues.reference.tsv",
    "example2.first2sentences.tsv",
)


def meaning(bundle: DocumentBundle) -> dict:
    """Everything a file says, independent of ids and of the file's disambiguation numbers."""
    where = {a.uuid: (a.label, a.subtype, a.fragments) for a in bundle.annotations}
    data = dict(bundle.document.metadata.get("webanno", {}))
    for key in ("chains", "slots", "relation_layers", "relation_features"):  # keyed by ids: compared by place
        by_id = data.pop(key, {})
        data[key] = sorted(repr((where.get(k) or k, v)) for k, v in by_id.items() if k in where) + sorted(
            repr(v) for k, v in by_id.items() if k not in where
        )
    return {
        "text": bundle.document.text,
        "spans": sorted(repr((a.annotator, a.label, a.subtype, a.fragments, a.attributes)) for a in bundle.annotations),
        "relations": sorted(repr((r.type, where[r.source], where[r.target], r.annotator)) for r in bundle.relations),
        "data": {k: v for k, v in data.items() if k != "name"},
    }


def write_back(bundle: DocumentBundle, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    registry.get("webanno").write([bundle], out, WriteOptions())
    [written] = out.glob("*.tsv")
    return written


@pytest.mark.parametrize("name", EXAMPLES)
def test_inceptions_test_files_come_back_the_same(name, tmp_path) -> None:
    path = shared_data("format_examples", "webanno_tsv3", name)
    options = ReadOptions()
    bundle = read_tsv(path, options)
    written = write_back(bundle, tmp_path)
    assert written.name == path.name
    back = read_tsv(written, ReadOptions())
    assert meaning(back) == meaning(bundle)
    without_numbers = lambda text: re.sub(r"\[\d+\]", "[]", text)  # noqa: E731 (disambiguation ids are local)
    assert without_numbers(written.read_text(encoding="utf-8")) == without_numbers(path.read_text(encoding="utf-8"))
    assert not options.fidelity.left_out


def test_layers_stay_apart_and_labels_come_from_named_features() -> None:
    bundle = read_tsv(shared_data("format_examples", "webanno_tsv3", "example2.first2sentences.tsv"), ReadOptions())
    text = bundle.document.text
    spans = {(a.label, a.subtype, a.covered_texts(text)[0]) for a in bundle.annotations}
    assert ("POS", "NNP", "Ms.") in spans and ("NamedEntity", "PER", "Ms. Haag") in spans
    assert ("NamedEntity", "ORG", "Rolls-Royce Motor") in spans
    by_uuid = {a.uuid: a for a in bundle.annotations}
    deps = {
        (r.type, by_uuid[r.source].covered_texts(text)[0], by_uuid[r.target].covered_texts(text)[0])
        for r in bundle.relations
    }
    assert ("SUBJ", "plays", "Ms.") in deps and ("ROOT", "plays", "plays") in deps
    assert all(by_uuid[r.source].label == "POS" for r in bundle.relations)  # dependencies join POS annotations
    assert bundle.document.metadata["webanno"]["sentences"] == [[0, 24], [25, 130]]


def test_chains_links_and_zero_width_annotations() -> None:
    chain = read_tsv(shared_data("format_examples", "webanno_tsv3", "testSimpleChain.reference.tsv"), ReadOptions())
    links = sorted(chain.annotations, key=lambda a: a.start)
    assert [(a.label, a.subtype, a.covered_texts(chain.document.text)) for a in links] == [
        ("SimpleLink", None, ["This"]),
        ("SimpleLink", None, ["is"]),
        ("SimpleLink", None, ["a"]),
    ]
    order = {a.uuid: n for n, a in enumerate(links)}
    assert sorted((order[r.source], order[r.target]) for r in chain.relations) == [(0, 1), (1, 2)]
    slot = read_tsv(
        shared_data("format_examples", "webanno_tsv3", "testSimpleSlotFeature.reference.tsv"), ReadOptions()
    )
    by_uuid = {a.uuid: a for a in slot.annotations}
    assert sorted((r.type, by_uuid[r.source].label, by_uuid[r.target].start) for r in slot.relations) == [
        ("p1", "SimpleLinkHost", 5),
        ("p2", "SimpleLinkHost", 8),
    ]
    options = ReadOptions()
    zero = read_tsv(
        shared_data("format_examples", "webanno_tsv3", "testZeroLengthSpansWithFeatureValues.reference.tsv"), options
    )
    assert zero.annotations == [] and options.fidelity.preserved[("webanno", "zero-width annotation")] == 2
    assert [z["features"] for z in zero.document.metadata["webanno"]["zero_width"]["webanno"]] == [
        {"value": "PERSON"},
        {"value": "ORG"},
    ]


def _row(*cells: str) -> str:
    return "\t".join(cells) + "\t"


_ = "_"
RICH = (
    "\n".join(
        [
            "#FORMAT=WebAnno TSV 3.3",
            "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value",
            "#T_SP=webanno.custom.Opinion|holder|polarity",
            "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|referenceRelation",
            "#T_RL=webanno.custom.Rel|boolValue|value|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity",
            "",
            "",
            "#Sentence.id=s1",
            "#Text=Ms. Haag 😀 saw her\\\\bank.",
            _row("1-1", "0-3", "Ms.", "Q1[1]", "PER[1]", _, _, "nam[1]", "coref->1-1", _, _, _),
            _row("1-2", "4-8", "Haag", "Q1[1]", "PER[1]", "*", "positive", "nam[1]", "coref->1-1", _, _, _),
            _row("1-3", "9-11", "😀", *[_] * 9),
            _row("1-4", "12-15", "saw", *[_] * 9),
            _row("1-5", "16-19", "her", "*", "PER", _, _, "pr[1]", "*->1-2", "true", "nsubj", "1-1[1_0]"),
            _row("1-6", "19-25", "\\bank.", *[_] * 9),
            _row("1-6.1", "20-24", "bank", "Q2[2]|*[3]", "ORG[2]|LOC[3]", *[_] * 7),
            "",
            "#Sentence.id=s2",
            "#Text=Next.",
            _row("2-1", "26-31", "Next.", *[_] * 9),
        ]
    )
    + "\n"
)


def test_every_construct_of_a_rich_file_by_name(tmp_path) -> None:
    path = tmp_path / "rich.tsv"
    path.write_text(RICH, encoding="utf-8")
    options = ReadOptions()
    bundle = read_tsv(path, options)
    text = bundle.document.text
    assert text == "Ms. Haag 😀 saw her\\bank.\nNext."
    spans = {
        (a.label, a.subtype, a.covered_texts(text)[0], tuple(sorted(a.attributes.items()))) for a in bundle.annotations
    }
    assert ("NamedEntity", "PER", "Ms. Haag", (("identifier", "Q1"),)) in spans
    assert ("NamedEntity", "ORG", "bank", (("identifier", "Q2"),)) in spans  # a sub-token span, stacked
    assert ("NamedEntity", "LOC", "bank", ()) in spans
    assert ("Opinion", None, "Haag", (("polarity", "positive"),)) in spans  # no label feature: the layer's name
    assert ("CoreferenceLink", "pr", "her", ()) in spans
    [rel] = [r for r in bundle.relations if r.type == "nsubj"]  # the value feature, not the first column
    assert bundle.document.metadata["webanno"]["relation_features"][rel.uuid] == {"boolValue": "true"}
    assert [s[2] for s in bundle.document.metadata["webanno"]["sentences"]] == ["s1", "s2"]
    assert options.fidelity.kept[("webanno", "chain")] == 1
    written = write_back(bundle, tmp_path)
    assert meaning(read_tsv(written, ReadOptions())) == meaning(bundle)
    assert written.read_text(encoding="utf-8") == RICH


def test_the_label_feature_is_the_one_the_map_names() -> None:
    path = shared_data("format_examples", "webanno_tsv3", "example2.first2sentences.tsv")
    bundle = read_tsv(path, ReadOptions(mapping={"Dependency": "DependencyType", "NamedEntity": "value"}))
    assert any(a.subtype == "PER" for a in bundle.annotations)
    with pytest.raises(InputError, match="names the feature 'tag' of layer .*NamedEntity, whose features are value"):
        read_tsv(path, ReadOptions(mapping={"NamedEntity": "tag"}))


def test_inceptions_project_layout_gives_annotators_and_the_document_name(tmp_path) -> None:
    source = shared_data("format_examples", "webanno_tsv3", "testMultiTokenStackedSpanWithFeatureValue.reference.tsv")
    for user in ("alice", "bob"):
        folder = tmp_path / "annotation" / "news.txt"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{user}.tsv").write_bytes(source.read_bytes())
    found = list(read_webanno(tmp_path / "annotation", ReadOptions()))
    assert sorted({a.annotator for b in found for a in b.annotations}) == ["alice", "bob"]
    assert {b.document.metadata["webanno"]["name"] for b in found} == {"news.txt"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(trim=True, relations=True))
def test_round_trip(bundle) -> None:
    [back] = round_trip("webanno", [bundle])
    assert back.document.text == bundle.document.text
    assert spans_of(back) == spans_of(bundle)
    assert relations_of(back) == relations_of(bundle)


DKPRO = "de.tudarmstadt.ukp.dkpro.core.api"
GENERATED_HEADER = [
    f"#T_SP={DKPRO}.lexmorph.type.pos.POS|PosValue",
    f"#T_SP={DKPRO}.ner.type.NamedEntity|value",
    f"#T_CH={DKPRO}.coref.type.CoreferenceLink|referenceType|referenceRelation",
    f"#T_RL={DKPRO}.syntax.type.dependency.Dependency|DependencyType|BT_{DKPRO}.lexmorph.type.pos.POS",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_inception_files_come_back_the_same(data, tmp_path_factory) -> None:
    """Generated files with a POS layer, a stacked NE layer with multi-token spans, a dependency layer and a
    chain, read, written and read again."""
    pieces = ["Ms.", "Haag", "😀", "plays", "e\u0301t", "שלום", "."]
    words = data.draw(st.lists(st.sampled_from(pieces), min_size=2, max_size=12))
    offsets, start = [], 0
    for word in words:
        offsets.append((start, start + len(word.encode("utf-16-le")) // 2))
        start = offsets[-1][1] + 1
    entities = st.tuples(st.integers(0, len(words) - 1), st.integers(1, 3), st.sampled_from(["PER", "ORG"]))
    named: list[list[str]] = [[] for _ in words]
    for number, (first, length, tag) in enumerate(data.draw(st.lists(entities, max_size=3)), start=1):
        for k in range(first, min(first + length, len(words))):
            named[k].append(f"{tag}[{number}]")
    chain = sorted(data.draw(st.sets(st.integers(0, len(words) - 1), max_size=3)))
    rows = []
    for k, word in enumerate(words):
        cells = [f"1-{k + 1}", f"{offsets[k][0]}-{offsets[k][1]}", word]
        cells += [data.draw(st.sampled_from(["NN", "VB", "*"])), "|".join(named[k]) or "_"]
        cells += ["pr[1]", f"coref->1-{chain.index(k) + 1}"] if k in chain else ["_", "_"]
        if data.draw(st.booleans()):  # every token has a POS annotation, so a dependency can end anywhere
            cells += [data.draw(st.sampled_from(["nsubj", "obj"])), f"1-{data.draw(st.integers(1, len(words)))}"]
        else:
            cells += ["_", "_"]
        rows.append("\t".join(cells) + "\t")
    head = ["#FORMAT=WebAnno TSV 3.3", *GENERATED_HEADER, "", "", f"#Text={escape_text(' '.join(words))}"]
    path = tmp_path_factory.mktemp("tsv") / "doc.tsv"
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    bundle = read_tsv(path, ReadOptions())
    back = read_tsv(write_back(bundle, path.parent), ReadOptions())
    assert meaning(back) == meaning(bundle)
    assert len([a for a in bundle.annotations if a.label == "CoreferenceLink"]) == len(chain)


def test_token_offsets_are_utf16_units(tmp_path) -> None:
    text = "😀 Taxes 👍🏽 rise."
    doc = Document(text)
    start = text.index("rise")
    ann = imported(doc, IdMaker(doc, "t"), "alice", "claim", [Fragment(start, start + 4)])
    content, _ = document_tsv(DocumentBundle(doc, [ann]))
    row = next(line for line in content.splitlines() if "\trise\t" in line)
    assert row.split("\t")[1] == "14-18"  # code points 11-15; the three astral characters count two units each
    assert start == 11
    path = tmp_path / "doc.tsv"
    path.write_text(content, encoding="utf-8")
    [back] = read_tsv(path, ReadOptions()).annotations
    assert back.fragments == (Fragment(11, 15),) and (back.label, back.annotator) == ("claim", "alice")


def test_escaping_follows_webanno() -> None:
    assert escape_value("a_b|c[1]->d;*") == "a\\_b\\|c\\[1\\]\\->d\\;\\*"
    assert unescape_value(escape_value("a_b|c[1]->d;*\\")) == "a_b|c[1]->d;*\\"
    assert escape_text("tab\there\r\\") == "tab\\there\\r\\\\"


BAD_HEAD = "\n".join(
    [
        "#FORMAT=WebAnno TSV 3.3",
        "#T_SP=webanno.custom.Span|value",
        "#T_RL=webanno.custom.R|value|BT_webanno.custom.Span",
        "",
        "",
        "#Text=Taxes rise",
        "",
    ]
)


@pytest.mark.parametrize(
    ("body", "line", "rule"),
    [
        ("1-1\t0-5\tTaxes\t_\t_\t_\t\n1-2\t6-10\tfall\t_\t_\t_\t\n", 8, "covers 'rise', but the file says 'fall'"),
        ("1-1\t0-5\tTaxes\t_\t_\n", 7, "expected 6 tab-separated fields, found 5"),
        ("1-1\t0-5\tTaxes\t_\t_\t\t\n", 7, "the webanno.custom.R column BT is empty"),
        ("x1\t0-5\tTaxes\t_\t_\t_\t\n", 7, "a unit starts 'S-T<TAB>begin-end'"),
        ("1-1\t0-5\tTaxes\tA\t_\t_\t\n1-2\t6-10\trise\tB\tr\t1-1[7_0]\t\n", 8, "refers to 1-1[7], which no annotation"),
        (
            "1-1\t0-5\tTaxes\tA\t_\t_\t\n1-2\t6-10\trise\tB\tr\t3-9\t\n",
            8,
            "refers to unit 3-9, which this file does not have",
        ),
    ],
)
def test_a_file_that_breaks_a_rule_says_which_with_file_and_line(tmp_path, body, line, rule) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(BAD_HEAD + body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_tsv(path, ReadOptions())
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert rule in caught.value.reason


def test_a_bad_header_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("#FORMAT=WebAnno TSV 3.3\n#T_XX=what\n\n\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_tsv(path, ReadOptions())
    assert caught.value.line == 2 and "declares a layer" in caught.value.reason
