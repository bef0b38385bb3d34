"""Access control on a PostgreSQL project: database roles, grants, row-level security and guard triggers.

Who is who: a person logs in to the server under the same name they annotate under (annotators.name =
current_user). `server init` creates three group roles for the project's database — <db>_annotator,
<db>_curator, <db>_reader — and `add-user` makes a login role a member of exactly one of them.

What each may do:
* everyone with access reads everything;
* an annotator writes only their own layer: annotations, their fragments, relations and document statuses whose
  annotator row is named like their login, what they did with suggestions (learning records), plus their own
  annotator row (created on first save); everyone who writes may refresh the project's suggestions;
* a curator also writes the gold layer (annotations of an annotator of kind 'gold'), adjudications, documents,
  collections, blind-annotation rules and the scheme (labels, project settings);
* a reader writes nothing;
* the change log is append-only for every writer (INSERT, never UPDATE or DELETE), and an entry must name its
  writer as the actor.
The database owner (who ran `server init`) and superusers are not restricted: they import, copy and upgrade.

Why triggers as well as policies: a policy's USING clause silently skips rows it hides, so an UPDATE of a
colleague's annotation would touch nothing and the app would report an edit conflict. The guard trigger raises
"permission denied" naming whose row it is instead. The policies' WITH CHECK clauses say the same for new rows.

Nothing here is an Alembic migration: the functions, policies and triggers live beside the schema and `server
init` can be run again at any time (after `db upgrade`, for instance) — it replaces what it made before.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import InputError, StoreError
from annotator.store.engine import describe_error, parse_url

ROLES = ("annotator", "curator", "reader")
# Tables whose rows belong to one annotator, and the SQL that finds that annotator's id in a row (as jsonb r).
OWNED_TABLES = {
    "annotations": "(r->>'annotator_id')::integer",
    "relations": "(r->>'annotator_id')::integer",
    "document_status": "(r->>'annotator_id')::integer",
    "fragments": "(SELECT a.annotator_id FROM annotations a WHERE a.id = (r->>'annotation_id')::integer)",
    "adjudications": "(r->>'curator_id')::integer",
    "learning_records": "(r->>'annotator_id')::integer",
}
# suggestions are the project's, not a person's: whoever runs the recommenders replaces them
WRITER_TABLES = ("annotations", "fragments", "relations", "document_status", "learning_records", "suggestions")
CURATOR_TABLES = (
    *("adjudications", "documents", "labels", "project_settings", "collections", "collection_members"),
    "blind_rules",
)
MAX_NAME = 63  # PostgreSQL cuts longer identifiers silently; refuse them instead


def require_postgres(target: Engine | str | None) -> None:
    """Refuse anything but a PostgreSQL project (an engine, or a URL; None is the default SQLite file)."""
    backend = target.dialect.name if isinstance(target, Engine) else target and parse_url(target).get_backend_name()
    if backend != "postgresql":
        raise StoreError(
            "access control needs a PostgreSQL project (a SQLite file is protected by its file permissions); "
            "point the app at the server with --db postgresql+psycopg://USER@HOST/DATABASE"
        )


def group_role(database: str, role: str) -> str:
    """The group role of a project database: <database>_<role>, shortened with a hash when too long."""
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'; choose one of {', '.join(ROLES)}")
    name = f"{database}_{role}"
    if len(name) > MAX_NAME:
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        name = f"{database[: MAX_NAME - len(role) - 10]}_{digest}_{role}"
    return name


def _ident(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote_identifier(name))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _groups(conn: Connection) -> dict[str, str]:
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    return {role: group_role(database, role) for role in ROLES}


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def _run(engine: Engine, action):  # type: ignore[no-untyped-def]
    require_postgres(engine)
    try:
        with engine.begin() as conn:
            return action(conn)
    except DBAPIError as exc:
        raise StoreError(describe_error(exc, engine.url.render_as_string(hide_password=True))) from exc


# -- server init -------------------------------------------------------------------------------------------------


def init_access(engine: Engine) -> dict[str, str]:
    """Create (or refresh) the project's group roles, grants, policies and triggers; returns role -> group name."""
    return _run(engine, _init)  # type: ignore[no-any-return]


