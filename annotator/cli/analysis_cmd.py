"""`annotator analyze`: spans per label in groups of documents, with intervals, comparisons and the evidence."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from annotator.cli.common import database_url, print_json
from annotator.core.errors import InputError
from annotator.review.bootstrap import DEFAULT_SEED
from annotator.review.evidence import KWIC_COLUMNS
from annotator.review.significance import CORRECTIONS
from annotator.services import analysis, analysis_details
from annotator.services.project import Project

CSV_COLUMNS = (
    "group",
    "documents",
    "words",
    "label",
    "spans",
    "documents_with",
    "share_of_documents",
    "per_1000_words",
    "ci_low",
    "ci_high",
    "empty",
    "small",
)


def _names(values: list[str] | None) -> list[str] | None:
    return [n.strip() for v in values for n in v.split(",") if n.strip()] if values else None


def register(commands: Any) -> None:
    p = commands.add_parser(
        "analyze",
        help="compare outlets, stories and sources: rates of each label with intervals",
        description="Spans per label in groups of documents (per 1,000 words, with 95%% bootstrap intervals over "
        "documents), comparisons of two groups with permutation p-values, and keyword in context.",
    )
    fields = " | ".join(analysis.GROUPINGS)
    p.add_argument("--by", default="outlet", metavar="FIELD", help=f"{fields} | any metadata field (default: outlet)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", nargs="+", metavar="NAME", help="these annotators' work (default: everyone)")
    who.add_argument("--gold", action="store_true", help="the gold (adjudicated) layer")
    p.add_argument("--collection", metavar="NAME", help="only the documents of this collection")
    p.add_argument("--labels", nargs="+", metavar="LABEL", help="labels to count (default: every span label)")
    p.add_argument("--subtypes", action="store_true", help="also count each label/sub-type")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="resamples for intervals (default 1000)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of resamples and permutations")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object (described in the README)")
    out.add_argument("--csv", action="store_true", help="print a tidy CSV table: one row per group and label")
    out.add_argument("--kwic", metavar="LABEL[/SUBTYPE]", help="print every span of the label in context, as CSV")
    p.add_argument("--sort", default="outlet", choices=KWIC_COLUMNS, help="--kwic rows sorted by (default: outlet)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two groups: difference, CI and p-value")
    p.add_argument("--paired", action="store_true", help="with --compare: pair documents of the same story")
    p.add_argument("--correction", choices=CORRECTIONS, default="holm", help="across labels (default: holm)")
    p.add_argument("--permutations", type=int, default=1000, metavar="N", help="for the p-values (default 1000)")
    p.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    p.set_defaults(handler=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.paired and not args.compare:
        raise InputError("--paired goes with --compare A B (the two groups to pair within stories)")
    project = Project.open(database_url(args))
    options = analysis.AnalysisOptions(
        by=args.by,
        annotators=_names(args.annotator),
        gold=args.gold,
        collection=args.collection,
        labels=_names(args.labels),
        subtypes=args.subtypes,
        bootstrap=args.bootstrap,
        seed=args.seed,
    )
    # spans in context need every span; the rest needs span counts and the spans that carry attributes, sources or
    # relations, read when first needed
    result = analysis.run(project, options, analysis.prepare(project, options, spans=bool(args.kwic)))
    if args.kwic:
        rows = analysis_details.kwic(result, args.kwic, args.sort)
        writer = csv.DictWriter(sys.stdout, KWIC_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    comparison = None
    if args.compare:
        a, b = args.compare
        comparison = analysis_details.compare(result, a, b, args.paired, args.correction, args.permutations)
    if args.report:
        path = analysis_details.write_report(project, result, comparison, Path(args.report))
        print(f"report written to {path}", file=sys.stderr)
    if args.json:
        data = analysis.to_json(result)
        data["attributes"] = analysis_details.attribute_distributions(project.scheme, result)
        data["sources"] = analysis_details.sources(result)
        if comparison is not None:
            data["comparison"] = analysis_details.comparison_json(comparison)
        print_json(data)
    elif args.csv:
        _print_csv(result)
    else:
        _print_table(result)
        if comparison is not None:
            _print_comparison(analysis_details.comparison_json(comparison))
        _print_sources(analysis_details.sources(result))
    return 0


def tidy_rows(result: analysis.Analysis) -> list[dict[str, Any]]:
    """One row per group and label: the --csv table."""
    rows = []
    for stats in result.stats:
        for k, key in enumerate(result.keys):
            empty = stats.empty
            rows.append(
                {
                    "group": stats.name,
                    "documents": stats.documents,
                    "words": int(stats.words),
                    "label": key,
                    "spans": int(stats.spans[k]),
                    "documents_with": int(stats.documents_with[k]),
                    "share_of_documents": "" if not stats.documents else repr(float(stats.share[k])),
                    "per_1000_words": "" if empty else repr(float(stats.rate[k])),
                    "ci_low": "" if empty or stats.ci_low[k] != stats.ci_low[k] else repr(float(stats.ci_low[k])),
                    "ci_high": "" if empty or stats.ci_high[k] != stats.ci_high[k] else repr(float(stats.ci_high[k])),
                    "empty": int(empty),
                    "small": int(stats.small),
                }
            )
    return rows


def _print_csv(result: analysis.Analysis) -> None:
    writer = csv.DictWriter(sys.stdout, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(tidy_rows(result))


def _print_table(result: analysis.Analysis) -> None:
    width = max([len(result.options.by), *(len(g) for g in result.groups)], default=10)
    width = min(width, 40)
    key_width = max([5, *(len(k) for k in result.keys)])
    header = f"{result.options.by:<{width}}  {'docs':>5}  {'words':>8}  {'label':<{key_width}}  {'spans':>6}  "
    print(header + f"{'docs with':>9}  {'share':>5}  per 1,000 words [95% CI]")
    for stats in result.stats:
        flag = "*" if stats.small and not stats.empty else ""
        for k, key in enumerate(result.keys):
            name = (stats.name[:width] + flag) if k == 0 else ""
            docs, words = (f"{stats.documents:>5}", f"{int(stats.words):>8}") if k == 0 else (" " * 5, " " * 8)
            if stats.empty:
                rate = "(empty: no words)"
            else:
                ci = stats.ci_low[k], stats.ci_high[k]
                rate = f"{stats.rate[k]:8.2f}" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci[0] == ci[0] else "")
            share = f"{stats.share[k]:5.0%}" if stats.documents else "    —"
            print(
                f"{name:<{width + 1}} {docs}  {words}  {key:<{key_width}}  "
                f"{int(stats.spans[k]):>6}  {int(stats.documents_with[k]):>9}  {share}  {rate}"
            )
    if any(s.small and not s.empty for s in result.stats) and result.options.bootstrap:
        print("* fewer than 5 documents: the interval means little")
    for note in result.notes:
        print(f"note: {note}")


def _print_comparison(c: dict[str, Any]) -> None:
    design = "paired within stories" if c["design"] == "paired" else "independent"
    print(f"\n{c['a']} − {c['b']} ({design}; p two-sided, {c['correction']} across labels)")
    if c["reason"]:
        print(f"  not tested: {c['reason']}")
        return
    for key, e in c["labels"].items():
        ci = f" [{e['ci']['low']:.2f}, {e['ci']['high']:.2f}]" if e["ci"] else ""
        p = "—" if e["p_value"] is None else f"{e['p_value']:.4f}"
        adjusted = "—" if e["p_adjusted"] is None else f"{e['p_adjusted']:.4f}"
        print(f"  {key:<30} {e['difference']:8.2f}{ci:<20}  p {p}  adjusted {adjusted}")
    arrangements = "all arrangements" if c["exact"] else f"{c['permutations']} permutations"
    print(f"  ({arrangements})", flush=True)


def _print_sources(found: dict[str, list[dict[str, Any]]], top: int = 5) -> None:
    if not found:
        return
    print("\nwho is quoted (top 5 per group; cues in brackets)")
    for group, rows in sorted(found.items()):
        shown = "; ".join(
            f"{r['source']} {r['quotes']} ({', '.join(f'{c} {n}' for c, n in r['cues'].items())})" for r in rows[:top]
        )
        print(f"  {group}: {shown}")
