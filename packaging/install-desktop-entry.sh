#!/bin/sh
# Adds Media Annotator to this user's application menu: a .desktop entry that starts the media-annotator executable
# beside this script, and the app's icons. Run it again after moving the folder; --uninstall takes both away.
# Files go under $XDG_DATA_HOME (by default ~/.local/share): applications/ and icons/hicolor/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
resources="$here/_internal/annotator/resources"
entry="$data/applications/media-annotator.desktop"

refresh_caches() {  # icon themes notice a folder's new time; the menu's cache is rebuilt where the tool exists
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$data/applications" || true; fi
  if [ -d "$data/icons/hicolor" ]; then touch "$data/icons/hicolor"; fi
}

case "${1:-}" in
  "") ;;
  --uninstall)
    rm -f "$entry"
    find "$data/icons/hicolor" -path '*/apps/media-annotator.*' -delete 2>/dev/null || true
    refresh_caches
    echo "removed $entry and the icons"
    exit 0 ;;
  *) echo "install-desktop-entry.sh: unknown option '$1' (use --uninstall to remove)" >&2; exit 2 ;;
esac

if [ ! -x "$here/media-annotator" ] || [ ! -f "$resources/media-annotator.desktop" ] || [ ! -d "$resources/icons" ]; then
  echo "install-desktop-entry.sh: $here is not a Media Annotator folder (no media-annotator executable beside me)" >&2
  exit 1
fi

# Desktop Entry values: a string escapes a backslash as \\; the Exec key then quotes its argument, where " ` $ \
# take a backslash of their own (so \\" \\` \\$ \\\\ in the file) and a % is written %%.
exe="$here/media-annotator"
try_exec=$(printf '%s' "$exe" | sed -e 's/\\/\\\\/g')
exec_arg=$(printf '%s' "$exe" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g' -e 's/%/%%/g')
sed_text() { printf '%s' "$1" | sed -e 's/[&|\\]/\\&/g'; }  # safe as the replacement of a sed s|...|...|
mkdir -p "$data/applications"
sed -e "s|^Exec=[^ ]*|Exec=\"$(sed_text "$exec_arg")\"|" -e "s|^TryExec=.*|TryExec=$(sed_text "$try_exec")|" \
  "$resources/media-annotator.desktop" > "$entry.tmp"
mv "$entry.tmp" "$entry"
(cd "$resources/icons" && find hicolor -path '*/apps/media-annotator.*' -type f) | while read -r icon; do
  mkdir -p "$data/icons/$(dirname "$icon")"
  cp "$resources/icons/$icon" "$data/icons/$icon"
done
refresh_caches
echo "installed $entry (starts $exe)"
