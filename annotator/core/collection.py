"""Collections: named sets of documents (an outlet group, a batch assigned to an annotator)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str
    description: str = ""
    size: int = 0  # how many documents it holds
