"""Where a project lives, as the app remembers it: an absolute file path (SQLite) or a server URL without its
password. Passwords live in the system keyring and join a URL only on the way to the driver (with_password)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from annotator.store.engine import parse_url

SERVER_DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_S = 10  # a server that does not answer is reported after this long, not after minutes


def normalise(target: str | Path) -> str:
    """The location of a file path or URL: files absolute, URLs without a password."""
    url = parse_url(target)
    if url.get_backend_name() == "sqlite":
        return url.database or ""
    # URL.set() skips None, so the password is left out by building the URL again without it
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def is_server(location: str) -> bool:
    return parse_url(location).get_backend_name() != "sqlite"


def file_path(location: str) -> Path | None:
    """The SQLite file of a location, when it names one plainly."""
    url = parse_url(location)
    name = url.database if url.get_backend_name() == "sqlite" else None
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def display_name(location: str) -> str:
    """What the window title and the recent list call it: the file's stem, or server/database."""
    url = parse_url(location)
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "memory").stem
    return f"{url.host or 'localhost'}/{url.database or ''}"


def server(
    host: str, port: int, database: str, user: str, sslmode: str = "prefer", sslrootcert: str = "", timeout: int = 0
) -> str:
    """A server location from the connection form's fields (no password: see with_password)."""
    query = {"sslmode": sslmode} if sslmode and sslmode != "prefer" else {}
    if sslrootcert:
        query["sslrootcert"] = sslrootcert
    query["connect_timeout"] = str(timeout or CONNECT_TIMEOUT_S)
    url = URL.create(SERVER_DRIVER, username=user or None, host=host, port=port, database=database, query=query)
    return url.render_as_string(hide_password=False)


def fields(location: str) -> dict[str, str | int]:
    """The connection form's fields of a server location (to fill the form again from the recent list)."""
    url = parse_url(location)
    query = dict(url.query)
    return {
        "host": url.host or "",
        "port": url.port or 5432,
        "database": url.database or "",
        "user": url.username or "",
        "sslmode": str(query.get("sslmode", "prefer")),
        "sslrootcert": str(query.get("sslrootcert", "")),
    }


def account(location: str) -> str:
    """The keyring's name for a server login: user@host:port/database."""
    url = parse_url(location)
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def with_password(location: str, password: str | None) -> str:
    """The URL to connect with. Never store or show it: it holds the password."""
    if not password:
        return location
    return parse_url(location).set(password=password).render_as_string(hide_password=False)
