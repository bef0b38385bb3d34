"""The bundled sample articles, annotated by alice and bob, one click (or command) away."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from annotator.formats.registry import ReadOptions
from annotator.services.importing import ImportReport, import_paths
from annotator.services.project import Project


def samples_path() -> Path:
    return Path(str(resources.files("annotator.samples").joinpath("samples.jsonl")))


def load_samples(project: Project, actor: str) -> ImportReport:
    """Import the samples; loading them twice changes nothing."""
    return import_paths(project, [samples_path()], actor, "jsonl", ReadOptions())
