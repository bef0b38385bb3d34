"""Render the app icon's PNG sizes from its SVG, into the Freedesktop icon-theme layout under resources/icons.

Run after editing the SVG (the PNGs are committed, so neither the app nor a build needs an SVG renderer):

    .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON_NAME = "media-annotator"
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons" / "hicolor"
SVG = ICONS / "scalable" / "apps" / f"{ICON_NAME}.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"


def render(size: int, svg: Path = SVG):  # -> QImage (Qt is imported late: this module is also read by tests)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs one)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG that Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    for size in SIZES:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        print(target.relative_to(ICONS.parents[1]))


if __name__ == "__main__":
    main()
