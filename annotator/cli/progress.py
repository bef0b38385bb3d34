"""The import command's progress bar (on a terminal only) and its closing summary."""

from __future__ import annotations

import shutil
import sys
from typing import Any, TextIO

from annotator.services.importing import ImportReport


class ProgressBar:
    """[#####.....] 12/40 name: redrawn in place on stderr; silent when stderr is not a terminal."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None):
        self.total, self.enabled, self.stream = max(total, 1), enabled, stream or sys.stderr
        self.drawn = False

    def update(self, done: int, name: str) -> bool:
        if self.enabled:
            columns = shutil.get_terminal_size((80, 20)).columns
            width = 30
            filled = width * min(done, self.total) // self.total
            head = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
            tail = name[-(max(columns - len(head) - 1, 10)) :]
            self.stream.write(f"\r{head}{tail}".ljust(columns - 1)[: columns - 1])
            self.stream.flush()
            self.drawn = True
        return True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def report_json(report: ImportReport) -> dict[str, Any]:
    """The import's report as JSON (import --json): every list of the plain report, and the fidelity report."""
    return {
        "checked": report.checked,
        "imported": [{"source": source, "document": uuid} for source, uuid in report.imported],
        "duplicates": [
            {"source": source, "document": uuid, "title": report.titles.get(uuid, "")}
            for source, uuid in report.duplicates
        ],
        "failed": [{"source": source, "reason": reason} for source, reason in report.failed],
        "annotations": report.annotations,
        "notes": list(report.notes),
        "fidelity": report.fidelity.to_dict(),
        "cancelled": report.cancelled,
        "summary": report.summary(),
    }


def print_report(report: ImportReport, collection: str | None = None, out: TextIO | None = None) -> None:
    """Every duplicate with the document it repeats, every failure with its reason, then the counts."""
    out = out or sys.stdout
    for source, original in report.duplicates:
        title = report.titles.get(original, "")
        print(
            f"duplicate skipped: {source} (same text as document {original[:8]}" + (f' "{title}")' if title else ")"),
            file=out,
        )
    for source, reason in report.failed:
        print(f"failed: {reason}" if source in reason else f"failed: {source}: {reason}", file=out)
    for note in report.notes:
        print(f"note: {note}", file=out)
    for line in report.fidelity.lines():  # what each format kept and what it left out
        print(line, file=out)
    members = {uuid for _, uuid in report.imported + report.duplicates}
    if collection and members:
        print(f"collection '{collection}' holds the {len(members)} documents of this import", file=out)
    print(report.summary(), file=out)
