"""The project's own shape: every package ships, layers hold, resources and samples are inside the package."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_package() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "annotator").rglob("__init__.py")} | {
        "annotator.resources",
        "annotator.samples",
    }
    assert found == listed


def test_layers_and_import_rules_hold() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_resources_and_samples_are_reachable_through_the_package() -> None:
    from importlib import resources

    assert resources.files("annotator.resources").joinpath("default_scheme.json").is_file()
    assert resources.files("annotator.samples").joinpath("samples.jsonl").is_file()


def test_main_py_is_a_three_line_shim() -> None:
    lines = [line for line in (ROOT / "main.py").read_text().splitlines() if line.strip()]
    assert lines == ["from annotator.ui.app import main", "main()"]
