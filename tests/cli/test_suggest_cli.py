"""`annotator suggest` as a user runs it: JSON keyed by the ids `list --json` gives, notes on stderr, exit codes."""

from __future__ import annotations

import json

from annotator.services import documents
from annotator.services.project import Project
from annotator.services.samples import samples_path
from tests.cli.test_cli import run


def test_suggest_prints_json_for_the_listed_documents_and_retrains_a_damaged_model(tmp_path) -> None:
    run("import", str(samples_path()), env_home=tmp_path)
    listed = {d["id"] for d in json.loads(run("list", "--json", env_home=tmp_path).stdout)}
    out = run("suggest", "--json", env_home=tmp_path)
    found = json.loads(out.stdout)["suggestions"]
    assert found and {s["document"] for s in found} <= listed
    project = Project.open(tmp_path / "data" / "media-annotator" / "project.sqlite")
    texts = {doc: documents.get_document(project, doc).text for doc in listed}
    project.close()
    for s in found:
        assert {"document", "start", "end", "label", "subtype", "score", "recommender"} <= set(s)
        assert texts[s["document"]][s["start"] : s["end"]] == s["text"] and 0 <= s["score"] <= 1
    assert "note: learned spans: 'claim/causal' skipped, 1 example (at least 8 needed)" in out.stderr
    models = tmp_path / "data" / "media-annotator" / "project.sqlite.models"
    (models / "learned_spans" / "weights.npz").write_bytes(b"damaged")
    again = run("suggest", "--recommender", "learned_spans", env_home=tmp_path)
    assert "note: learned_spans: retrained, because" in again.stderr
    assert all("(learned_spans)" in line for line in again.stdout.splitlines()[:-1])
    cues = run("suggest", "--recommender", "attribution_cues", "--min-score", "0.7", env_home=tmp_path)
    lines = cues.stdout.splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} suggestions for {len({line[:8] for line in lines[:-1]})} documents")
    assert lines[:-1] and all(float(line.split()[2]) >= 0.7 for line in lines[:-1])
    assert len(lines) < len([s for s in found if s["recommender"] == "attribution_cues"]) + 1  # some were below


def test_evaluate_and_bad_options(tmp_path) -> None:
    run("import", str(samples_path()), env_home=tmp_path)
    result = json.loads(
        run("suggest", "--evaluate", "--json", "--recommender", "attribution_cues", env_home=tmp_path).stdout
    )
    assert (result["train_documents"], result["test_documents"]) == (4, 1)
    assert set(result["recommenders"]) <= {"attribution_cues"} and result["all"]
    for scores in result["all"].values():
        assert set(scores) == {"suggested", "random"} and 0 <= scores["suggested"]["f1"] <= 1
    unknown = run("suggest", "--recommender", "nope", env_home=tmp_path, check=False)
    assert unknown.returncode == 2 and "annotator: no recommender named 'nope'; known: " in unknown.stderr
    fraction = run("suggest", "--evaluate", "--test-fraction", "1.5", env_home=tmp_path, check=False)
    assert fraction.returncode == 2 and "--test-fraction takes a number between 0 and 1, got 1.5" in fraction.stderr
