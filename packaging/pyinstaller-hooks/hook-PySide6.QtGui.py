"""PySide6.QtGui as PyInstaller's own hook collects it, less the Qt plugins this desktop app never loads.

This hook replaces the built-in one (hooks on the spec's hookspath take precedence). Dropping the plugins here,
before PyInstaller follows their library dependencies, also leaves out what only they need: EGLFS, QtNetwork (VNC,
TUIO) and the GTK 3 stack of the gtk3 platform theme, whose copies from the build machine could clash with the
user's own GTK. Qt then uses its portal or built-in theme, as it does on a desktop without GTK.
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# plugin folders and file-name fragments; the names are the same on Linux, Windows and macOS
UNUSED_PLUGIN_FOLDERS = {"egldeviceintegrations", "generic"}  # embedded screens, evdev/TUIO input
UNUSED_PLUGIN_NAMES = ("qeglfs", "qlinuxfb", "qminimalegl", "qvnc", "qvkkhrdisplay", "qgtk3")


def _used(binary: tuple[str, str]) -> bool:
    source, dest = binary
    return Path(dest).name not in UNUSED_PLUGIN_FOLDERS and not any(n in Path(source).name for n in UNUSED_PLUGIN_NAMES)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [b for b in binaries if _used(b)]
