"""The wheel holds every package: `pip install .` (the README's install) must not miss one.

The editable install the tests use finds any package on disk, so a package left out of
pyproject.toml's list only shows after a real install, as a ModuleNotFoundError in front of
a user. This reads the list and compares it with the folders.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _listed() -> set[str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return set(tomllib.load(handle)["tool"]["setuptools"]["packages"])


def test_every_package_under_src_is_in_the_wheel() -> None:
    on_disk = {
        ".".join(init.parent.relative_to(ROOT / "src").parts) for init in (ROOT / "src").rglob("__init__.py")
    }
    missing = sorted(on_disk - _listed())
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_listed_package_exists() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        mapped = tomllib.load(handle)["tool"]["setuptools"]["package-dir"]
    gone = []
    for package in sorted(_listed()):
        root = next((k for k in sorted(mapped, key=len, reverse=True) if k and package.startswith(k)), "")
        rest = package[len(root) :].strip(".")
        base = ROOT / mapped[root] if root else ROOT / "src"
        folder = base / Path(*rest.split(".")) if rest else base
        if not folder.is_dir():
            gone.append(package)
    assert not gone, f"listed in pyproject.toml but no folder: {gone}"
