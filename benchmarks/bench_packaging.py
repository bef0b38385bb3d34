"""The Linux app bundle (dist/media-annotator, built by packaging/build-linux.sh when missing or stale): its size on
disk, and how long it takes from launch to `--version` printed and to the window shown on a real X server (Xvfb).

"Cold" means none of the bundle's files are in the page cache (evicted with posix_fadvise, as after a reboot or a
fresh download); the system's own libraries (X, fontconfig) stay cached, as on any running desktop.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from benchmarks.registry import Measurement, figure
from tests.bundle import harness

BUILD_TOOLS = ("pyinstaller", "_pyinstaller", "altgraph", "pip", "setuptools", "_distutils_hack", "pkg_resources")


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> int:
    total = 0
    for entry in folder.iterdir():
        if entry.name.lower().startswith(skip):
            continue
        if entry.is_symlink() or entry.is_file():
            total += entry.lstat().st_size
        elif entry.is_dir():
            total += folder_bytes(entry)
    return total


def evict_from_page_cache(folder: Path) -> None:
    for file in folder.rglob("*"):
        if file.is_file() and not file.is_symlink():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


@cache
def prepared() -> tuple[Path, Path]:
    """The bundle, and a home folder with a project of the five sample articles and a saved annotator name."""
    if reason := harness.ensure_x_tools():
        raise RuntimeError(reason)
    harness.ensure_bundle()
    home = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    samples = harness.BUNDLE / "_internal" / "annotator" / "samples" / "samples.jsonl"
    db = home / "project.sqlite"
    subprocess.run(
        [str(harness.EXECUTABLE), "--db", str(db), "import", str(samples)],
        env=harness.clean_env(home),
        check=True,
        capture_output=True,
    )
    harness.write_settings(home, "bench")
    return home, db


def time_version(command: list[str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*command, "--version"], env=harness.clean_env(home), check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def time_window(command: list[str], home: Path, db: Path, display: str) -> float:
    start = time.perf_counter()
    app = subprocess.Popen(
        [*command, "--db", str(db)],
        env=harness.clean_env(home, display),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        harness.wait_for_window(display, "^Media Annotator", app)
        return (time.perf_counter() - start) * 1000
    finally:
        app.terminate()
        app.wait(timeout=20)


def dev_command() -> list[str]:
    """The same app from this checkout's installed Python, for the floor."""
    return [sys.executable, "-m", "annotator"]


@figure("bundle_size_mb", target="<= 400 MB unpacked")
def bundle_size() -> Measurement:
    prepared()
    site = next((harness.ROOT / "build" / "bundle-venv" / "lib").glob("python3*/site-packages"))
    parts = sorted(
        (
            (folder_bytes(p) if p.is_dir() and not p.is_symlink() else p.lstat().st_size, p.name)
            for p in (harness.BUNDLE / "_internal").iterdir()
        ),
        reverse=True,
    )
    biggest = ", ".join(f"{name} {size / 1e6:.0f}" for size, name in parts[:6])
    return Measurement(
        folder_bytes(harness.BUNDLE) / 1e6,
        floor=folder_bytes(site, skip=BUILD_TOOLS) / 1e6,
        floor_what="MB of the same libraries installed by pip, without Python itself",
        detail=f"largest parts (MB): {biggest}",
    )


@figure("bundle_version_cold_ms", target="report: launch to --version printed, bundle not in the page cache")
def version_cold() -> Measurement:
    home, _ = prepared()
    command = [str(harness.EXECUTABLE)]
    cold = []
    for _ in range(3):
        evict_from_page_cache(harness.BUNDLE)
        cold.append(time_version(command, home))
    warm = [time_version(command, home) for _ in range(5)]
    floor = statistics.median(time_version(dev_command(), home) for _ in range(5))
    return Measurement(
        statistics.median(cold),
        floor=floor,
        floor_what="ms, the same command from an installed Python, warm",
        detail=f"cold runs {', '.join(f'{t:.0f}' for t in cold)} ms; warm median {statistics.median(warm):.0f} ms",
    )


@figure("bundle_window_cold_ms", target="report: launch to the main window shown (Xvfb), bundle not in the page cache")
def window_cold() -> Measurement:
    home, db = prepared()
    command = [str(harness.EXECUTABLE)]
    with harness.virtual_display() as display:
        cold = []
        for _ in range(3):
            evict_from_page_cache(harness.BUNDLE)
            cold.append(time_window(command, home, db, display))
        warm = [time_window(command, home, db, display) for _ in range(3)]
        floor = statistics.median(time_window(dev_command(), home, db, display) for _ in range(3))
    return Measurement(
        statistics.median(cold),
        floor=floor,
        floor_what="ms, the same window from an installed Python, warm",
        detail=f"cold runs {', '.join(f'{t:.0f}' for t in cold)} ms; warm median {statistics.median(warm):.0f} ms",
    )
