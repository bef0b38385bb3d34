"""`agreement`, `merge` and `adjudicate`: reviewing colleagues' work from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.cli.common import actor_name, database_url, print_json
from annotator.core.errors import InputError
from annotator.review.bootstrap import DEFAULT_SEED
from annotator.review.report import F1_MEASURES, MEASURES
from annotator.services import documents, review
from annotator.services.adjudication import Adjudication, provenance
from annotator.services.merging import merge_database
from annotator.services.project import Project

SHORT = {
    "cohen_kappa": "kappa",
    "fleiss_kappa": "fleiss",
    "krippendorff_alpha": "alpha",
    "alpha_u": "alpha_u",
    "f1_exact": "F1 exact",
    "f1_relaxed": "F1 relaxed",
    "f1_exact_unlabeled": "F1 exact (any label)",
    "f1_relaxed_unlabeled": "F1 relaxed (any label)",
    "observed_agreement": "agree",
}


def _names(values: list[str] | None) -> list[str] | None:
    """Names given as separate words, comma-separated, or both."""
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def register(commands: Any) -> None:
    p = commands.add_parser(
        "agreement",
        help="inter-annotator agreement",
        description="Measure agreement between annotators: Cohen's "
        "and Fleiss' kappa and Krippendorff's alpha on tokens, unitizing alpha on characters, span F1.",
    )
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="who to compare (default: everyone but gold)")
    p.add_argument("--labels", nargs="+", metavar="LABEL", help="labels to measure (default: all of the scheme)")
    p.add_argument("--documents", nargs="+", metavar="DOC", help="document ids, id prefixes or exact titles")
    p.add_argument("--by", choices=review.GROUPINGS, help="also break the measures down by this")
    p.add_argument("--json", action="store_true", help="print one JSON object (documented in the README)")
    p.add_argument("--bootstrap", type=int, default=0, metavar="N", help="95%% intervals from N resamples")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the resamples")
    p.add_argument("--subtypes", action="store_true", help="compare label/sub-type instead of labels")
    p.add_argument(
        "--alignment",
        choices=("overlap", "exact"),
        default="overlap",
        help="how spans are paired for the confusion matrix",
    )
    p.add_argument(
        "--exclude-suggested", action="store_true", help="leave out annotations made by accepting a suggestion"
    )
    p.add_argument("--report", metavar="DIR", help="also write the report (HTML, pictures, CSV, JSON) here")
    p.set_defaults(handler=cmd_agreement)

    p = commands.add_parser(
        "merge",
        help="merge another project database into this one",
        description="Merge OTHER.db into the project (a backup is taken first).",
    )
    p.add_argument("other", metavar="OTHER.db", help="the other project's SQLite file (it is not changed)")
    p.set_defaults(handler=cmd_merge)

    p = commands.add_parser(
        "adjudicate",
        help="build the gold layer from several annotators",
        description="Decide the gold layer in bulk, list what is left, or print provenance.",
    )
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="candidates' annotators (default: everyone)")
    p.add_argument("--documents", nargs="+", metavar="DOC", help="document ids, id prefixes or exact titles")
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--accept-agreed", action="store_true", help="accept every unit all annotators agree on")
    action.add_argument("--majority", action="store_true", help="decide units a strict majority agrees on")
    action.add_argument("--list", action="store_true", help="list the units and whether they are decided")
    action.add_argument("--provenance", action="store_true", help="print every decision as JSON")
    p.set_defaults(handler=cmd_adjudicate)


def _open(args: argparse.Namespace) -> Project:
    return Project.open(database_url(args))


def _documents(project: Project, keys: list[str] | None) -> list[str] | None:
    return [documents.resolve_document(project, key) for key in keys] if keys else None


# -- agreement ------------------------------------------------------------------------------------------------


def cmd_agreement(args: argparse.Namespace) -> int:
    if args.bootstrap < 0:
        raise InputError("--bootstrap takes a number of resamples, 0 or more")
    project = _open(args)
    options = review.AgreementOptions(
        annotators=_names(args.annotators),
        labels=_names(args.labels),
        documents=_documents(project, args.documents),
        by=args.by,
        bootstrap=args.bootstrap,
        seed=args.seed,
        subtypes=args.subtypes,
        alignment=args.alignment,
        exclude_suggested=args.exclude_suggested,
    )
    result = review.agreement(project, options)
    if args.report:
        paths = review.write_report(result, Path(args.report))
        if not args.json:
            print(f"report written to {paths[0]}")
    if args.json:
        print_json(result)
        return 0
    _print_result(result)
    for group, sub in result.get("groups", {}).get("results", {}).items():
        print(f"\n== {args.by}: {group} ({sub['documents']} documents)")
        _print_result(sub, brief=True)
    return 0


def _cell(block: dict[str, Any], name: str) -> str:
    value = block.get(name)
    if value is None:
        return "—"
    ci = (block.get("ci") or {}).get(name)
    return f"{value:.3f}" + (f" [{ci['low']:.2f},{ci['high']:.2f}]" if ci else "")


def _table(title: str, rows: dict[str, dict[str, Any]], measures: tuple[str, ...]) -> list[str]:
    header = [title, *(SHORT[m] for m in measures)]
    body = [[name, *(_cell(block, m) for m in measures)] for name, block in rows.items()]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in [header, *body]
    ]
    notes = []
    for name, block in rows.items():
        by_reason: dict[str, list[str]] = {}
        for m in measures:
            if block.get(m) is None and m in block.get("reasons", {}):
                by_reason.setdefault(block["reasons"][m], []).append(SHORT[m])
        for reason, which in by_reason.items():
            notes.append(f"  {name} ({'all' if len(which) == len(measures) else ', '.join(which)}): {reason}")
    return lines + (["undefined:", *notes] if notes else [])


def _print_result(result: dict[str, Any], brief: bool = False) -> None:
    if not brief:
        print(
            f"annotators: {', '.join(result['annotators'])} · documents: {result['documents']} "
            f"(coded by all: {result['documents_coded_by_all']}) · tokens: {result['tokens']}"
        )
        from_suggestions = result.get("from_suggestions", {})
        if any(from_suggestions.values()):
            counts = ", ".join(f"{who} {n}" for who, n in from_suggestions.items())
            verb = "left out" if result.get("suggestions_excluded") else "included; --exclude-suggested leaves them out"
            print(f"annotations from accepted suggestions: {counts} ({verb})")
    rows = {"overall": result["overall"], **result["by_label"]}
    print("\n".join(_table("label", rows, MEASURES)))
    if brief:
        return
    if result["pairs"]:
        pairs = {" × ".join(p["annotators"]): p for p in result["pairs"]}
        print()
        print("\n".join(_table("pair", pairs, ("cohen_kappa", "krippendorff_alpha", "alpha_u", *F1_MEASURES))))
    if result["document_level"]:
        print()
        measures = ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "observed_agreement")
        print("\n".join(_table("document label", result["document_level"], measures)))


# -- merge and adjudicate ---------------------------------------------------------------------------------------


def cmd_merge(args: argparse.Namespace) -> int:
    project = _open(args)
    report = merge_database(project, args.other, actor_name(args))
    if report.backup:
        print(f"backup of this project: {report.backup}")
    for line in report.conflicts:
        print(f"conflict: {line}")
    for line in report.skipped:
        print(f"skipped: {line}")
    print(report.summary())
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    project = _open(args)
    docs = _documents(project, args.documents)
    if args.provenance:
        print_json(provenance(project, docs))
        return 0
    annotators = _names(args.annotators) or review.reviewable_annotators(project)
    if len(annotators) < 2 and not args.list:
        raise InputError(f"adjudication needs two or more annotators; found {', '.join(annotators) or 'none'}")
    curator = Adjudication(project, actor_name(args))
    if args.accept_agreed:
        print(curator.accept_agreed(annotators, docs).summary())
    elif args.majority:
        print(curator.majority(annotators, docs).summary())
    else:
        for summary in documents.list_documents(project):
            if docs is not None and summary.uuid not in docs:
                continue
            units = curator.units(summary.uuid, annotators)
            print(f"{summary.uuid[:8]}  {summary.title}")
            for item in units:
                state = f"decided ({item.record.decision.value})" if item.record else "open"
                where = "document" if item.unit.is_document_level else f"{item.unit.start}-{item.unit.end}"
                print(f"  {where:>11}  {state:<18} {item.unit.describe()}")
    return 0
