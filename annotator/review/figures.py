"""Pictures and files of an agreement result: pairwise heatmaps and confusion matrices (matplotlib, Agg),
every figure's numbers as CSV and JSON, the measures as CSV, and one HTML page that puts them together.

matplotlib is imported only when a picture is drawn, and only its object-oriented API with the Agg canvas is
used (no pyplot state), so this works headless, in threads and in tests.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.review.report import MATRIX_MEASURES, MEASURES

TITLES = {
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "alpha_u": "unitizing alpha (αu)",
    "f1_exact": "F1 exact",
    "f1_relaxed": "F1 relaxed",
    "f1_exact_unlabeled": "F1 exact, label-blind",
    "f1_relaxed_unlabeled": "F1 relaxed, label-blind",
    "observed_agreement": "observed agreement",
}
PAIR_COLUMNS = (
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_u",
    "f1_exact",
    "f1_relaxed",
    "f1_exact_unlabeled",
    "f1_relaxed_unlabeled",
)
IMAGE_FORMATS = ("png", "svg")


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _annotated_grid(axes: Any, grid: list[list[float | None]], fmt: str, vmin: float, vmax: float) -> Any:
    import numpy as np

    values = np.array([[np.nan if v is None else float(v) for v in row] for row in grid], dtype=float)
    image = axes.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=vmin, vmax=vmax)
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            light = (v - vmin) / ((vmax - vmin) or 1) < 0.5
            axes.text(j, i, format(v, fmt), ha="center", va="center", color="white" if light else "black")
        else:
            axes.text(j, i, "—", ha="center", va="center", color="grey")
    return image


def heatmap_figure(result: dict[str, Any], measure: str = "cohen_kappa") -> Any:
    names = result["matrix"]["annotators"]
    grid = result["matrix"].get(measure) or [[None] * len(names) for _ in names]
    size = 1.6 + 0.7 * len(names)
    figure = _figure(size + 1.2, size)
    axes = figure.add_subplot()
    image = _annotated_grid(axes, grid, ".2f", -1.0 if "f1" not in measure else 0.0, 1.0)
    axes.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axes.set_yticks(range(len(names)), names)
    axes.set_title(f"Pairwise {TITLES.get(measure, measure)}")
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def confusion_figure(confusion: dict[str, Any]) -> Any:
    labels, matrix = confusion["labels"], confusion["matrix"]
    size = 2.0 + 0.55 * len(labels)
    figure = _figure(size + 1.2, size)
    axes = figure.add_subplot()
    top = max((max(row) for row in matrix), default=1) or 1
    image = _annotated_grid(axes, [[float(v) for v in row] for row in matrix], ".0f", 0.0, float(top))
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    first, second = confusion["annotators"]
    axes.set_xlabel(second)
    axes.set_ylabel(first)
    axes.set_title(f"Labels on aligned spans: {first} × {second}")
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def figure_bytes(figure: Any, fmt: str = "png", dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


# -- tables -------------------------------------------------------------------------------------------------


def measure_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (group, scope, measure): value, 95% interval and the reason when there is no value."""
    rows = []

    def add(group: str, scope: str, block: dict[str, Any], names: Iterable[str]) -> None:
        for name in names:
            ci = (block.get("ci") or {}).get(name) or {}
            rows.append(
                {
                    "group": group,
                    "scope": scope,
                    "measure": name,
                    "value": block.get(name),
                    "ci_low": ci.get("low"),
                    "ci_high": ci.get("high"),
                    "reason": block.get("reasons", {}).get(name, ""),
                }
            )

    def add_result(group: str, res: dict[str, Any]) -> None:
        add(group, "overall", res["overall"], MEASURES)
        for label, block in res["by_label"].items():
            add(group, f"label {label}", block, MEASURES)
        for label, block in res.get("document_level", {}).items():
            add(
                group,
                f"document label {label}",
                block,
                ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "observed_agreement"),
            )

    add_result("all", result)
    for group, res in result.get("groups", {}).get("results", {}).items():
        add_result(group, res)
    return rows


def pair_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for pair in result["pairs"]:
        for scope, block in [("overall", pair), *((f"label {k}", v) for k, v in pair["by_label"].items())]:
            row = {"first": pair["annotators"][0], "second": pair["annotators"][1], "scope": scope}
            row.update({k: block.get(k) for k in PAIR_COLUMNS})
            rows.append(row)
    return rows


