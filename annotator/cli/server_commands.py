"""`annotator server`: access control on a shared PostgreSQL project (roles, grants, row-level security).

Run by the database's owner, e.g. `annotator --db postgresql+psycopg://postgres@server/labdb server init`.
"""

from __future__ import annotations

import argparse
import getpass
from contextlib import closing
from typing import Any

from annotator.cli.common import database_url, print_json
from annotator.core.errors import InputError
from annotator.services.project import Project
from annotator.store import server_admin

ROLE_HELP = {
    "annotator": "reads everything, writes only their own annotations, relations and statuses",
    "curator": "an annotator who also writes the gold layer, adjudications, documents, collections and the scheme",
    "reader": "reads everything, writes nothing",
}


def register(commands: Any) -> None:
    p = commands.add_parser(
        "server",
        help="who may do what on a shared PostgreSQL project",
        description="Access control on a PostgreSQL project: database roles and row-level security. "
        "Each person logs in under the name they annotate under.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("init", help="create the project's roles and access rules (run again after db upgrade)")
    a.set_defaults(handler=cmd_init)
    a = actions.add_parser("add-user", help="give a person (a server login, created if new) a role on the project")
    a.add_argument("name", metavar="NAME", help="the login, which is also their annotator name")
    a.add_argument(
        "--role",
        required=True,
        choices=server_admin.ROLES,
        help="; ".join(f"{role}: {text}" for role, text in ROLE_HELP.items()),
    )
    a.add_argument("--password", action="store_true", help="ask for a password to set (servers without trust auth)")
    a.set_defaults(handler=cmd_add_user)
    a = actions.add_parser("users", help="list who has which role on the project")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(handler=cmd_users)


def _open(args: argparse.Namespace) -> Project:
    url = database_url(args)
    server_admin.require_postgres(url)  # before opening: a SQLite file would be created for nothing
    return Project.open(url)


def cmd_init(args: argparse.Namespace) -> int:
    with closing(_open(args)) as project:
        groups = server_admin.init_access(project.database.engine)
    print(f"access control is set up on {project.where}")
    for role, group in groups.items():
        print(f"  {role:9s} group role {group}: {ROLE_HELP[role]}")
    print("add people with: annotator server add-user NAME --role annotator|curator|reader")
    return 0


def cmd_add_user(args: argparse.Namespace) -> int:
    password = None
    if args.password:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            raise InputError("the two passwords differ; nothing was changed")
    with closing(_open(args)) as project:
        new = server_admin.add_user(project.database.engine, args.name, args.role, password)
    print(f"{'created login' if new else 'login'} {args.name}: {args.role} on {project.where}")
    print(f"they open the project with --db pointing at this database as user {args.name}, and annotate as {args.name}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    with closing(_open(args)) as project:
        found = server_admin.users(project.database.engine)
    if args.json:
        print_json([{"name": name, "role": role} for name, role in found])
        return 0
    for name, role in found:
        print(f"{role:9s}  {name}")
    print(f"{len(found)} users")
    return 0
