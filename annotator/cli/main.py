"""`annotator`: the GUI when run alone, and import, export, list, show and db commands for scripts.

User errors print one line to stderr and exit with status 2; there is no traceback for them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from annotator import __version__, paths
from annotator.cli import commands as cmd
from annotator.core.errors import AnnotatorError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate claims, opinions, source attribution and framing in news articles. "
        "Run without a command to open the window.",
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
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:  # answered before importing every command
        print(f"annotator {__version__}")
        sys.exit(0)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from annotator.ui.app import main as gui_main

        gui_main(db_url=args.db)
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