def _write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header or (list(rows[0]) if rows else ["empty"]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_") or "x"


# -- the report folder --------------------------------------------------------------------------------------


def write_report(result: dict[str, Any], folder: Path, image_formats: Iterable[str] = IMAGE_FORMATS) -> list[Path]:
    """Write the whole report into folder (created if needed); returns the files written, report.html first."""
    folder.mkdir(parents=True, exist_ok=True)
    formats = [f for f in image_formats if f in IMAGE_FORMATS]
    written = [_write_json(folder / "agreement.json", result)]
    written.append(
        _write_csv(
            folder / "measures.csv",
            measure_rows(result),
            ["group", "scope", "measure", "value", "ci_low", "ci_high", "reason"],
        )
    )
    written.append(_write_csv(folder / "pairs.csv", pair_rows(result)))
    figures: list[tuple[str, str, str]] = []  # (title, stem, kind)
    names = result["matrix"]["annotators"]
    if len(names) >= 2:
        for measure in MATRIX_MEASURES:
            stem = f"heatmap_{measure}"
            grid = result["matrix"].get(measure, [])
            data = {"measure": measure, "annotators": names, "matrix": grid}
            written.append(_write_json(folder / f"{stem}.json", data))
            written.append(_write_csv(folder / f"{stem}.csv", _grid_rows("annotator", names, names, grid)))
            written += _save(heatmap_figure(result, measure), folder, stem, formats)
            figures.append((f"Pairwise {TITLES[measure]}", stem, "heatmap"))
    for conf in result.get("confusion", []):
        stem = "confusion_" + "_".join(_slug(n) for n in conf["annotators"])
        written.append(_write_json(folder / f"{stem}.json", conf))
        rows = _grid_rows(conf["annotators"][0], conf["labels"], conf["labels"], conf["matrix"])
        written.append(_write_csv(folder / f"{stem}.csv", rows))
        written += _save(confusion_figure(conf), folder, stem, formats)
        figures.append((f"Confusion: {' × '.join(conf['annotators'])}", stem, "confusion"))
    page = folder / "report.html"
    page.write_text(render_html(result, figures, formats[0] if formats else None), encoding="utf-8")
    return [page, *written]


def _grid_rows(corner: str, rows: list[str], columns: list[str], grid: list[list[Any]]) -> list[dict[str, Any]]:
    return [{corner: name, **dict(zip(columns, values, strict=True))} for name, values in zip(rows, grid, strict=True)]


def _save(figure: Any, folder: Path, stem: str, formats: list[str]) -> list[Path]:
    paths = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(figure_bytes(figure, fmt))
        paths.append(path)
    return paths


def render_html(result: dict[str, Any], figures: list[tuple[str, str, str]], image_format: str | None) -> str:
    e = html.escape
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Agreement report</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}td:first-child,th:first-child"
        "{text-align:left}.why{color:#777;font-size:.85em;text-align:left}figure{display:inline-block;"
        "margin:1em}</style></head><body>",
        "<h1>Agreement report</h1>",
        f"<p>Annotators: {e(', '.join(result['annotators']))} · documents: {result['documents']} "
        f"(coded by all: {result['documents_coded_by_all']}) · tokens: {result['tokens']}</p>",
    ]
    suggested = result.get("from_suggestions", {})
    if any(suggested.values()):
        listed = ", ".join(f"{e(who)} {n}" for who, n in suggested.items())
        kept = "left out of every measure" if result.get("suggestions_excluded") else "included"
        out.append(f"<p>Annotations from accepted suggestions: {listed} ({kept}).</p>")
    options = result.get("options", {})
    if options.get("bootstrap"):
        out.append(f"<p>95% intervals from {options['bootstrap']} bootstrap resamples of documents.</p>")
    out.append(_html_measures(result))
    if result.get("document_level"):
        out.append(
            "<h2>Document-level labels</h2>"
            + _html_table(
                result["document_level"], ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "observed_agreement")
            )
        )
    if result.get("pairs"):
        out.append(
            "<h2>Pairs</h2>"
            + _html_table(
                {" × ".join(p["annotators"]): p for p in result["pairs"]},
                PAIR_COLUMNS,
            )
        )
    for group, res in result.get("groups", {}).get("results", {}).items():
        out.append(f"<h2>{e(result['groups']['by'])}: {e(group)}</h2>" + _html_measures(res))
    if image_format:
        for title, stem, _ in figures:
            out.append(
                f"<figure><img src='{e(stem)}.{image_format}' alt='{e(title)}'>"
                f"<figcaption>{e(title)} (<a href='{e(stem)}.csv'>CSV</a>, "
                f"<a href='{e(stem)}.json'>JSON</a>)</figcaption></figure>"
            )
    out.append(
        "<p>All numbers: <a href='agreement.json'>agreement.json</a>, <a href='measures.csv'>measures.csv"
        "</a>, <a href='pairs.csv'>pairs.csv</a>.</p></body></html>"
    )
    return "\n".join(out)


def _html_measures(result: dict[str, Any]) -> str:
    rows = {"overall": result["overall"], **{f"label: {k}": v for k, v in result["by_label"].items()}}
    return "<h2>Measures</h2>" + _html_table(rows, MEASURES)


def _html_table(rows: dict[str, dict[str, Any]], measures: Iterable[str]) -> str:
    e = html.escape
    measures = list(measures)
    head = "".join(f"<th>{e(TITLES.get(m, m))}</th>" for m in measures)
    body = []
    for name, block in rows.items():
        cells = []
        for m in measures:
            value, ci = block.get(m), (block.get("ci") or {}).get(m)
            if value is None:
                cells.append(f"<td class='why'>— {e(block.get('reasons', {}).get(m, ''))}</td>")
            else:
                interval = f"<br><small>[{ci['low']:.3f}, {ci['high']:.3f}]</small>" if ci else ""
                cells.append(f"<td>{value:.3f}{interval}</td>")
        body.append(f"<tr><td>{e(name)}</td>{''.join(cells)}</tr>")
    return f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>"