def _init(conn: Connection) -> dict[str, str]:
    groups = _groups(conn)
    q = {role: _ident(conn, name) for role, name in groups.items()}
    database = _ident(conn, conn.execute(text("SELECT current_database()")).scalar_one())
    for name in groups.values():
        if not _role_exists(conn, name):
            conn.execute(text(f"CREATE ROLE {_ident(conn, name)} NOLOGIN"))
    everyone = ", ".join(q.values())
    writers = f"{q['annotator']}, {q['curator']}"
    members = ", ".join(_literal(n) for n in groups.values())
    for statement in (
        f"REVOKE CONNECT ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {writers}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(WRITER_TABLES)} TO {writers}",
        f"GRANT INSERT ON annotators, change_log TO {writers}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(CURATOR_TABLES)} TO {q['curator']}",
        # A restricted user is a direct member of one of this project's groups; the owner and superusers are not.
        f"""CREATE OR REPLACE FUNCTION annotator_restricted() RETURNS boolean LANGUAGE sql STABLE
            SET search_path = pg_catalog AS $$
            SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                           JOIN pg_roles u ON u.oid = m.member
                           WHERE u.rolname = current_user AND g.rolname IN ({members})) $$""",
        f"""CREATE OR REPLACE FUNCTION annotator_is_curator() RETURNS boolean LANGUAGE sql STABLE
            SET search_path = pg_catalog AS $$
            SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                           JOIN pg_roles u ON u.oid = m.member
                           WHERE u.rolname = current_user AND g.rolname = {_literal(groups["curator"])}) $$""",
        """CREATE OR REPLACE FUNCTION annotator_may_write(owner integer) RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT NOT annotator_restricted() OR EXISTS (
                SELECT 1 FROM annotators a WHERE a.id = owner
                AND (a.name = current_user OR (a.kind = 'gold' AND annotator_is_curator()))) $$""",
        f"""CREATE OR REPLACE FUNCTION annotator_row_owner(tbl text, r jsonb) RETURNS integer LANGUAGE sql STABLE
            AS $$ SELECT CASE tbl {" ".join(f"WHEN '{t}' THEN {expr}" for t, expr in OWNED_TABLES.items())}
            END $$""",
        """CREATE OR REPLACE FUNCTION annotator_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                owner integer;
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    owner := annotator_row_owner(TG_TABLE_NAME, to_jsonb(OLD));
                    IF NOT annotator_may_write(owner) THEN
                        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format(
                            'permission denied: %s may change only their own work; this row of %s belongs to %s',
                            current_user, TG_TABLE_NAME,
                            coalesce((SELECT name FROM annotators WHERE id = owner), 'nobody'));
                    END IF;
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    owner := annotator_row_owner(TG_TABLE_NAME, to_jsonb(NEW));
                    IF NOT annotator_may_write(owner) THEN
                        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format(
                            'permission denied: %s may write only their own work (curators also the gold layer), '
                            'not a row of %s for %s', current_user, TG_TABLE_NAME,
                            coalesce((SELECT name FROM annotators WHERE id = owner), 'nobody'));
                    END IF;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END $$""",
    ):
        conn.execute(text(statement))
    for table in OWNED_TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS annotator_guard ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER annotator_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION annotator_guard()"
            )
        )
        check = f"annotator_may_write(annotator_row_owner('{table}', to_jsonb({table})))"
        _policies(conn, table, everyone, writers, check)
    _policies(
        conn,
        "annotators",
        everyone,
        writers,
        "(name = current_user AND kind <> 'gold') OR (kind = 'gold' AND annotator_is_curator())",
    )
    _policies(conn, "change_log", everyone, writers, "actor = current_user", update=False)
    return groups


def _policies(conn: Connection, table: str, everyone: str, writers: str, check: str, update: bool = True) -> None:
    """Row-level security on table: everyone reads; writers insert (and update) rows that pass check.

    UPDATE and DELETE see every row (USING true): the guard trigger refuses others' rows with a clear message
    rather than letting a policy hide them (see the module docstring)."""
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for name in ("annotator_read", "annotator_insert", "annotator_update", "annotator_delete"):
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
    conn.execute(text(f"CREATE POLICY annotator_read ON {table} FOR SELECT TO {everyone} USING (true)"))
    conn.execute(text(f"CREATE POLICY annotator_insert ON {table} FOR INSERT TO {writers} WITH CHECK ({check})"))
    if update:
        conn.execute(
            text(f"CREATE POLICY annotator_update ON {table} FOR UPDATE TO {writers} USING (true) WITH CHECK ({check})")
        )
        conn.execute(text(f"CREATE POLICY annotator_delete ON {table} FOR DELETE TO {writers} USING (true)"))


# -- users -------------------------------------------------------------------------------------------------------


def add_user(engine: Engine, name: str, role: str, password: str | None = None) -> bool:
    """Give the login role name (created if new) exactly one role on this project; True when the login is new."""
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'; choose one of {', '.join(ROLES)}")
    if not name.strip() or name != name.strip():
        raise InputError("a user needs a name without leading or trailing spaces")
    if len(name.encode()) > MAX_NAME:
        raise InputError(f"'{name}' is too long for a server login (at most {MAX_NAME} bytes)")
    if name == "gold":
        raise InputError("'gold' is the gold layer itself; curators write it under their own names")

    def action(conn: Connection) -> bool:
        groups = _groups(conn)
        if not all(_role_exists(conn, g) for g in groups.values()):
            raise StoreError("this project has no access control yet; run 'annotator server init' first")
        if name in groups.values():
            raise InputError(f"'{name}' is one of the project's group roles, not a person")
        user = _ident(conn, name)
        new = not _role_exists(conn, name)
        if new:
            conn.execute(text(f"CREATE ROLE {user} LOGIN"))
        if password is not None:
            conn.execute(text(f"ALTER ROLE {user} PASSWORD {_literal(password)}"))
        for other, group in groups.items():
            if other != role:
                conn.execute(text(f"REVOKE {_ident(conn, group)} FROM {user}"))
        conn.execute(text(f"GRANT {_ident(conn, groups[role])} TO {user}"))
        return new

    return _run(engine, action)  # type: ignore[no-any-return]


def users(engine: Engine) -> list[tuple[str, str]]:
    """(login, role) of everyone with access to this project, by name."""

    def action(conn: Connection) -> list[tuple[str, str]]:
        by_group = {group: role for role, group in _groups(conn).items()}
        rows = conn.execute(
            text(
                "SELECT u.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ANY(:groups) ORDER BY u.rolname"
            ),
            {"groups": list(by_group)},
        )
        return [(user, by_group[group]) for user, group in rows]

    return _run(engine, action)  # type: ignore[no-any-return]
