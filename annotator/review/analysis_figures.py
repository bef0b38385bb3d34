"""Pictures of an analysis (matplotlib's object-oriented API, no pyplot state): rates per group as bars with
their 95% interval as whiskers, a timeline of rates by month, and a heat map of labels x groups.

They draw from the JSON-shaped result (services.analysis.to_json), so the report, the window and a script all
draw the same thing. Hundreds of groups stay legible: the largest `top` groups (by documents) are drawn and
the rest are pooled into one "others" bar, whose rate is their spans over their words (no interval: pooling
groups is not a resample of any one of them).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from annotator.review.figures import _figure

TOP = 12
OTHERS = "others"


def top_groups(result: dict[str, Any], top: int = TOP) -> tuple[list[str], list[str]]:
    """(shown, pooled): the `top` groups with most documents (ties by name), and the rest."""
    groups = result["groups"]
    ranked = sorted(groups, key=lambda g: (-groups[g]["documents"], g))
    if len(ranked) <= top:
        return list(groups), []
    shown = set(ranked[: top - 1])
    return [g for g in groups if g in shown], [g for g in groups if g not in shown]


def bar_rows(result: dict[str, Any], key: str, top: int = TOP) -> list[tuple[str, float | None, float, float]]:
    """(group, rate, low, high) per bar, "others" last when groups were pooled; NaN where there is no interval."""
    shown, pooled = top_groups(result, top)
    rows = []
    for name in shown:
        entry = result["groups"][name]["labels"][key]
        ci = entry["ci"] or {"low": np.nan, "high": np.nan}
        rows.append((name, entry["per_1000_words"], ci["low"], ci["high"]))
    if pooled:
        spans = sum(result["groups"][g]["labels"][key]["spans"] for g in pooled)
        words = sum(result["groups"][g]["words"] for g in pooled)
        rows.append((f"{OTHERS} ({len(pooled)})", 1000.0 * spans / words if words else None, np.nan, np.nan))
    return rows


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def bars_figure(result: dict[str, Any], keys: Sequence[str], top: int = TOP, figure: Any = None) -> Any:
    """Rates per 1,000 words per group, one bar per label side by side, whiskers for the 95% interval."""
    figure = figure or _figure(7.5, 4.2)
    figure.clear()
    axes = figure.add_subplot()
    keys = list(keys)[:6]  # more than six bars per group cannot be read; the heat map shows them all
    width = 0.8 / max(len(keys), 1)
    names: list[str] = []
    for k, key in enumerate(keys):
        rows = bar_rows(result, key, top)
        names = [r[0] for r in rows]
        x = np.arange(len(rows)) + (k - (len(keys) - 1) / 2) * width
        rate = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
        low, high = np.array([r[2] for r in rows], float), np.array([r[3] for r in rows], float)
        err = np.vstack([np.clip(rate - low, 0, None), np.clip(high - rate, 0, None)])
        err = np.where(np.isfinite(err), err, 0.0)
        axes.bar(x, np.nan_to_num(rate), width, label=key, yerr=err, capsize=3, error_kw={"elinewidth": 1})
        for xi, r in zip(x, rate, strict=True):
            if not np.isfinite(r):
                axes.text(xi, 0, "empty", rotation=90, ha="center", va="bottom", fontsize=7, color="grey")
    turned = len(names) > 4
    labels = [_short(n) for n in names]
    axes.set_xticks(range(len(names)), labels, rotation=35 if turned else 0, ha="right" if turned else "center")
    axes.set_ylabel("spans per 1,000 words")
    axes.set_title(f"Rates by {result.get('by', 'group')} (95% bootstrap intervals)")
    if len(keys) > 1:
        axes.legend(fontsize=8)
    axes.margins(x=0.02)
    return figure


def heatmap_figure(result: dict[str, Any], keys: Sequence[str], top: int = 30, figure: Any = None) -> Any:
    """Labels (rows) x groups (columns), coloured by rate; empty groups grey."""
    shown, pooled = top_groups(result, top)
    rows = [[result["groups"][g]["labels"][k]["per_1000_words"] for g in shown] for k in keys]
    columns = list(shown)
    if pooled:
        columns.append(f"{OTHERS} ({len(pooled)})")
        for row, key in zip(rows, keys, strict=True):
            words = sum(result["groups"][g]["words"] for g in pooled)
            spans = sum(result["groups"][g]["labels"][key]["spans"] for g in pooled)
            row.append(1000.0 * spans / words if words else None)
    values = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float).reshape(len(keys), -1)
    figure = figure or _figure(min(3 + 0.55 * len(columns), 16), min(1.6 + 0.32 * len(keys), 12))
    figure.clear()
    axes = figure.add_subplot()
    image = axes.imshow(np.ma.masked_invalid(values), cmap="viridis", aspect="auto")
    if values.size <= 400:
        top_value = np.nanmax(values) if np.isfinite(values).any() else 1.0
        for (i, j), v in np.ndenumerate(values):
            light = v < top_value / 2
            text, colour = ("—", "grey") if not np.isfinite(v) else (f"{v:.1f}", "white" if light else "black")
            axes.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    axes.set_xticks(range(len(columns)), [_short(c, 22) for c in columns], rotation=40, ha="right", fontsize=8)
    axes.set_yticks(range(len(keys)), list(keys), fontsize=8)
    axes.set_title("Spans per 1,000 words")
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def timeline_figure(series: dict[str, dict[str, Any]], key: str, figure: Any = None) -> Any:
    """Rate of one label by month, one line per group with its interval as a band.

    series: {group: {month: {"per_1000_words", "ci"}}} (services.analysis_views.timeline)."""
    figure = figure or _figure(7.5, 3.6)
    figure.clear()
    axes = figure.add_subplot()
    months = sorted({m for points in series.values() for m in points})
    where = {m: i for i, m in enumerate(months)}
    for group, points in series.items():
        xs = [where[m] for m in sorted(points)]
        ys = [points[m]["per_1000_words"] for m in sorted(points)]
        ys = [np.nan if y is None else y for y in ys]
        line = axes.plot(xs, ys, marker="o", markersize=3, label=_short(group))[0]
        lows = [(points[m]["ci"] or {}).get("low", np.nan) for m in sorted(points)]
        highs = [(points[m]["ci"] or {}).get("high", np.nan) for m in sorted(points)]
        axes.fill_between(xs, lows, highs, color=line.get_color(), alpha=0.15, linewidth=0)
    step = max(1, len(months) // 12)
    axes.set_xticks(range(0, len(months), step), months[::step], rotation=35, ha="right", fontsize=8)
    axes.set_ylabel("spans per 1,000 words")
    axes.set_title(f"{key} by month")
    if series:
        axes.legend(fontsize=8)
    return figure


def figure_bytes(figure: Any, fmt: str = "png", dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()
