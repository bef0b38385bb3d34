"""The subcommands. Each opens the project, calls services, and prints plain text or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli import analysis_cmd, collections_cmd, review_commands, server_commands, suggest_cmd
from annotator.cli.common import actor_name, database_url, print_json
from annotator.cli.progress import ProgressBar, print_report, report_json
from annotator.core.errors import InputError
from annotator.core.model import annotation_to_dict, document_to_dict
from annotator.formats.article_fields import parse_date
from annotator.formats.registry import ReadOptions
from annotator.services import documents, exporting, importing, web_import
from annotator.services.annotating import Annotating
from annotator.services.project import Project


def register(commands: Any) -> None:
    p = commands.add_parser(
        "import", help="import articles or annotated files", description="Import files and folders."
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders (walked recursively), .zip archives and http(s) URLs"
    )
    p.add_argument("--format", help="format name (default: detected from each file)")
    p.add_argument("--annotator", help="put imported annotations under this annotator")
    p.add_argument(
        "--map",
        help="column mapping for CSV/TSV/JSON batches, e.g. text=body,title=headline,outlet=-; fields: "
        "text, title, outlet, author, published (or date), url, language; '-' turns a field off",
    )
    p.add_argument("--delimiter", help="CSV column separator (default: detected; 'tab' for tabs)")
    p.add_argument("--full-text", action="store_true", help="web pages: keep the whole page text, not the article")
    p.add_argument(
        "--keep-boilerplate", action="store_true", help="do not mark page furniture (menus, captions, 'Subscribe')"
    )
    p.add_argument("--outlet", metavar="NAME", help="outlet of every imported article (instead of the guessed one)")
    p.add_argument("--published", metavar="DATE", help="publication date of every imported article, e.g. 2023-07-11")
    p.add_argument("--url-list", action="store_true", help="the files given list web addresses, one per line")
    p.add_argument(
        "--label-map",
        metavar="FILE",
        help='labels the scheme lacks: a JSON file {"their label": "claim/statistical" | "new" | "skip", "*": ...}, '
        "or 'new' to add them all to the scheme, or 'skip' to leave them out",
    )
    p.add_argument(
        "--collection", help="add the imported documents (and those that duplicates repeat) to this collection"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="read the files and print what they hold and what each format keeps or leaves out; store nothing",
    )
    p.add_argument(
        "--reanchor",
        action="store_true",
        help="move a span whose offsets miss its text to the nearest occurrence of the text (each move listed)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_import)

    p = commands.add_parser("export", help="export documents and annotations", description="Export a dataset.")
    p.add_argument("--format", default="jsonl", help="format name (default: jsonl)")
    p.add_argument("--out", required=True, help="output file or folder")
    p.add_argument("--annotators", help="comma-separated annotator names (default: all)")
    p.add_argument("--labels", help="comma-separated labels, 'claim' or 'claim/statistical' (default: all)")
    p.add_argument(
        "--status",
        help="keep documents in these states for the chosen annotators: "
        "comma-separated not_started, in_progress, done (default: all)",
    )
    p.add_argument("--collections", help="comma-separated collection names (default: all documents)")
    p.add_argument("--gold-only", action="store_true", help="only the adjudicated (gold) annotations")
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser("list", help="list documents", description="List the project's documents.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--annotator", help="count and status of this annotator (default: all annotations)")
    p.set_defaults(handler=cmd_list)

    p = commands.add_parser("show", help="show one document", description="Show a document with its annotations.")
    p.add_argument("document", metavar="DOC", help="document id (or its first characters) or exact title")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_show)

    db = commands.add_parser("db", help="upgrade, back up or check the database", description="Database upkeep.")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="upgrade the schema (a backup is taken first)").set_defaults(
        handler=cmd_db_upgrade
    )
    b = actions.add_parser("backup", help="copy the database (SQLite online backup, verified)")
    b.add_argument("--to", help="folder for the copy (default: the backups folder)")
    b.set_defaults(handler=cmd_db_backup)
    check = actions.add_parser("check", help="integrity and schema version check")
    check.add_argument(
        "--log", action="store_true", help="also check that the change log accounts for every row (no unlogged writes)"
    )
    check.set_defaults(handler=cmd_db_check)
    c = actions.add_parser(
        "copy",
        help="copy a project to another database (SQLite <-> PostgreSQL), change log included",
        description="Copy a whole project into a new, empty database: ids, scheme, statuses, gold and change log kept.",
    )
    c.add_argument("--from", dest="source", metavar="URL", help="the project to copy (default: --db or the usual one)")
    c.add_argument("--to", dest="target", metavar="URL", required=True, help="an empty database (a file is created)")
    c.set_defaults(handler=cmd_db_copy)
    r = actions.add_parser("restore", help="restore a backup (the current database is backed up first)")
    r.add_argument("backup", metavar="BACKUP", help="a backup file (see 'annotator db backups')")
    r.set_defaults(handler=cmd_db_restore)
    actions.add_parser("backups", help="list the backups of the database").set_defaults(handler=cmd_db_backups)

    collections_cmd.register(commands)
    review_commands.register(commands)
    server_commands.register(commands)
    analysis_cmd.register(commands)
    suggest_cmd.register(commands)


def open_project(args: argparse.Namespace) -> Project:
    return Project.open(database_url(args), creator=actor_name(args))


def _mapping(text: str | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in filter(None, (text or "").split(",")):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--map takes field=column pairs separated by commas; got '{item}'")
        mapping[key.strip()] = value.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    project = open_project(args)
    options = ReadOptions(
        annotator=args.annotator, mapping=_mapping(args.map), full_text=args.full_text, reanchor=args.reanchor
    )
    if args.delimiter:
        options.extra["delimiter"] = args.delimiter
    if args.label_map:
        options.extra["label_map"] = args.label_map
    options.extra.update(keep_boilerplate=args.keep_boilerplate, outlet=args.outlet)
    if args.published:
        options.extra["published"] = parse_date(args.published)
    urls, names = web_import.split_addresses(args.paths)
    paths = [Path(p) for p in names]
    report = importing.ImportReport()
    if paths and not args.url_list:
        bar = ProgressBar(importing.count_files(paths, args.format), enabled=sys.stderr.isatty())
        report = importing.import_paths(
            project,
            paths,
            actor_name(args),
            args.format,
            options,
            bar.update,
            collection=args.collection,
            check=args.check,
        )
        bar.close()
    if urls or args.url_list:
        lists = paths if args.url_list else []
        bar = ProgressBar(web_import.count_addresses(urls, lists), enabled=sys.stderr.isatty())
        report.merge(
            web_import.import_addresses(
                project, urls, lists, actor_name(args), options=options, progress=bar.update, collection=args.collection
            )
        )
        bar.close()
    if args.json:
        print_json(report_json(report))
    else:
        print_report(report, None if args.check else args.collection)
    return 1 if report.failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    project = open_project(args)
    filters = exporting.ExportFilter(
        annotators=_names(args.annotators),
        labels=_names(args.labels),
        statuses=exporting.parse_statuses(_names(args.status)),
        collections=_names(args.collections),
        gold_only=args.gold_only,
    )
    report = exporting.export(project, args.format, Path(args.out), filters)
    for note in report.notes:
        print(f"note: {note}")
    print(f"exported {report.documents} documents, {report.annotations} annotations to {report.path}")
    return 0


def _names(text: str | None) -> list[str] | None:
    return [item.strip() for item in text.split(",") if item.strip()] if text else None


def cmd_list(args: argparse.Namespace) -> int:
    project = open_project(args)
    rows = documents.list_documents(project, args.annotator)
    if args.json:
        print_json(
            [
                {
                    "id": r.uuid,
                    "title": r.title,
                    "outlet": r.outlet,
                    "published": r.published,
                    "sha256": r.sha256,
                    "length": r.length,
                    "annotations": r.annotation_count,
                    "status": r.status.value,
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        print(f"{r.uuid[:8]}  {r.annotation_count:5d}  {r.outlet[:20]:<20}  {r.published[:10]:<10}  {r.title}")
    print(f"{len(rows)} documents in {project.where}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    project = open_project(args)
    uuid = documents.resolve_document(project, args.document)
    doc = documents.get_document(project, uuid)
    people = [a.name for a in project.annotators()]
    service = Annotating(project, actor_name(args))
    annotations = service.annotations(uuid, people) if people else []
    relations = service.relations(uuid)
    if args.json:
        data = document_to_dict(doc)
        data["annotations"] = [{**annotation_to_dict(a), "text": a.covered_texts(doc.text)} for a in annotations]
        data["relations"] = [
            {"id": r.uuid, "type": r.type, "from": r.source, "to": r.target, "annotator": r.annotator}
            for r in relations
        ]
        print_json(data)
        return 0
    print(
        f"{doc.title}\n{doc.outlet}  {doc.author}  {doc.published}  {doc.source}\nid {doc.uuid}  sha256 {doc.sha256}\n"
    )
    print(doc.text)
    print()
    for a in annotations:
        where = ", ".join(f"{f.start}-{f.end}" for f in a.fragments) or "document"
        label = a.label + (f"/{a.subtype}" if a.subtype else "")
        print(f"[{a.annotator}] {label} {where}: {' … '.join(a.covered_texts(doc.text))!r}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    project = open_project(args)  # opening upgrades, after a backup
    print(f"{project.where} is at the current schema")
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    project = open_project(args)
    target = project.database.backup(Path(args.to) if args.to else None)
    print(f"backup written to {target}")
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from annotator.services import backups

    safety = backups.restore_file(database_url(args), Path(args.backup))
    print(f"restored {args.backup}; the database as it was is kept in {safety}")
    return 0


def cmd_db_backups(args: argparse.Namespace) -> int:
    from annotator.services import backups

    found = backups.list_backups(open_project(args))
    for b in found:
        print(f"{b.made:%Y-%m-%d %H:%M:%S} UTC  {b.reason:<28} {b.size / 1e6:8.2f} MB  {b.path}")
    print(f"{len(found)} backups" if found else "no backups yet")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    from annotator import paths
    from annotator.services import transfer

    source = args.source or database_url(args) or str(paths.default_database_path())
    counts = transfer.copy_project(source, args.target)
    shown = ("documents", "annotations", "relations", "change_log")
    summary = ", ".join(f"{counts[t]} {t}" for t in shown if t in counts)
    print(f"copied {summary} to {args.target}")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    project = open_project(args)
    problems = project.database.check()
    if args.log:
        problems += project.log_problems()
    for problem in problems:
        print(problem)
    print("ok" if not problems else f"{len(problems)} problems in {project.where}")
    return 1 if problems else 0
