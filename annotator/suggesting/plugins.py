"""Finding recommenders through entry points, and keeping one that fails from spoiling the others.

Every call into a recommender goes through Problems.guard: an exception leaves that recommender's result out, is
logged with its traceback the first time, and becomes one line for the user however often it happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TypeVar

from annotator.core.errors import InputError
from annotator.suggesting.recommender import Recommender, TrainingCancelled

GROUP = "media_annotator.recommenders"
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Failure:
    recommender: str
    stage: str  # loading, training, suggesting, saving
    error: str
    times: int = 1

    def message(self) -> str:
        times = f" ({self.times} times)" if self.times > 1 else ""
        outcome = "it was left out" if self.stage in BLOCKING else "its suggestions were left out where it failed"
        return f"recommender '{self.recommender}' failed while {self.stage}{times}: {self.error}; {outcome}"


BLOCKING = frozenset({"loading", "training"})  # after failing here a recommender is not asked again


@dataclass
class Problems:
    """What went wrong in recommenders during one run: each recommender reported once, with a count.

    A recommender that fails to load or train is not called again; one that fails to suggest for a document is
    still asked about the next (a plugin may stumble on one odd text only)."""

    failures: dict[str, Failure] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)

    def record(self, recommender: str, stage: str, exc: BaseException) -> None:
        if stage in BLOCKING:
            self.blocked.add(recommender)
        if recommender in self.failures:
            self.failures[recommender].times += 1
            return
        error = f"{type(exc).__name__}: {exc}"
        self.failures[recommender] = Failure(recommender, stage, error)
        log.error("recommender %r failed while %s", recommender, stage, exc_info=exc)

    def guard(self, recommender: str, stage: str, call: Callable[[], T]) -> T | None:
        """call(), or None after recording what it raised (cancelling training is passed on, not a failure)."""
        if recommender in self.blocked:
            return None
        try:
            return call()
        except TrainingCancelled:
            raise
        except Exception as exc:  # a plugin may raise anything; the others must still run
            self.record(recommender, stage, exc)
            return None

    def failed(self, recommender: str) -> bool:
        return recommender in self.failures

    def messages(self) -> list[str]:
        return [f.message() for f in self.failures.values()]


def available() -> list[str]:
    """The names registered under the entry point group, sorted."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def discover(names: Sequence[str] | None, problems: Problems) -> list[Recommender]:
    """An instance of each registered recommender (or of those named), in name order.

    A name nobody registered is the user's error; a plugin that cannot be imported or made is recorded in
    problems and left out.
    """
    found: dict[str, Any] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            known = ", ".join(sorted(found)) or "none"
            raise InputError(f"no recommender named {', '.join(map(repr, unknown))}; known: {known}")
    chosen = sorted(set(names) if names else found)
    made: list[Recommender] = []
    for name in chosen:
        instance = problems.guard(name, "loading", lambda ep=found[name]: _make(ep))
        if instance is not None:
            made.append(instance)
    return made


def _make(ep: Any) -> Recommender:
    factory = ep.load()
    instance = factory()
    for attribute in ("suggest", "version"):
        if not hasattr(instance, attribute):
            raise TypeError(f"{ep.value} gives a {type(instance).__name__}, which has no '{attribute}'")
    if getattr(instance, "name", None) != ep.name:
        instance.name = ep.name  # the registered name is the one users type and suggestions carry
    return instance  # type: ignore[no-any-return]
