"""What every command shares: who is acting, which database, JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from annotator.settings import Settings


def actor_name(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    saved = Settings.load().annotator
    return saved or getpass.getuser() or "annotator"


def database_url(args: argparse.Namespace) -> str | None:
    return args.db or Settings.load().database_url or None


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
