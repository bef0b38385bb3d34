"""The Linux app bundle, run as a person would run it: built by packaging/build-linux.sh (or reused while it is newer
than every file it is made from), started in its own X server, and, where the system allows (root and unshare),
with every Python installation on the machine hidden from it.

Used by tests/bundle/test_linux_bundle.py and benchmarks/bench_packaging.py.
"""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "media-annotator"
EXECUTABLE = BUNDLE / "media-annotator"
MADE_FROM = ("annotator", "resources", "samples", "packaging", "pyproject.toml")
# Debian packages for a real X server, reading and photographing its windows, and checking .desktop files
X_PACKAGES = ("xvfb", "xdotool", "imagemagick", "desktop-file-utils")
X_TOOLS = ("Xvfb", "xdotool", "import", "desktop-file-validate")


def stale_reason() -> str | None:
    """Why the bundle must be (re)built, or None when the one in dist/ is newer than all its sources."""
    if not EXECUTABLE.is_file():
        return f"{EXECUTABLE} does not exist"
    built = EXECUTABLE.stat().st_mtime
    for top in MADE_FROM:
        path = ROOT / top
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts and file.stat().st_mtime > built:
                return f"{file.relative_to(ROOT)} changed after the bundle was built"
    return None


def ensure_bundle() -> Path:
    if stale_reason() is not None:
        build = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build-linux.sh")], cwd=ROOT, capture_output=True, text=True
        )
        if build.returncode != 0:
            raise RuntimeError(f"packaging/build-linux.sh failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}")
    return EXECUTABLE


def missing_x_tools() -> list[str]:
    return [tool for tool in X_TOOLS if shutil.which(tool) is None]


def ensure_x_tools() -> str | None:
    """Install the X tools from Debian when missing and allowed; returns why they cannot be had, or None."""
    if not missing_x_tools():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"needs {', '.join(missing_x_tools())} (apt-get install {' '.join(X_PACKAGES)})"
    subprocess.run(["apt-get", "update", "-q"], capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-q", *X_PACKAGES], capture_output=True)
    return f"could not install {', '.join(missing)}" if (missing := missing_x_tools()) else None


def clean_env(home: Path, display: str | None = None) -> dict[str, str]:
    """A desktop session's environment with nothing of this test run in it: no PYTHON*, no QT_QPA_PLATFORM."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        env[var] = str(home / sub)
    if display:
        env["DISPLAY"] = display
    return env


def python_places() -> tuple[list[Path], list[Path]]:
    """Folders and files through which a program could find a Python: this interpreter's prefixes, the project's
    virtual environments, the system's and /usr/local's libraries, and the libpython files the dynamic linker sees."""
    system_roots = {Path("/"), Path("/usr"), Path("/usr/local")}
    folders = {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)} - system_roots
    folders |= {ROOT / ".venv", ROOT / "build" / "bundle-venv"}
    linker_dirs = [Path("/usr/lib"), Path("/usr/local/lib"), *Path("/usr/lib").glob("*-linux-gnu")]
    folders |= {d for lib in (Path("/usr/lib"), Path("/usr/local/lib")) for d in lib.glob("python3*")}
    files = {f for lib in linker_dirs for f in lib.glob("libpython3*.so*")}
    return sorted(f for f in folders if f.is_dir()), sorted(f for f in files if f.is_file())


def can_hide_python() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


def without_python(command: list[str]) -> list[str]:
    """The command run in a private mount namespace where every Python place is covered by an empty mount."""
    folders, files = python_places()
    mounts = [f"mount --bind /dev/null {shlex.quote(str(f))}" for f in files]  # files first: some are in the folders
    mounts += [f"mount -t tmpfs none {shlex.quote(str(d))}" for d in folders]
    script = " && ".join([*mounts, 'exec "$@"'])
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command]


def bundle_command(*args: str, hide_python: bool) -> list[str]:
    command = [str(EXECUTABLE), *args]
    return without_python(command) if hide_python else command


@contextmanager
def virtual_display(size: str = "1280x800x24") -> Iterator[str]:
    """A private Xvfb server; yields its DISPLAY. It takes a number from 100 up, away from the :0 and :99 that
    other tools and sessions on a shared machine use, and writes it to a pipe once it accepts clients."""
    for number in range(100 + os.getpid() % 100, 400):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        read_end, write_end = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        try:
            ready, _, _ = select.select([read_end], [], [], 30)
            if ready and os.read(read_end, 16).decode().strip() == str(number):
                try:
                    yield f":{number}"
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                return
            server.kill()  # taken in the meantime, or not ready in 30 s: try the next number
            server.wait(timeout=10)
        finally:
            os.close(read_end)
    raise RuntimeError("no free X display number between :100 and :399")


def find_window(display: str, title_regex: str) -> str | None:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title_regex],
        env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    return found.stdout.split()[0] if found.stdout.strip() else None


def wait_for_window(display: str, title_regex: str, app: subprocess.Popen[bytes], timeout: float = 90) -> str:
    """The X id of the first visible window whose title matches, as soon as it is mapped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            err = app.stderr.read().decode(errors="replace") if app.stderr else ""
            raise RuntimeError(f"the app exited with status {app.returncode} before its window showed:\n{err[-3000:]}")
        if window := find_window(display, title_regex):
            return window
        time.sleep(0.02)
    raise TimeoutError(f"no window titled /{title_regex}/ within {timeout:.0f} s")


def window_title(display: str, window: str) -> str:
    env = {"DISPLAY": display, "PATH": "/usr/bin:/bin"}
    return subprocess.run(["xdotool", "getwindowname", window], env=env, capture_output=True, text=True).stdout.strip()


def screenshot(display: str, out: Path, window: str = "root") -> Path:
    env = {"DISPLAY": display, "PATH": "/usr/bin:/bin"}
    subprocess.run(["import", "-window", window, str(out)], env=env, check=True, capture_output=True)
    return out


def colour_count(png: Path) -> int:
    """How many distinct colours a picture has: an empty X screen has one, a drawn window hundreds."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.width() * image.height())
    return len(np.unique(pixels))


def write_settings(home: Path, annotator: str) -> None:
    """The annotator's name saved, as after a first launch (so no name prompt comes before the window)."""
    folder = home / "config" / "media-annotator"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(f'{{"annotator": "{annotator}"}}', encoding="utf-8")
