"""`agreement`, `merge` and `adjudicate` as a user runs them: real processes, the samples of alice and bob."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "samples.jsonl"


def run(home: Path, *args: str, db: str = "project.sqlite", check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(home / db), "--as", "carla", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture
def home(tmp_path: Path) -> Path:
    run(tmp_path, "import", str(SAMPLES))
    return tmp_path


def test_agreement_json_is_the_documented_object(home: Path) -> None:
    data = json.loads(run(home, "agreement", "--json", "--bootstrap", "100").stdout)
    for key in ("overall", "by_label", "pairs", "document_level"):
        assert key in data
    for block in [data["overall"], *data["by_label"].values()]:
        assert {"cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u", "f1_exact", "f1_relaxed"} <= set(block)
    assert data["pairs"][0]["annotators"] == ["alice", "bob"]
    assert data["overall"]["ci"]["cohen_kappa"]["resamples"] == 100


def test_agreement_text_breakdown_and_report(home: Path) -> None:
    out = run(
        home,
        "agreement",
        "--annotators",
        "alice,bob",
        "--labels",
        "claim",
        "opinion",
        "--by",
        "outlet",
        "--report",
        str(home / "report"),
    ).stdout
    assert out.startswith("report written to") and "== outlet: Civic Ledger" in out
    assert "\nclaim " in out and "framing" not in out
    assert (home / "report" / "report.html").exists() and (home / "report" / "confusion_alice_bob.svg").exists()


def test_agreement_refuses_a_single_annotator_with_one_line(home: Path) -> None:
    result = run(home, "agreement", "--annotators", "alice", check=False)
    assert result.returncode == 2
    assert result.stderr == "annotator: agreement needs two or more annotators; the choice has only alice\n"


def test_merge_twice_and_adjudicate(home: Path) -> None:
    run(home, "import", str(SAMPLES), db="other.sqlite")
    first = run(home, "merge", str(home / "other.sqlite")).stdout
    assert "backup of this project:" in first and "0 documents added, 5 matched" in first
    assert "0 annotations added, 71 already here" in first
    agreed = run(home, "adjudicate", "--accept-agreed").stdout
    assert agreed.startswith("21 accepted, 0 rejected")
    again = run(home, "adjudicate", "--accept-agreed").stdout
    assert again.startswith("0 accepted") and "21 decided before" in again
    records = json.loads(run(home, "adjudicate", "--provenance").stdout)
    assert sum(len(v) for v in records.values()) == 21
    assert {r["curator"] for v in records.values() for r in v} == {"carla"}
    listing = run(home, "adjudicate", "--list").stdout
    assert listing.count("decided (agreed)") == 21 and "open" in listing
    data = json.loads(run(home, "agreement", "--json").stdout)
    assert data["annotators"] == ["alice", "bob"]  # the gold layer is not one of the annotators


def test_merge_of_a_missing_file_is_one_line(home: Path) -> None:
    result = run(home, "merge", str(home / "nope.sqlite"), check=False)
    assert result.returncode == 2 and "nope.sqlite: no such file" in result.stderr
