"""`annotator suggest`: train the recommenders on the project's annotations and print their suggestions, or
evaluate them on held-out documents (--evaluate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.cli.common import database_url, print_json
from annotator.cli.progress import ProgressBar
from annotator.core.errors import InputError
from annotator.services import suggestions
from annotator.services.project import Project
from annotator.suggesting.model import suggestion_to_dict
from annotator.suggesting.plugins import available


def register(commands: Any) -> None:
    p = commands.add_parser(
        "suggest",
        help="suggest spans learned from the project's annotations",
        description="Train the recommenders on the project's annotations (saved models are reused) and print their "
        "suggestions: spans the project does not have yet, each with its score and recommender. With --evaluate, "
        "train on part of the annotated documents and score the suggestions on the rest.",
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
    bar, progress = _progress(sys.stderr.isatty() and not args.json)
    try:
        if args.evaluate:
            result = suggestions.evaluate(
                project, args.recommender, args.collection, args.test_fraction, args.seed, progress=progress
            )
        else:
            models = Path(args.models) if args.models else None
            run = suggestions.suggest(project, args.recommender, args.collection, args.train, models, progress=progress)
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
    print(f"{len(shown)} suggestions for {len({s.document for s in shown})} documents")
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
