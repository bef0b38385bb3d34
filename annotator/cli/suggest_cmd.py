"""`annotator suggest`: train the recommenders on the project's annotations, store their suggestions for the
window and print them; evaluate them on held-out documents (--evaluate); set blind annotation (--blind)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli.common import actor_name, database_url, print_json
from annotator.cli.progress import ProgressBar
from annotator.core.errors import InputError
from annotator.services import suggestion_review, suggestions
from annotator.services.project import Project
from annotator.suggesting.model import suggestion_to_dict
from annotator.suggesting.plugins import available


def register(commands: Any) -> None:
    p = commands.add_parser(
        "suggest",
        help="suggest spans learned from the project's annotations",
        description="Train the recommenders on the project's annotations (saved models are reused), store their "
        "suggestions (the window's Suggestions panel shows them) and print them: spans the project does not have "
        "yet, each with its score and recommender. With --evaluate, train on part of the annotated documents and "
        "score the suggestions on the rest.",
    )
    p.add_argument("--train", action="store_true", help="retrain models trained before the latest annotations")
    p.add_argument(
        "--recommender",
        action="append",
        metavar="NAME",
        help=f"use only this recommender (repeatable; default: all): {', '.join(available()) or 'none installed'}",
    )
    p.add_argument("--collection", metavar="NAME", help="suggest for the documents of this collection only")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--min-score", type=float, default=0.0, metavar="X", help="leave out suggestions scored below X")
    p.add_argument("--models", metavar="DIR", help="folder of the trained models (default: beside the database)")
    p.add_argument(
        "--evaluate", action="store_true", help="score on held-out documents beside random spans; saves nothing"
    )
    p.add_argument("--test-fraction", type=float, default=0.2, help="--evaluate: share of documents held out (0.2)")
    p.add_argument("--seed", type=int, default=0, help="--evaluate: seed of the split and of the random spans (0)")
    p.add_argument("--dry-run", action="store_true", help="print the suggestions without storing them")
    p.add_argument(
        "--blind",
        action="append",
        metavar="KIND:NAME",
        help="annotate blind: hide suggestions from this annotator (annotator:NAME) or for this collection "
        "(collection:NAME) until the document is marked done; repeatable",
    )
    p.add_argument("--unblind", action="append", metavar="KIND:NAME", help="end blind annotation for this one")
    p.set_defaults(handler=cmd_suggest)


def _progress(enabled: bool) -> tuple[ProgressBar, Any]:
    bar = ProgressBar(1000, enabled)

    def update(done: int, total: int, what: str) -> bool:
        bar.total = max(total, 1)
        return bar.update(done, what)

    return bar, update


def cmd_suggest(args: argparse.Namespace) -> int:
    if not 0 < args.test_fraction < 1:
        raise InputError(f"--test-fraction takes a number between 0 and 1, got {args.test_fraction}")
    project = Project.open(database_url(args))
    if args.blind or args.unblind:
        return _set_blind(project, args)
    bar, progress = _progress(sys.stderr.isatty() and not args.json)
    try:
        if args.evaluate:
            result = suggestions.evaluate(
                project, args.recommender, args.collection, args.test_fraction, args.seed, progress=progress
            )
        else:
            models = Path(args.models) if args.models else None
            run, _ = suggestion_review.refresh(
                project,
                actor_name(args),
                args.recommender,
                args.collection,
                args.train,
                progress,
                models,
                store=not args.dry_run,
            )
    finally:
        bar.close()
        project.close()
    if args.evaluate:
        _print_evaluation(result, args.json)
        return 0
    for message in run.messages():
        print(f"note: {message}", file=sys.stderr)
    shown = [s for s in run.suggestions if s.score >= args.min_score]
    if args.json:
        print_json({"suggestions": [suggestion_to_dict(s, run.texts[s.document]) for s in shown]})
        return 0
    for s in shown:
        label = s.label + (f"/{s.subtype}" if s.subtype else "")
        text = run.texts[s.document][s.start : s.end]
        print(f"{s.document[:8]}  {s.start:6d}-{s.end:<6d} {s.score:.2f}  {label:<28} {text[:60]!r}  ({s.recommender})")
    stored = "" if args.dry_run else f" (all {len(run.suggestions)} stored for the window)"
    print(f"{len(shown)} suggestions for {len({s.document for s in shown})} documents{stored}")
    return 0


def _set_blind(project: Project, args: argparse.Namespace) -> int:
    try:
        for value, blind in [*((v, True) for v in args.blind or ()), *((v, False) for v in args.unblind or ())]:
            kind, _, name = value.partition(":")
            if not name:
                raise InputError(
                    f"--blind and --unblind take KIND:NAME (annotator:alice, collection:batch-1), got {value!r}"
                )
            suggestion_review.set_blind(project, kind, name, blind, actor_name(args))
        rules = sorted(suggestion_review.blind_rules(project))
    finally:
        project.close()
    print("annotating blind: " + (", ".join(f"{kind} {name}" for kind, name in rules) or "nobody"))
    return 0


def _print_evaluation(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    sizes = f"trained on {result['train_documents']} documents, scored on {result['test_documents']}"
    print(f"{sizes} (seed {result['seed']})")
    print(f"{'recommender':<18} {'label':<30} {'P':>6} {'R':>6} {'F1':>6}   {'random F1':>9}  spans  reference")
    for name, labels in [*result["recommenders"].items(), ("(all)", result["all"])]:
        for label, scores in labels.items():
            s, r = scores["suggested"], scores["random"]
            print(
                f"{name:<18} {label[:30]:<30} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}   "
                f"{r['f1']:9.3f}  {s['suggested']:5d}  {s['reference']:9d}"
            )
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
