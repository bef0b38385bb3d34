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
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    return home


class MemoryKeyring:
    """keyring's backend interface kept in a dict: no test reads or writes the machine's real keyring."""

    priority = 1

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")

    def get_credential(self, service: str, username: str | None):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture(autouse=True)
def memory_keyring():
    """Every test gets an empty in-memory keyring (tests of "no keyring at all" swap in keyring's fail backend)."""
    import keyring
    from keyring.backend import KeyringBackend

    backend = type("TestKeyring", (MemoryKeyring, KeyringBackend), {})()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# Storage and service tests run on both databases; everything else on SQLite only (see pytest_generate_tests).
BOTH_BACKENDS_UNDER = ("store", "services")
SQLITE_ONLY_MODULES = ("test_storage_faults.py",)  # about SQLite files on disk: deleted, moved, disk full


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if Path(str(metafunc.definition.path)).name in SQLITE_ONLY_MODULES:
        return
    folder = Path(str(metafunc.definition.path)).parent.name
    if folder in BOTH_BACKENDS_UNDER:
        both = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
        metafunc.parametrize("backend", both, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_template():
    """A database with the current schema and the default scheme, copied for each PostgreSQL test (fast)."""
    from tests import pg

    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    from annotator.services.project import Project

    pg.drop_orphans()
    name = pg.unique_name("annotator_tpl")
    Project.open(pg.create_database(name), creator="lead").close()
    pool = pg.DatabasePool(name)
    yield pool
    pool.close()
    pg.drop_database(name)


@pytest.fixture
def pg_url(pg_template):
    """A fresh PostgreSQL project database (a copy of the template), dropped after the test."""
    from tests import pg

    name = pg_template.take()
    yield pg.database_url(name)
    pg_template.release(name)


@pytest.fixture
def project_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "project.sqlite"


@pytest.fixture
def project(project_url):
    from annotator.services.project import Project

    opened = Project.open(project_url)
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
