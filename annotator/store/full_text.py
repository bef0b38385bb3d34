"""The full-text index over documents' titles and texts, kept in step with them in the same transaction.

SQLite: an external-content FTS5 table (the texts are not stored twice) filled by triggers on documents, so
every insert, title change and delete updates it in the statement that made the change. PostgreSQL: a stored
generated tsvector column with a GIN index, which the server keeps in step by itself. Both use no stemming
(the 'simple' configuration, unicode61 without language rules): corpora mix languages, and a researcher
searching "tax" should not silently get "taxi".

A new database gets these with its tables (an after_create hook on the documents table); an older one from
migration 0002, which holds its own copy of the statements as they were when it was written.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import DDL, Table, event, func
from sqlalchemy.sql.elements import ColumnElement

from annotator.core.search import PHRASE, PREFIX, Query, Term

FTS_TABLE = "documents_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_documents_search_vector"
_WORDS = re.compile(r"\w+")
TITLE_WEIGHT = 4.0  # a word in the title counts as much as four in the text

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, text, content='documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    f"CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    f"CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
)
POSTGRESQL_DDL = (
    f"ALTER TABLE documents ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, text), 'B')) STORED",
    f"CREATE INDEX {PG_INDEX} ON documents USING gin ({PG_COLUMN})",
)


def install(documents: Table) -> None:
    """Create the index with the documents table (a new database is made with create_all, then stamped)."""
    for statement in SQLITE_DDL:
        event.listen(documents, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRESQL_DDL:
        event.listen(documents, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def include_object(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    """For Alembic's comparisons: the index is not in the table mappings, so leave its parts out."""
    if kind == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (kind == "column" and name == PG_COLUMN or kind == "index" and name == PG_INDEX)


# -- a parsed query in each engine's terms ----------------------------------------------------------------------


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_match(query: Query) -> str:
    """An FTS5 MATCH expression: every term a quoted string (so no user text is read as syntax)."""

    def term(t: Term) -> str:
        return _fts5_string(t.text) + (" *" if t.kind == PREFIX else "")

    wanted = [
        "(" + " OR ".join(term(t) for t in clause) + ")" for clause in query if not any(t.negated for t in clause)
    ]
    left_out = [term(t) for clause in query for t in clause if t.negated]
    return " AND ".join(wanted) + "".join(f" NOT {t}" for t in left_out)


def _ts_term(t: Term) -> ColumnElement[Any]:
    if t.kind == PREFIX:
        words = _WORDS.findall(t.text)
        if words:  # every word but the last exactly, the last as a prefix; built from words only (no syntax)
            spelled = " <-> ".join([*(f"'{w}'" for w in words[:-1]), f"'{words[-1]}':*"])
            return func.to_tsquery("simple", spelled)
    if t.kind in (PHRASE, PREFIX):
        return func.phraseto_tsquery("simple", t.text)
    return func.plainto_tsquery("simple", t.text)


def ts_query(query: Query) -> ColumnElement[Any]:
    """A PostgreSQL tsquery built with the server's own functions from each term (no user text parsed as
    syntax): plainto/phraseto_tsquery for words and phrases, tsquery_or/and/not to combine them."""
    combined: ColumnElement[Any] | None = None
    for clause in query:
        if clause[0].negated:
            part = func.tsquery_not(_ts_term(clause[0]))
        else:
            part = _ts_term(clause[0])
            for t in clause[1:]:
                part = func.tsquery_or(part, _ts_term(t))
        combined = part if combined is None else func.tsquery_and(combined, part)
    assert combined is not None, "an empty query is answered before it gets here"
    return combined
