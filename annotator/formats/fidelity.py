"""The fidelity report: what an import kept of a file, and what it could not keep, counted by kind and format.

Readers count as they read, through ReadOptions.fidelity:

* kept      stored as what a project holds: documents, spans, relations, attributes, notes, labels;
* preserved held in the document's format data (its metadata under the format's name, see below) and written
            back when the project is exported to the same format, but not shown or edited as annotations
            (a brat normalization, a Label Studio rating, a WebAnno zero-width span);
* left out neither: named here so that nothing is lost without a word ("left out: 2 rating results (Label
            Studio)"), with the file and line of the first one;
* moves     spans moved to another occurrence of their text, one line each (only with --reanchor).

Format data: each interchange format keeps what the data model has no place for in
``Document.metadata[<format name>]``, JSON only, keyed by annotation or relation id where it belongs to one, so
that the data of several annotators' files for the same text can be merged (merge_format_data) without one
overwriting another.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FORMAT_NAMES = {
    "brat": "brat",
    "webanno": "WebAnno TSV",
    "labelstudio": "Label Studio",
    "doccano": "doccano",
    "qdpx": "REFI-QDA",
    "conll": "CoNLL",
}
BUCKETS = ("kept", "preserved", "left_out")
_HEADINGS = {"kept": "kept", "preserved": "kept as format data only", "left_out": "left out"}


def plural(kind: str, count: int) -> str:
    """'rating result' -> 'rating results' (the last word of the kind is its noun)."""
    if count == 1:
        return kind
    head, _, last = kind.rpartition(" ")
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


@dataclass
class Fidelity:
    kept: Counter[tuple[str, str]] = field(default_factory=Counter)  # (format, kind) -> count
    preserved: Counter[tuple[str, str]] = field(default_factory=Counter)
    left_out: Counter[tuple[str, str]] = field(default_factory=Counter)
    where: dict[tuple[str, str], str] = field(default_factory=dict)  # (format, kind) left out -> first place
    moves: list[str] = field(default_factory=list)

    def keep(self, fmt: str, kind: str, count: int = 1) -> None:
        if count:
            self.kept[(fmt, kind)] += count

    def preserve(self, fmt: str, kind: str, count: int = 1) -> None:
        if count:
            self.preserved[(fmt, kind)] += count

    def leave_out(self, fmt: str, kind: str, count: int = 1, where: str | None = None) -> None:
        if count:
            self.left_out[(fmt, kind)] += count
            if where:
                self.where.setdefault((fmt, kind), where)

    def moved(self, line: str) -> None:
        self.moves.append(line)

    def merge(self, other: Fidelity) -> None:
        for bucket in BUCKETS:
            getattr(self, bucket).update(getattr(other, bucket))
        for key, place in other.where.items():
            self.where.setdefault(key, place)
        self.moves += other.moves

    def __bool__(self) -> bool:
        return any(getattr(self, bucket) for bucket in BUCKETS) or bool(self.moves)

    @property
    def complete(self) -> bool:
        """True when nothing was left out."""
        return not self.left_out

    def lines(self) -> list[str]:
        """One line per bucket that holds anything, then the moves: what the CLI and the dialog show."""
        out = []
        for bucket in BUCKETS:
            counts = getattr(self, bucket)
            if counts:
                items = [
                    f"{n} {plural(kind, n)} ({FORMAT_NAMES.get(fmt, fmt)})"
                    + (
                        f", first at {self.where[(fmt, kind)]}"
                        if bucket == "left_out" and (fmt, kind) in self.where
                        else ""
                    )
                    for (fmt, kind), n in sorted(counts.items())
                ]
                out.append(f"{_HEADINGS[bucket]}: {', '.join(items)}")
        out += [f"re-anchored: {move}" for move in self.moves]
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (CLI --json, the change log): lists of {format, kind, count[, where]}."""
        data: dict[str, Any] = {}
        for bucket in BUCKETS:
            data[bucket] = [
                {"format": fmt, "kind": kind, "count": n}
                | ({"where": self.where[(fmt, kind)]} if bucket == "left_out" and (fmt, kind) in self.where else {})
                for (fmt, kind), n in sorted(getattr(self, bucket).items())
            ]
        data["moves"] = list(self.moves)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fidelity:
        out = cls()
        for bucket in BUCKETS:
            for item in data.get(bucket, []):
                getattr(out, bucket)[(item["format"], item["kind"])] += int(item["count"])
                if "where" in item:
                    out.where[(item["format"], item["kind"])] = item["where"]
        out.moves = list(data.get("moves", []))
        return out


def merge_format_data(existing: Any, incoming: Any) -> Any:
    """The metadata of a document that is already stored, with a new file's metadata for it merged in.

    Dicts merge key by key (recursively); lists of plain values (names, header lines, token cuts) gain the
    incoming values they lack; anywhere else the stored value wins. So importing a file twice changes nothing
    and one annotator's data never overwrites another's (format data is keyed by annotation id or annotator
    name). The import service calls this when a file's document is one the project has already (two
    annotators' exports of the same text)."""
    if isinstance(existing, dict) and isinstance(incoming, dict):
        merged = dict(existing)
        for key, value in incoming.items():
            merged[key] = merge_format_data(existing[key], value) if key in existing else value
        return merged
    if isinstance(existing, list) and isinstance(incoming, list) and all(_plain(v) for v in existing + incoming):
        return existing + [v for v in incoming if v not in existing]
    return existing


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None
