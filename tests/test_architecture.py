"""The layer rules of docs/architecture.md, checked on every import statement in the source.

Imports are read with `ast` (also those inside functions, which is where the CLI keeps
its heavy ones), so a rule cannot be dodged by importing late. Each failure names the
file, the line and the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "remiss"
FLOWS = ROOT / "flows"

# The foundations every layer may use: errors, Swedish dates, file identity, workspace, bundled files,
# progress events, remiss's values as JSON.
FOUNDATIONS = {"errors", "swedish", "identity", "settings", "resources", "progress", "wire"}
# What each part of remiss may import from remiss itself (besides itself and the foundations).
ALLOWED: dict[str, set[str]] = {
    "foundations": set(),
    "domain": set(),
    "documents": {"domain"},
    "store": {"domain"},
    "mail": {"domain"},
    "services": {"domain", "documents", "store", "mail"},
    "demo": {"domain", "documents", "store", "mail", "services"},
    # cli: `remiss serve` hosts the web desk in its process.
    "cli": {"domain", "documents", "store", "mail", "services", "demo", "flows", "web"},
    "web": {"domain", "documents", "store", "mail", "services", "flows"},
    "flows": {"domain", "documents", "store", "mail", "services", "demo", "flows"},
}
# Frameworks that only the outer layers (the CLI, the web app and the Prefect flows) may use.
FRAMEWORKS = {"prefect", "typer", "click", "fastapi", "starlette", "uvicorn"}
FRAMEWORK_LAYERS = {"cli", "web", "flows"}


def _layer(path: Path) -> str:
    if path.is_relative_to(FLOWS):
        return "flows"
    part = path.relative_to(SRC).parts[0]
    return "foundations" if part.removesuffix(".py") in FOUNDATIONS | {"__init__"} else part


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = "remiss_flows" if path.is_relative_to(FLOWS) else "remiss"
    if not path.is_relative_to(FLOWS):
        package = ".".join(["remiss", *path.relative_to(SRC).parent.parts])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
            elif node.module:
                found.append((node.lineno, node.module))
    return found


def _target(module: str) -> str | None:
    """The layer an imported module belongs to; None for anything outside remiss."""
    parts = module.split(".")
    if parts[0] == "remiss_flows":
        return "flows"
    if parts[0] != "remiss":
        return None
    if len(parts) == 1 or parts[1] in FOUNDATIONS:
        return "foundations"
    return parts[1]


def _sources() -> list[Path]:
    return sorted([*SRC.rglob("*.py"), *FLOWS.rglob("*.py")])


def _violations() -> list[str]:
    problems = []
    for path in _sources():
        layer = _layer(path)
        where = path.relative_to(ROOT)
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in FRAMEWORKS and layer not in FRAMEWORK_LAYERS:
                problems.append(f"{where}:{line}: {layer} imports {module} (only cli/, web/ and flows/ may)")
            target = _target(module)
            if target is None or target in (layer, "foundations"):
                continue
            if target not in ALLOWED.get(layer, set()):
                problems.append(f"{where}:{line}: {layer} imports {module} ({layer} may not use {target})")
    return problems


def test_every_import_keeps_to_the_layers():
    problems = _violations()
    assert not problems, "Imports across the layers (see docs/architecture.md):\n" + "\n".join(problems)


def test_every_layer_in_the_source_has_rules():
    layers = {_layer(path) for path in _sources()}
    assert layers <= set(ALLOWED), f"layers without rules: {sorted(layers - set(ALLOWED))}"


@pytest.mark.parametrize(
    ("layer", "module", "wrong"),
    [
        ("domain", "remiss.store.schema", True),
        ("documents", "remiss.services.work", True),
        ("store", "remiss.services.context", True),
        ("mail", "remiss.store.database", True),
        ("services", "remiss.cli.render", True),
        ("services", "remiss_flows.collect", True),
        ("services", "remiss.documents.zipped", False),
        ("cli", "remiss_flows.collect", False),
    ],
)
def test_the_rules_tell_right_from_wrong(layer, module, wrong):
    """The checker itself: an import up the layers is caught, one down them is not."""
    target = _target(module)
    assert (target not in ALLOWED[layer] and target != layer) is wrong
