"""One typed settings object, kept as JSON in the platformdirs config folder."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from annotator import paths


@dataclass
class Settings:
    annotator: str = ""  # the person at the keyboard; asked on first launch
    database_url: str = ""  # empty: the SQLite file under the data folder
    snap_to_words: bool = True
    zoom: int = 0
    window_geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    window_state: str = ""
    shown_annotators: list[str] = field(default_factory=list)
    recent_projects: list[str] = field(default_factory=list)  # file paths, server URLs without passwords; newest first
    backup_every_minutes: int = 10  # while editing, a verified backup this often (0: never)
    backups_kept: int = 10  # interval backups kept; older ones are deleted (upgrade/restore backups never are)
    suggestion_thresholds: dict[str, float] = field(default_factory=dict)  # label -> lowest score shown
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Settings from disk; a missing or unreadable file gives the defaults (the app must still start)."""
        path = path or paths.settings_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known} if isinstance(data, dict) else {}
        try:
            return cls(**values)
        except TypeError:
            return cls()

    def save(self, path: Path | None = None) -> None:
        """Write atomically: a crash mid-write leaves the previous settings intact."""
        path = path or paths.settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
