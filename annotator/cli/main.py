"""`annotator`: the GUI when run alone, and import, export, list, show and db commands for scripts.

User errors print one line to stderr and exit with status 2; there is no traceback for them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator import __version__, paths
from annotator.cli import commands as cmd
from annotator.core.errors import AnnotatorError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    return parser_and_commands()[0]


def parser_and_commands() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser, and the names of its commands (a lone argument that is none of them names a project)."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate claims, opinions, source attribution and framing in news articles. "
        "Run without a command to open the window, or with a project file or server URL to open that project.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"project database: a SQLAlchemy URL or a file path (default: {paths.default_database_path()})",
    )
    parser.add_argument("--as", dest="actor", metavar="NAME", help="who is acting (default: the saved annotator name)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    cmd.register(commands)
    parser.usage = "%(prog)s [--db URL] [--as NAME] [PATH_OR_URL | COMMAND ...]"
    return parser, set(commands.choices)


def project_argument(argv: Sequence[str], commands: set[str]) -> tuple[str | None, list[str]]:
    """`annotator PATH_OR_URL`: one last argument, after the global options, that is no command names the
    project to open in the window. Returns it (or None) and the arguments left for the parser."""
    rest = list(argv)
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        i += 2 if rest[i] in ("--db", "--as") else 1
    if i == len(rest) - 1 and rest[i] not in commands:
        return rest[i], rest[:i]
    return None, rest


def main(argv: Sequence[str] | None = None) -> None:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:  # answered before importing every command
        print(f"annotator {__version__}")
        sys.exit(0)
    parser, commands = parser_and_commands()
    project, argv = project_argument(sys.argv[1:] if argv is None else argv, commands)
    args = parser.parse_args(argv)
    if project is not None and "://" not in project and not Path(project).expanduser().exists():
        parser.error(f"'{project}' is neither a command ({', '.join(sorted(commands))}) nor a project file")
    if args.command is None:
        from annotator.ui.app import main as gui_main

        gui_main(db_url=args.db, project=project)
        return
    handler: Handler = args.handler
    try:
        code = handler(args)
    except AnnotatorError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("annotator: interrupted; work already committed is kept", file=sys.stderr)
        code = 130
    sys.exit(code)
