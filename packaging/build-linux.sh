#!/usr/bin/env bash
# Builds dist/media-annotator/: Media Annotator as one folder that runs on a Linux desktop with no Python installed.
#
# usage: packaging/build-linux.sh [--install]
#   --install   also add the app to this user's application menu (the .desktop entry and the icons)
#
# The build runs in its own virtual environment (build/bundle-venv) where the app is installed as a package, not
# editable, with the `bundle` extra (PyInstaller). Set PYTHON to choose the interpreter (3.11 or newer, built with
# a shared libpython, as python.org, distribution and pyenv --enable-shared builds are). The same spec builds the
# Windows and macOS apps on those systems: see .github/workflows/build-apps.yml.
set -euo pipefail

install=false
for arg in "$@"; do
  case $arg in
    --install) install=true ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-linux.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
venv=build/bundle-venv

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# setuptools builds in build/lib and would pack files left there by an earlier build into the new wheel
rm -rf build/lib build/bdist.*
"$venv/bin/python" -m pip install --quiet --upgrade ".[bundle]"
"$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall .  # this tree's code, even at the same version

# the pyinstaller command, not `python -m PyInstaller`, which would put this source tree ahead of the installed package
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/media-annotator.spec

# Linux extras at the top of the folder, for someone who downloads only the folder
install -m 755 packaging/install-desktop-entry.sh dist/media-annotator/install-desktop-entry.sh

echo "built $root/dist/media-annotator ($(du -sh dist/media-annotator | cut -f1)); run dist/media-annotator/media-annotator"
if $install; then
  dist/media-annotator/install-desktop-entry.sh
fi
