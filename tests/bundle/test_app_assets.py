"""What the downloadable app carries besides code: the icon in every size, the .desktop entry, the version."""

from __future__ import annotations

import configparser
import importlib.util
import json
import tomllib
from importlib import resources

import numpy as np
import pytest
from PySide6.QtGui import QImage

from annotator.cli.main import main
from tests.bundle.harness import ROOT

spec = importlib.util.spec_from_file_location("render_icons", ROOT / "packaging" / "render_icons.py")
assert spec and spec.loader
render_icons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_icons)  # packaging/ is no package: the name would shadow the `packaging` library


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    flat = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.width() * image.height() * 4)
    return flat.reshape(image.height(), image.width(), 4).astype(int)


@pytest.mark.parametrize("size", render_icons.SIZES)
def test_each_png_is_its_size_and_rendered_from_the_current_svg(size: int, qapp) -> None:
    committed = QImage(str(render_icons.png_path(size)))
    assert (committed.width(), committed.height()) == (size, size)
    difference = np.abs(pixels(committed) - pixels(render_icons.render(size)))
    assert difference.mean() < 1.0, "the PNGs are older than the SVG: run packaging/render_icons.py"


def test_icon_shows_the_four_label_colours_of_the_default_scheme(qapp) -> None:
    scheme = json.loads((ROOT / "resources" / "default_scheme.json").read_text(encoding="utf-8"))
    span_colours = {label["colour"].lower() for label in scheme["labels"] if label.get("shortcut")}
    big = pixels(QImage(str(render_icons.png_path(512))))
    present = {"#{:02x}{:02x}{:02x}".format(*px[:3]) for px in big.reshape(-1, 4)[::7] if px[3] == 255}
    assert len(span_colours) == 4 and span_colours <= present


def test_icons_and_desktop_entry_ship_as_package_data() -> None:
    package = resources.files("annotator.resources")
    assert package.joinpath("media-annotator.desktop").is_file()
    assert package.joinpath("icons/hicolor/scalable/apps/media-annotator.svg").is_file()
    for size in render_icons.SIZES:
        assert package.joinpath(f"icons/hicolor/{size}x{size}/apps/media-annotator.png").is_file()
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "icons/hicolor/*/apps/*" in globs["annotator.resources"]  # what puts them into the wheel and the bundle


def test_desktop_entry_starts_the_app_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(ROOT / "resources" / "media-annotator.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert (desktop["Type"], desktop["Name"], desktop["Terminal"]) == ("Application", "Media Annotator", "false")
    assert desktop["Exec"] == "media-annotator %f" and desktop["TryExec"] == "media-annotator"  # installer: full path
    assert render_icons.ICON_NAME == desktop["Icon"] == render_icons.SVG.stem
    assert desktop["Categories"].endswith(";")


def test_version_flag_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert exited.value.code == 0 and capsys.readouterr().out == f"annotator {version}\n"


def test_the_window_icon_carries_every_png_size(qapp) -> None:
    from annotator.ui.app import app_icon

    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert sizes == {(n, n) for n in (16, 24, 32, 48, 64, 128, 256, 512)}
