"""`annotator collections`: list, create, fill, empty, rename and delete named sets of documents."""

from __future__ import annotations

import argparse
from typing import Any

from annotator.cli.common import actor_name, database_url, print_json
from annotator.services import collections, documents
from annotator.services.project import Project


def register(commands: Any) -> None:
    p = commands.add_parser(
        "collections",
        help="named sets of documents (an outlet group, a batch for an annotator)",
        description="List collections, or create, fill, show, rename and delete one.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    p.set_defaults(handler=cmd_list, json=False)
    a = actions.add_parser("list", help="each collection with its size (the default)")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(handler=cmd_list)
    a = actions.add_parser("create", help="a new, empty collection")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--description", default="", help="what the collection is for")
    a.set_defaults(handler=cmd_create)
    for name, handler, text in (("add", cmd_add, "add documents"), ("remove", cmd_remove, "take documents out")):
        a = actions.add_parser(name, help=f"{text} (the collection is created by add when new)")
        a.add_argument("name", metavar="NAME")
        a.add_argument("documents", nargs="+", metavar="DOC", help="document id (or its first characters) or title")
        a.set_defaults(handler=handler)
    a = actions.add_parser("show", help="the documents of a collection")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(handler=cmd_show)
    a = actions.add_parser("rename", help="give a collection another name")
    a.add_argument("name", metavar="NAME")
    a.add_argument("new_name", metavar="NEW")
    a.set_defaults(handler=cmd_rename)
    a = actions.add_parser("delete", help="delete a collection (its documents stay in the project)")
    a.add_argument("name", metavar="NAME")
    a.set_defaults(handler=cmd_delete)


def _project(args: argparse.Namespace) -> Project:
    return Project.open(database_url(args))


def cmd_list(args: argparse.Namespace) -> int:
    found = collections.list_collections(_project(args))
    if args.json:
        print_json([{"name": c.name, "description": c.description, "documents": c.size} for c in found])
        return 0
    for c in found:
        print(f"{c.size:6d}  {c.name}" + (f"  — {c.description}" if c.description else ""))
    print(f"{len(found)} collections")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    made = collections.create(_project(args), args.name, actor_name(args), args.description)
    print(f"created collection '{made.name}'")
    return 0


def _resolve(project: Project, keys: list[str]) -> list[str]:
    return [documents.resolve_document(project, key) for key in keys]


def cmd_add(args: argparse.Namespace) -> int:
    project = _project(args)
    added = collections.add_documents(project, args.name, _resolve(project, args.documents), actor_name(args))
    print(f"{added} documents added to '{args.name}'")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    project = _project(args)
    removed = collections.remove_documents(project, args.name, _resolve(project, args.documents), actor_name(args))
    print(f"{removed} documents taken out of '{args.name}'")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    rows = collections.documents(_project(args), args.name)
    if args.json:
        print_json([{"id": r.uuid, "title": r.title, "outlet": r.outlet, "published": r.published} for r in rows])
        return 0
    for r in rows:
        print(f"{r.uuid[:8]}  {r.outlet[:20]:<20}  {r.published[:10]:<10}  {r.title}")
    print(f"{len(rows)} documents in '{args.name}'")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    collections.rename(_project(args), args.name, args.new_name, actor_name(args))
    print(f"renamed '{args.name}' to '{args.new_name}'")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    collections.delete(_project(args), args.name, actor_name(args))
    print(f"deleted collection '{args.name}'; its documents stay in the project")
    return 0
