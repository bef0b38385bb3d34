"""`annotator analyze` through annotator.cli.main.main: the JSON shape, the tidy CSV, KWIC, the report, errors."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from annotator.cli.main import main
from tests.conftest import shared_data


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def basil_db(tmp_path, capsys):
    db = str(tmp_path / "basil.sqlite")
    code, _, err = run(
        capsys, "--db", db, "--as", "t", "import", "--format", "basil", "--label-map", "new", str(shared_data("basil"))
    )
    assert code == 0, err
    return db


def test_json_has_the_documented_shape(basil_db, capsys) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        basil_db,
        "analyze",
        "--labels",
        "bias",
        "--subtypes",
        "--json",
        "--bootstrap",
        "100",
        "--seed",
        "5",
    )
    assert code == 0
    data = json.loads(out)
    group = data["groups"]["Fox News"]
    assert set(group) == {"documents", "words", "labels"}
    assert set(group["labels"]) == {"bias", "bias/lexical", "bias/informational"}
    entry = group["labels"]["bias/lexical"]
    assert set(entry) == {"spans", "documents_with", "per_1000_words", "ci"} and set(entry["ci"]) == {"low", "high"}
    assert entry["per_1000_words"] == pytest.approx(1000 * entry["spans"] / group["words"], rel=1e-12)
    assert data["bootstrap"] == {"resamples": 100, "seed": 5, "level": 0.95}
    code, again, _ = run(
        capsys,
        "--db",
        basil_db,
        "analyze",
        "--labels",
        "bias",
        "--subtypes",
        "--json",
        "--bootstrap",
        "100",
        "--seed",
        "5",
    )
    assert json.loads(again)["groups"] == data["groups"]  # the same seed, the same intervals


def test_csv_is_tidy_and_agrees_with_json(basil_db, capsys) -> None:
    _, out, _ = run(capsys, "--db", basil_db, "analyze", "--labels", "bias", "--csv", "--bootstrap", "50")
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 3 and set(table["label"]) == {"bias"}
    _, js, _ = run(capsys, "--db", basil_db, "analyze", "--labels", "bias", "--json", "--bootstrap", "50")
    data = json.loads(js)
    for row in table.itertuples():
        entry = data["groups"][row.group]["labels"][row.label]
        assert row.spans == entry["spans"] and row.per_1000_words == pytest.approx(entry["per_1000_words"], rel=1e-12)
        assert row.ci_low == pytest.approx(entry["ci"]["low"], rel=1e-12)


def test_plain_table_compare_paired_and_report(basil_db, capsys, tmp_path) -> None:
    report = tmp_path / "report.html"
    code, out, err = run(
        capsys,
        "--db",
        basil_db,
        "analyze",
        "--labels",
        "bias",
        "--compare",
        "Fox News",
        "HuffPost",
        "--paired",
        "--correction",
        "bh",
        "--report",
        str(report),
    )
    assert code == 0, err
    assert "The New York Times" in out and "per 1,000 words [95% CI]" in out
    assert "Fox News − HuffPost (paired within stories; p two-sided, bh across labels)" in out
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3 and "seed 20201111" in page and "paired within stories" in page
    assert '<img src="http' not in page and "<script" not in page  # self-contained


def test_kwic_is_csv_of_spans_in_context(basil_db, capsys) -> None:
    code, out, _ = run(capsys, "--db", basil_db, "analyze", "--kwic", "bias/lexical", "--sort", "published")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["subtype"] == "lexical" for r in rows)
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--by", "colour"], "no document has a field 'colour'; --by takes outlet"),
        (["--labels", "nonsense"], "'nonsense' is not a label"),
        (["--collection", "nope"], "no collection named 'nope'"),
        (["--compare", "CNN", "Fox News"], "no outlet 'CNN' among the groups; they are: Fox News, HuffPost"),
        (["--paired"], "--paired goes with --compare A B"),
        (["--bootstrap", "-1"], "--bootstrap takes a number"),
        (["--gold"], "the project has no gold layer yet"),
    ],
)
def test_bad_input_exits_2_with_a_message(basil_db, capsys, argv, message) -> None:
    code, out, err = run(capsys, "--db", basil_db, "analyze", *argv)
    assert code == 2 and message in err and out == ""
