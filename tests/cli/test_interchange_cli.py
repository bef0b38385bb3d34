"""`annotator export` with filters and every format, `annotator import --format F --label-map`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.services.samples import samples_path
from tests.conftest import shared_data


def cli(*args: str, db: Path) -> int:
    with pytest.raises(SystemExit) as done:
        main(["--db", str(db), "--as", "tester", *args])
    return int(done.value.code or 0)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "project.sqlite"
    assert cli("import", str(samples_path()), db=path) == 0
    return path


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("jsonl", "out.jsonl"),
        ("csv", "out.csv"),
        ("brat", "brat"),
        ("doccano", "out.jsonl"),
        ("labelstudio", "out.json"),
        ("conll", "out.conll"),
        ("ptc", "ptc"),
        ("webanno", "tsv"),
        ("qdpx", "out.qdpx"),
    ],
)
def test_every_format_exports(db, tmp_path, capsys, fmt, name) -> None:
    out = tmp_path / name
    assert cli("export", "--format", fmt, "--out", str(out), "--annotators", "alice", db=db) == 0
    said = capsys.readouterr().out
    assert "exported 5 documents, 38 annotations" in said
    assert out.exists() and (out.is_file() or any(out.iterdir()))


def test_filters_combine(db, tmp_path, capsys) -> None:
    out = tmp_path / "f.jsonl"
    cli("export", "--out", str(out), "--labels", "claim/statistical,opinion", "--status", "done", db=db)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    labels = {(a["label"], a["subtype"]) for r in records for a in r["annotations"]}
    assert labels and all(lab == "opinion" or sub == "statistical" for lab, sub in labels)
    capsys.readouterr()
    assert cli("export", "--out", str(out), "--gold-only", db=db) == 0
    assert "0 annotations" in capsys.readouterr().out
    assert cli("export", "--out", str(out), "--status", "finished", db=db) == 2
    assert "unknown status 'finished'" in capsys.readouterr().err


def test_collections_filter(db, tmp_path, capsys) -> None:
    article = tmp_path / "extra.txt"
    article.write_text("A new article about budgets.", encoding="utf-8")
    assert cli("import", str(article), "--collection", "batch 2", db=db) == 0
    out = tmp_path / "c.jsonl"
    capsys.readouterr()
    assert cli("export", "--out", str(out), "--collections", "batch 2", db=db) == 0
    assert "exported 1 documents, 0 annotations" in capsys.readouterr().out


def test_import_with_a_label_map_file(tmp_path, capsys) -> None:
    db = tmp_path / "p.sqlite"
    folder = tmp_path / "ann" / "gina"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("The minister said taxes will rise.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tClaim 18 33\ttaxes will rise\nT2\tSpeaker 0 12\tThe minister\n", encoding="utf-8"
    )
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"Claim": "claim/prediction", "Speaker": "attribution/source"}), encoding="utf-8")
    assert cli("import", "--format", "brat", "--label-map", str(label_map), str(tmp_path / "ann"), db=db) == 0
    capsys.readouterr()
    out = tmp_path / "back.jsonl"
    cli("export", "--out", str(out), db=db)
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    got = sorted((a["annotator"], a["label"], a["subtype"], a["fragments"][0]["text"]) for a in record["annotations"])
    assert got == [
        ("gina", "attribution", "source", "The minister"),
        ("gina", "claim", "prediction", "taxes will rise"),
    ]


def test_unknown_labels_without_a_map_fail_naming_them(tmp_path, capsys) -> None:
    db = tmp_path / "p.sqlite"
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "a.txt").write_text("Taxes rise.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tRumour 0 5\tTaxes\n", encoding="utf-8")
    assert cli("import", "--format", "brat", "--annotator", "hal", str(folder), db=db) == 1
    said = capsys.readouterr().out
    assert "'Rumour'" in said and "--label-map" in said and "0 imported" in said
    assert cli("import", "--format", "brat", "--annotator", "hal", "--label-map", "new", str(folder), db=db) == 0
    assert "1 annotations" in capsys.readouterr().out


def test_ptc_corpus_imports_and_exports_from_the_command_line(tmp_path, capsys) -> None:
    corpus = shared_data("ptc_semeval2020_task11")
    db = tmp_path / "p.sqlite"
    assert cli("import", "--format", "ptc", "--label-map", "new", str(corpus), db=db) == 0
    assert "25 imported" in capsys.readouterr().out
    out = tmp_path / "ptc"
    assert cli("export", "--format", "ptc", "--out", str(out), db=db) == 0
    original = next(corpus.rglob("article712382330.task2-TC.labels"))
    assert (out / original.name).read_bytes() == original.read_bytes()


def test_import_check_prints_what_each_format_keeps_and_stores_nothing(tmp_path, capsys) -> None:
    from tests.formats.test_brat import FULL, TEXT, write

    db = tmp_path / "p.sqlite"
    folder = write(tmp_path / "in", "full", TEXT, FULL)
    assert cli("import", "--check", "--format", "brat", str(folder), db=db) == 0
    said = capsys.readouterr().out
    assert "kept as format data only: 2 attributes (brat), 1 equivalence (brat), 2 normalizations (brat)" in said
    assert "checked: 1 documents and 7 annotations read" in said and "nothing was stored" in said
    assert cli("list", "--json", db=db) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_import_json_carries_the_fidelity_report(tmp_path, capsys) -> None:
    from tests.formats.test_brat import FULL, TEXT, write

    db = tmp_path / "p.sqlite"
    folder = write(tmp_path / "in", "full", TEXT, FULL)
    assert cli("import", "--json", "--format", "brat", "--label-map", "new", str(folder), db=db) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotations"] == 7 and not report["failed"] and not report["checked"]
    preserved = {(x["format"], x["kind"]): x["count"] for x in report["fidelity"]["preserved"]}
    assert preserved[("brat", "normalization")] == 2 and preserved[("brat", "zero-width entity")] == 1
    kept = {(x["format"], x["kind"]): x["count"] for x in report["fidelity"]["kept"]}
    assert kept[("brat", "event")] == 3


def test_an_offset_that_misses_its_text_fails_naming_it_unless_reanchored(tmp_path, capsys) -> None:
    db = tmp_path / "p.sqlite"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "doc.txt").write_text("Taxes will rise. It will.", encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tclaim 6 10\tIt\n", encoding="utf-8")
    assert cli("import", "--format", "brat", "--label-map", "new", str(folder), db=db) == 1
    said = capsys.readouterr().out
    assert f"{folder / 'doc.ann'}:1: entity T1: span 6..10 covers 'will', but the file says 'It'" in said
    assert cli("import", "--format", "brat", "--reanchor", "--label-map", "new", str(folder), db=db) == 0
    said = capsys.readouterr().out
    assert f"re-anchored: {folder / 'doc.ann'}:1: entity T1 from 6..10 to 17..19 ('It')" in said
