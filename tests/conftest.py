"""Test set-up: headless Qt, every file the app writes redirected into a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs reads the XDG variables on every call, so this moves data, config and logs into tmp_path."""
    home = tmp_path / "home"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"),
                     ("XDG_CACHE_HOME", "cache")):  # fmt: skip
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture
def project(tmp_path: Path):
    from annotator.services.project import Project

    opened = Project.open(tmp_path / "project.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def sample_project(project):
    from annotator.services.samples import load_samples

    report = load_samples(project, "alice")
    assert not report.failed
    return project


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data, or a skip with the reason when the folder is not beside the checkout."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data is only beside the project on the team's machines)")
    return path
