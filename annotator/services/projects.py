"""Choosing the project to work in: a new one, a file, a team server, the recent list.

A location is a project file's absolute path or a server URL without its password (store/locations.py);
passwords stay in the system keyring (services/credentials.py). Opening for the window is stricter than the
command line's --db: a missing file is not silently created, and a file that could not save an edit (read-only,
locked by another program) is refused up front, with what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError, StoreError
from annotator.core.scheme import Scheme, default_scheme, load_scheme_file
from annotator.services import credentials
from annotator.services.project import Project
from annotator.services.scheme import check_scheme
from annotator.store import locations

RECENT_KEPT = 10
SUFFIX = ".sqlite"

display_name = locations.display_name
is_server = locations.is_server


def location_of(target: str | Path) -> str:
    return locations.normalise(target)


def unavailable_reason(location: str) -> str:
    """Why a recent project cannot be opened now ("" when it looks fine). Servers are only known by trying."""
    path = locations.file_path(location)
    if path is None:
        return ""
    if not path.exists():
        return "file not found"
    if path.is_dir():
        return "a folder, not a project file"
    if not os.access(path, os.R_OK):
        return "not readable"
    return ""


def remember(recent: list[str], location: str) -> list[str]:
    """The recent list with location first, the last RECENT_KEPT only."""
    return [location, *[r for r in recent if r != location]][:RECENT_KEPT]


def open_project(location: str, password: str | None = None) -> Project:
    """Open a project for the window: it must exist (a file) and be writable. Raises StoreError saying why not."""
    path = locations.file_path(location)
    if path is not None and not path.exists():
        raise StoreError(f"{path} does not exist (moved, renamed or deleted?); choose the file where it is now")
    project = Project.open(locations.with_password(location, password))
    try:
        project.database.check_writable()
    except StoreError:
        project.close()
        raise
    return project


def new_project_path(folder: str | Path, name: str) -> Path:
    """Where a project called name goes in folder; InputError for a name that cannot be a file name."""
    name = name.strip()
    if name.endswith(SUFFIX):
        name = name[: -len(SUFFIX)]
    if not name or name in {".", ".."} or any(c in name for c in '/\\:*?"<>|'):
        raise InputError(f"“{name}” cannot be a project's name: use letters, digits, spaces, - or _")
    return Path(folder).expanduser().absolute() / f"{name}{SUFFIX}"


def scheme_of_project(path: str | Path) -> Scheme:
    """The scheme of another project file, read without changing that file (opened read-only)."""
    source = Path(path).expanduser().absolute()
    if not source.is_file():
        raise InputError("no such project file", str(source))
    project = Project.open(f"sqlite:///file:{source}?mode=ro&uri=true")
    try:
        return project.scheme
    finally:
        project.close()


def new_project(
    folder: str | Path, name: str, creator: str, scheme_file: str | Path = "", scheme_project: str | Path = ""
) -> Project:
    """Create a project file: the default scheme, or one from a scheme file, or a copy of another project's."""
    path = new_project_path(folder, name)
    if path.exists():
        raise InputError(f"{path.name} already exists there: open it with File › Open project, or choose another name")
    if not path.parent.is_dir():
        raise InputError("no such folder", str(path.parent))
    if scheme_file:
        scheme = load_scheme_file(str(scheme_file))
        check_scheme(scheme)
    elif scheme_project:
        scheme = scheme_of_project(scheme_project)
    else:
        scheme = default_scheme()
    return Project.open(path, creator=creator, scheme=scheme)


def server_location(
    host: str, port: int, database: str, user: str, sslmode: str = "prefer", sslrootcert: str = "", timeout: int = 0
) -> str:
    """A team server's location from the connection form (checked: host and database must be given)."""
    missing = [what for what, value in (("the server's host", host), ("the database", database)) if not value.strip()]
    if missing:
        raise InputError(f"give {' and '.join(missing)}")
    if sslrootcert and not Path(sslrootcert).expanduser().is_file():
        raise InputError("the root certificate file does not exist", sslrootcert)
    cert = str(Path(sslrootcert).expanduser().absolute()) if sslrootcert else ""
    return locations.server(host.strip(), port, database.strip(), user.strip(), sslmode, cert, timeout)


server_fields = locations.fields
account = locations.account


def project_at_launch(given: str = "", configured: str = "", recent: list[str] | None = None) -> tuple[Project, str]:
    """The project the window opens with, and a note when the last one used could not be opened again.

    given: a path or URL named on the command line (it must exist); configured: --db or settings' database_url
    (created if new, as the command line does); else the most recent project, else the default project file."""
    if given:
        return open_project(location_of(given), _kept_password(location_of(given))), ""
    if configured:
        return Project.open(configured), ""
    note = ""
    for location in (recent or [])[:1]:
        try:
            return open_project(location, _kept_password(location)), ""
        except AnnotatorError as exc:
            note = f"{display_name(location)} did not open ({exc}); the default project is open instead"
    return Project.open(), note


def _kept_password(location: str) -> str | None:
    return credentials.saved_password(account(location)) if is_server(location) else None
