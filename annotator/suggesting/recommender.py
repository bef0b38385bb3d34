"""The one small interface every recommender implements, built-in or a lab's own plugin.

A plugin is a class (or any callable returning an instance) registered under the entry point group
`media_annotator.recommenders` in its package's metadata, e.g. in its pyproject.toml:

    [project.entry-points."media_annotator.recommenders"]
    my_lab_claims = "my_lab.recommenders:ClaimSpotter"

It is made with no arguments, must run offline, and should keep its work on the CPU by default.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from annotator.core.errors import AnnotatorError
from annotator.suggesting.model import AnnotatedDocument, Suggestion

Progress = Callable[[int, int], bool | None]  # (steps done, steps in all) -> False to cancel


class TrainingCancelled(AnnotatorError):
    """The progress callback asked to stop; models saved before are kept as they were."""

    def __init__(self) -> None:
        super().__init__("training was cancelled; the models saved before are kept")


class ModelFileError(AnnotatorError):
    """A saved model cannot be used (missing, corrupted, written by another version): it is trained again."""


def report(progress: Progress | None, done: int, total: int) -> None:
    """Tell progress how far training is; raises TrainingCancelled when it answers False."""
    if progress is not None and progress(done, total) is False:
        raise TrainingCancelled()


class Recommender(ABC):
    """Proposes spans for a document. Trainable ones learn from the project's annotations first."""

    name: ClassVar[str]
    version: ClassVar[str]  # change it whenever what train() learns or save() writes changes
    trainable: ClassVar[bool] = True

    @property
    def trained(self) -> bool:
        """Whether suggest() has what it needs (always true for a recommender that does not learn)."""
        return True

    def train(self, documents: Sequence[AnnotatedDocument], progress: Progress | None = None) -> list[str]:
        """Learn from the documents' span annotations; returns notes for the user (e.g. labels skipped)."""
        return []

    @abstractmethod
    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        """Proposals for one document (its existing spans are given; leaving duplicates out is not required)."""

    def save(self, folder: Path) -> None:  # noqa: B027 (optional: a recommender that learns nothing saves nothing)
        """Write the trained model into folder (empty, created by the caller)."""

    def load(self, folder: Path) -> None:  # noqa: B027 (optional, like save)
        """Read what save() wrote; raise ModelFileError (or anything else) when it cannot be used."""
