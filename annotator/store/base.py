"""What every table mapping shares: the declarative base, UTC timestamps, constraint names, chunked look-ups.

Each entity's table is mapped in that entity's store module (documents.py, annotations.py, ...); schema.py
imports them all. Changing a table means an Alembic migration (migrations/)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, select
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back timezone-aware datetimes, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


CHUNK = 500  # values per IN (...): within every database's limit on bound parameters


def chunks(values: Iterable[str | int]) -> Iterator[list]:  # type: ignore[type-arg]
    """The distinct values, CHUNK at a time, in the order first given."""
    distinct: Sequence = list(dict.fromkeys(values))  # type: ignore[type-arg]
    for start in range(0, len(distinct), CHUNK):
        yield list(distinct[start : start + CHUNK])


def look_up(session: Session, key: Any, value: Any, keys: Iterable[Any]) -> dict[Any, Any]:
    """key column value -> value column value, for the rows whose key is one of keys (asked CHUNK at a time)."""
    found: dict[Any, Any] = {}
    for chunk in chunks(keys):
        found.update(session.execute(select(key, value).where(key.in_(chunk))).tuples().all())
    return found


def present(session: Session, column: Any, values: Iterable[Any]) -> set[Any]:
    """Which of values the column holds."""
    return set(look_up(session, column, column, values))


class Times:
    """Stored timestamps (SQLite's text, PostgreSQL's datetimes) as aware UTC datetimes. Many rows share one (an
    import's rows do), so each distinct value is parsed once; the one parser of the store."""

    def __init__(self) -> None:
        self.seen: dict[object, datetime] = {}

    def __call__(self, value: str | datetime) -> datetime:
        found = self.seen.get(value)
        if found is None:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
            found = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
            if len(self.seen) < 100_000:  # hand-made rows all differ: keep the cache bounded
                self.seen[value] = found
        return found


def sqlite_text(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (UTC, naive, microseconds always shown): what raw sqlite3
    writes must match it, so that reads through either see the same."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
