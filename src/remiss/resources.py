"""Where the bundled catalog, example rounds and e-mail templates are.

In a source checkout they are the top-level config/ and templates/ folders; in an
installed wheel they ship as the package data `remiss.bundled.*`. Both resolve here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _bundled(name: str) -> Path:
    in_checkout = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and in_checkout.is_dir():
        return in_checkout
    # remiss is a regular package, so files() gives a real path in an installed wheel.
    return Path(str(files("remiss"))) / "bundled" / name


def config_dir() -> Path:
    return _bundled("config")


def templates_dir() -> Path:
    return _bundled("templates")


def default_catalog() -> Path:
    return config_dir() / "catalog.yaml"


def bundled_round(round_id: str = "sh-2016") -> Path:
    return config_dir() / "rounds" / f"{round_id}.yaml"


def example_round(round_id: str) -> Path:
    """One of the example rounds a new user can start from (config/rounds/examples/)."""
    return config_dir() / "rounds" / "examples" / f"{round_id}.yaml"
