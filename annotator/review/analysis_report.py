"""The analysis as one self-contained HTML page: tables, pictures as inline SVG, and the method notes (what was
counted, how intervals and p-values were computed, the seed), so the page can be sent on its own."""

from __future__ import annotations

import html
from typing import Any

from annotator.review import analysis_figures as pictures
from annotator.review.analysis import MIN_DOCUMENTS


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ci(ci: dict[str, float] | None, digits: int = 2) -> str:
    return "" if not ci else f" [{ci['low']:.{digits}f}, {ci['high']:.{digits}f}]"


def method_notes(result: dict[str, Any], comparison: dict[str, Any] | None = None) -> list[str]:
    boot = result["bootstrap"]
    notes = [
        f"Grouped by {result['by']}; annotations of {', '.join(result['annotators']) or 'nobody'}"
        + (f"; documents of the collection {result['collection']}" if result.get("collection") else "")
        + ". A document counts in a group when one of these annotators annotated it or marked it in progress or "
        "done.",
        "Words are whitespace-separated tokens of the article text (boilerplate left out where it is marked). "
        "A rate is the group's spans per 1,000 words; with several annotators their spans and words add up.",
        f"Intervals: 95% percentile bootstrap over the group's documents, {boot['resamples']} resamples, "
        f"seed {boot['seed']}; each group draws from its own generator (seed, CRC-32 of its name). Intervals on "
        f"fewer than {MIN_DOCUMENTS} documents are flagged (*); groups without words are empty, not zero.",
    ]
    if comparison:
        design = (
            "paired within stories: the mean over stories of the difference of rates; the test flips the two "
            "outlets within stories and the interval resamples stories"
            if comparison["design"] == "paired"
            else "independent: the difference of rates; the test shuffles documents between the two groups and the "
            "interval resamples each group's documents"
        )
        arrangements = "every arrangement" if comparison["exact"] else f"{comparison['permutations']} random ones"
        notes.append(
            f"Comparison {comparison['a']} − {comparison['b']}, {design}. Two-sided permutation p-values over "
            f"{arrangements}, corrected across labels with {comparison['correction']}."
        )
    return notes


def _rates_table(result: dict[str, Any]) -> str:
    keys = result["keys"]
    small = set(result["small_groups"])
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    rows = []
    for name, group in result["groups"].items():
        flag = "*" if name in small else ""
        cells = []
        for key in keys:
            entry = group["labels"][key]
            if entry["per_1000_words"] is None:
                cells.append("<td class=empty>empty</td>")
            else:
                text = f"{entry['per_1000_words']:.2f}{_ci(entry['ci'])} · {entry['spans']} spans"
                cells.append(f"<td>{html.escape(text)}</td>")
        words = f"{group['documents']} docs, {group['words']:,} words"
        rows.append(f"<tr><th>{html.escape(name)}{flag}<br><small>{words}</small></th>{''.join(cells)}</tr>")
    return f"<table><tr><th>{html.escape(result['by'])}</th>{head}</tr>{''.join(rows)}</table>"


def _comparison_table(comparison: dict[str, Any]) -> str:
    if comparison.get("reason"):
        return f"<p class=note>{html.escape(comparison['reason'])}</p>"
    rows = "".join(
        f"<tr><th>{html.escape(key)}</th><td>{_fmt(e['difference'])}{_ci(e['ci'])}</td>"
        f"<td>{_fmt(e['p_value'], 4)}</td><td>{_fmt(e['p_adjusted'], 4)}</td></tr>"
        for key, e in comparison["labels"].items()
    )
    return (
        f"<table><tr><th>label</th><th>{html.escape(comparison['a'])} − {html.escape(comparison['b'])} "
        f"per 1,000 words [95% CI]</th><th>p</th><th>p ({html.escape(comparison['correction'])})</th></tr>"
        f"{rows}</table>"
    )


def _attributes_table(attributes: dict[str, Any]) -> str:
    rows = []
    for group, block in attributes.items():
        for attribute, values in block.items():
            shown = ", ".join(
                f"{html.escape(v)} {_fmt(e['share'])}{_ci(e['ci'])} ({e['spans']})" for v, e in values.items()
            )
            rows.append(f"<tr><th>{html.escape(group)}</th><td>{html.escape(attribute)}</td><td>{shown}</td></tr>")
    header = "<tr><th>group</th><th>attribute</th><th>share of spans [95% CI] (spans)</th></tr>"
    return f"<table>{header}{''.join(rows)}</table>"


def _sources_table(sources: dict[str, list[dict[str, Any]]], top: int = 10) -> str:
    rows = []
    for group, found in sources.items():
        for row in found[:top]:
            cues = ", ".join(f"{html.escape(c)} {n}" for c, n in row["cues"].items())
            rows.append(
                f"<tr><th>{html.escape(group)}</th><td>{html.escape(row['source'])}</td><td>{row['quotes']}</td>"
                f"<td>{row['documents']}</td><td>{cues}</td></tr>"
            )
    header = "<tr><th>group</th><th>source</th><th>quotes</th><th>documents</th><th>cues</th></tr>"
    return f"<table>{header}{''.join(rows)}</table>"


def _svg(figure: Any) -> str:
    text = pictures.figure_bytes(figure, "svg").decode("utf-8")
    return text[text.find("<svg") :]  # inline: the XML declaration and doctype are not allowed inside HTML


STYLE = (
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}table{border-collapse:collapse;"
    "margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    ".empty{color:#999}.note{color:#555}figure{margin:1em 0}svg{max-width:100%;height:auto}"
)


def render(
    result: dict[str, Any],
    comparison: dict[str, Any] | None = None,
    attributes: dict[str, Any] | None = None,
    sources: dict[str, list[dict[str, Any]]] | None = None,
    timeline: dict[str, dict[str, Any]] | None = None,
    timeline_key: str = "",
) -> str:
    """The report page. Every argument is JSON-shaped, as the service returns it."""
    top_keys = [k for k in result["keys"] if "/" not in k] or result["keys"]
    parts = [
        f"<!doctype html><html><head><meta charset=utf-8><title>Analysis by {html.escape(result['by'])}</title>"
        f"<style>{STYLE}</style></head><body><h1>Analysis by {html.escape(result['by'])}</h1>",
        "<h2>Method</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in method_notes(result, comparison)),
        "".join(f"<li>{html.escape(n)}</li>" for n in result["notes"]) + "</ul>",
        "<h2>Rates per 1,000 words [95% CI]</h2>",
        _rates_table(result),
    ]
    if result["groups"] and result["keys"]:
        parts.append(f"<figure>{_svg(pictures.bars_figure(result, top_keys[:4]))}</figure>")
        parts.append(f"<figure>{_svg(pictures.heatmap_figure(result, result['keys']))}</figure>")
    if timeline:
        parts.append(f"<h2>{html.escape(timeline_key)} by month</h2>")
        parts.append(f"<figure>{_svg(pictures.timeline_figure(timeline, timeline_key))}</figure>")
    if comparison:
        parts += [f"<h2>{html.escape(comparison['a'])} against {html.escape(comparison['b'])}</h2>"]
        parts.append(_comparison_table(comparison))
    if attributes:
        parts += ["<h2>Attribute values</h2>", _attributes_table(attributes)]
    if sources:
        parts += ["<h2>Who is quoted</h2>", _sources_table(sources)]
    parts.append("</body></html>")
    return "\n".join(parts)
