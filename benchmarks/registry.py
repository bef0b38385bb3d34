"""Figures register here: a name, a target, and a function that measures the figure and its raw floor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Measurement:
    value: float
    floor: float | None = None  # the same work done the rawest way, measured in the same run
    floor_what: str = ""
    detail: str = ""


@dataclass
class Figure:
    name: str
    target: str
    measure: Callable[[], Measurement]
    group: str


FIGURES: dict[str, Figure] = {}


def figure(name: str, target: str) -> Callable[[Callable[[], Measurement]], Callable[[], Measurement]]:
    def register(func: Callable[[], Measurement]) -> Callable[[], Measurement]:
        FIGURES[name] = Figure(name, target, func, func.__module__.rsplit(".", 1)[-1])
        return func

    return register


def median_ms(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of func in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
