"""A process killed with SIGKILL in the middle of editing loses nothing it was told was saved."""

import sqlite3

import pytest

from tests.crash import harness


def test_killed_editor_loses_no_saved_edit(tmp_path) -> None:
    report = harness.crash_runs(tmp_path, runs=4, seed=7)
    assert report.runs == 4
    assert report.reported_edits > 0, "the editor reported no saved edit before it was killed"
    assert report.lost_edits == []
    assert report.problems == []


@pytest.fixture
def edited(tmp_path):
    for seed in range(11, 21):  # a kill can land before the first edit: take the first run that saved some
        folder = tmp_path / str(seed)
        folder.mkdir()
        if harness.crash_runs(folder, runs=1, seed=seed).reported_edits:
            return folder / "crash.sqlite", folder / "edits.log"
    raise AssertionError("ten killed editors reported no saved edit")


def test_the_check_notices_a_lost_edit(edited) -> None:
    """The harness is only worth its runs if it would see a loss: remove one saved annotation behind its back."""
    path, out = edited
    saved, _in_flight, _ = harness.expected_states(out)
    victim = next((u for u, state in saved.items() if state is not None), None)
    if victim is None:
        pytest.skip("every reported edit was a delete")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM annotations WHERE uuid = ?", (victim,))
    lost, _ = harness.lost_edits(path, out)
    assert victim in lost
    assert any(victim in p and "missing" in p for p in harness.check_file(path))


def test_the_check_notices_a_log_that_disagrees(edited) -> None:
    path, _out = edited
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM change_log WHERE entity = 'annotation'")
        stored = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
    problems = harness.check_file(path)
    assert len(problems) == stored and stored > 0
