"""Pausing Python's cycle collector around work that makes many objects holding no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Used where many objects are made at once: a large export or import (millions, short-lived), and opening a
    large document (some 50,000 annotations, fragments and marks that stay alive). Made with the collector on,
    they set off collections that walk the whole heap over and over and free nothing (measured: a third to a half
    of a million-annotation export or import; 40 ms and more of opening a large document). Reference counting
    still frees them; the collector is switched back on afterwards, as it was, and then finds whatever cycles
    were made meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
