"""Training recommenders and asking them for suggestions: Qt-free, for the CLI and for a background thread.

Models live in a folder of their own (the service puts it next to the database), one sub-folder per recommender
with the recommender's files and a meta.json saying which recommender version wrote them and on which data
(a fingerprint of the documents and their spans). A model whose meta.json is missing, damaged or from another
version, or whose files the recommender cannot read, is trained again. A new model is written beside the old one
and swapped in only when complete, so a failed or cancelled training leaves the old model as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from annotator.suggesting.model import (
    AnnotatedDocument,
    LearningRecord,
    Suggestion,
    best_per_key,
    without_existing,
    without_remembered,
)
from annotator.suggesting.plugins import Problems
from annotator.suggesting.recommender import ModelFileError, Recommender, TrainingCancelled

RunProgress = Callable[[int, int, str], bool | None]  # (done, total, what is being done) -> False to cancel
META = "meta.json"
STEPS = 1000  # progress steps per recommender trained


def fingerprint(documents: Iterable[AnnotatedDocument]) -> str:
    """A hash of the texts and span annotations training would see: equal hashes, equal training data."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.id):
        digest.update(doc.id.encode() + b"\0" + hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).digest())
        spans = sorted((s.label_key, tuple((f.start, f.end) for f in s.fragments)) for s in doc.spans)
        digest.update(repr((doc.language, spans)).encode())
    return digest.hexdigest()


@dataclass
class TrainingReport:
    trained: list[str] = field(default_factory=list)  # recommenders trained in this run
    loaded: list[str] = field(default_factory=list)  # recommenders whose saved model was used
    notes: list[str] = field(default_factory=list)  # for the user: labels skipped, models retrained and why
    problems: Problems = field(default_factory=Problems)


def _read_meta(folder: Path, recommender: Recommender) -> dict:
    try:
        meta = json.loads((folder / META).read_text("utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"{folder} holds no model yet") from None
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{folder / META} cannot be read ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("recommender") != recommender.name:
        raise ModelFileError(f"{folder / META} is not a model of {recommender.name}")
    if meta.get("version") != recommender.version:
        raise ModelFileError(
            f"{folder} was written by version {meta.get('version')!r} of {recommender.name}, "
            f"this is version {recommender.version!r}"
        )
    return meta


def _save(folder: Path, recommender: Recommender, meta: dict) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    stale = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    try:
        recommender.save(fresh)
        (fresh / META).write_text(json.dumps(meta, indent=1), "utf-8")
        if folder.exists():
            folder.rename(stale)
        fresh.rename(folder)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)


def prepare(
    recommenders: Sequence[Recommender],
    documents: Sequence[AnnotatedDocument],
    folder: Path | None,
    retrain_stale: bool = False,
    progress: RunProgress | None = None,
    problems: Problems | None = None,
) -> TrainingReport:
    """Make every trainable recommender ready: load its saved model or train one (and save it, with a folder).

    A saved model trained on other data than these documents is used as it is, with a note, unless
    retrain_stale. Cancelling (progress answers False) raises TrainingCancelled; saved models stay as they were.
    """
    report = TrainingReport(problems=problems or Problems())
    trainable = [r for r in recommenders if getattr(r, "trainable", True)]
    data = fingerprint(documents)
    total = len(trainable) * STEPS
    for n, rec in enumerate(trainable):
        where = folder / rec.name if folder is not None else None
        reason = "no model folder was given"
        if where is not None:
            try:
                meta = _read_meta(where, rec)
                rec.load(where)
                if meta.get("fingerprint") == data or not retrain_stale:
                    report.loaded.append(rec.name)
                    if meta.get("fingerprint") != data:
                        report.notes.append(f"{rec.name}: trained before the latest annotations; --train updates it")
                    continue
                reason = "the annotations changed since it was trained"
            except Exception as exc:  # damaged files fail in many ways; each means: train again
                reason = str(exc)
                if not isinstance(exc, ModelFileError):
                    reason = f"{where}: the saved model cannot be read ({type(exc).__name__}: {exc})"
                if (where / META).exists():
                    report.notes.append(f"{rec.name}: retrained, because {reason}")

        def step(done: int, steps: int, base: int = n * STEPS, name: str = rec.name) -> bool | None:
            return progress(base + (STEPS * done) // max(steps, 1), total, f"training {name}") if progress else None

        notes = report.problems.guard(
            rec.name, "training", lambda rec=rec, step=step: [str(note) for note in rec.train(documents, step) or ()]
        )
        if notes is None:
            continue
        report.notes.extend(notes)
        report.trained.append(rec.name)
        if where is not None:
            meta = {
                "recommender": rec.name,
                "version": rec.version,
                "fingerprint": data,
                "trained": datetime.now(UTC).isoformat(timespec="seconds"),
                "documents": len(documents),
                "spans": sum(len(d.spans) for d in documents),
                "because": reason,
            }
            report.problems.guard(rec.name, "saving", lambda rec=rec, where=where, meta=meta: _save(where, rec, meta))
    if progress is not None and progress(total, total, "trained") is False:
        raise TrainingCancelled()
    return report


def _checked(suggestions: object, document: AnnotatedDocument, name: str) -> list[Suggestion]:
    """The suggestions as they must be: for this document, inside its text, with a finite score in 0..1."""
    if not isinstance(suggestions, list | tuple):
        raise TypeError(f"suggest() returned a {type(suggestions).__name__}, not a list of Suggestion")
    for s in suggestions:
        if not isinstance(s, Suggestion):
            raise TypeError(f"suggest() returned a {type(s).__name__} among its suggestions")
        if s.document != document.id:
            raise ValueError(f"a suggestion for document {s.document!r} came back for {document.id!r}")
        if not s.fragments or s.end > len(document.text):
            raise ValueError(f"suggestion {s.start}..{s.end} lies outside the text ({len(document.text)} characters)")
        if not s.label or not (math.isfinite(s.score) and 0 <= s.score <= 1):
            raise ValueError(f"suggestion {s.start}..{s.end} has label {s.label!r} and score {s.score!r}")
        if s.recommender != name:
            raise ValueError(f"a suggestion came back signed by {s.recommender!r}, not by {name!r}")
    return list(suggestions)


def suggest(
    recommenders: Sequence[Recommender],
    documents: Sequence[AnnotatedDocument],
    records: Iterable[LearningRecord] = (),
    problems: Problems | None = None,
    fit: Callable[[Suggestion], Suggestion | None] | None = None,
) -> list[Suggestion]:
    """Every ready recommender's suggestions for the documents, less duplicates of their annotations and of each
    other and less what learning records remember as rejected. fit, when given, adjusts each suggestion or
    leaves it out (None) before duplicates are weighed, e.g. to the project's scheme. A recommender that raises,
    or returns what is not a valid suggestion, is left out from then on and reported once in problems."""
    problems = problems if problems is not None else Problems()
    records = list(records)
    ready = [r for r in recommenders if problems.guard(r.name, "suggesting", lambda r=r: bool(r.trained))]
    out: list[Suggestion] = []
    for document in documents:
        found: list[Suggestion] = []
        for rec in ready:
            made = problems.guard(
                rec.name, "suggesting", lambda rec=rec, doc=document: _checked(rec.suggest(doc), doc, rec.name)
            )
            found.extend(made or ())
        if fit is not None:
            found = [f for f in map(fit, found) if f is not None]
        found = without_remembered(without_existing(found, [document]), records)
        out.extend(best_per_key(found))
    return out
