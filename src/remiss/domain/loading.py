"""Read catalog and round YAML files, reporting errors by field name and line number."""

from __future__ import annotations

import difflib
import re
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError

from remiss.domain.catalog import Catalog
from remiss.domain.round import RoundDefinition
from remiss.domain.validation import describe
from remiss.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)


class _DatesAsText(RoundTripConstructor):
    """Leaves dates as the text written, so the model validates them with line and field known.

    ruamel would build `2026-02-30` into a date while parsing, and fail with a bare
    ValueError that names neither the line nor the field.
    """


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def load_catalog(path: Path) -> Catalog:
    return _load(path, Catalog)[0]


def load_round(path: Path, catalog: Catalog) -> RoundDefinition:
    """Parse and validate a round, including that every organisation it names exists."""
    definition, data = _load(path, RoundDefinition)
    _check_references(definition, catalog, data, path.name)
    return definition


def load_round_and_catalog(path: Path, default_catalog: Path) -> tuple[RoundDefinition, Catalog]:
    """A round and the catalog its `catalog:` key names (relative to the round file)."""
    definition, data = _load(path, RoundDefinition)
    catalog_path = (path.parent / definition.catalog) if definition.catalog else default_catalog
    if definition.catalog and not catalog_path.is_file():
        where = _where(path.name, data, ("catalog",))
        state = "är ingen fil" if catalog_path.exists() else "finns inte"
        shown = f"{definition.catalog} ({catalog_path.resolve()})"
        raise ConfigError(f"{where}: fältet 'catalog': katalogen {shown} {state}")
    catalog = load_catalog(catalog_path)
    _check_references(definition, catalog, data, path.name)
    return definition, catalog


def _check_references(definition: RoundDefinition, catalog: Catalog, data: Any, name: str) -> None:
    """Each organisation id the catalog lacks, with its line and field (and the id meant, if close)."""
    known = list(catalog.by_id)
    lines = []
    for loc, org_id in definition.references():
        if catalog.get(org_id) is None:
            close = difflib.get_close_matches(org_id, known, n=1)
            hint = f"; menade du '{close[0]}'?" if close else ""
            lines.append(
                f"{_where(name, data, loc)}: fältet '{_field(loc)}': okänd organisation '{org_id}' "
                f"(finns inte i katalogen{hint})"
            )
    if lines:
        raise ConfigError("\n".join(lines[:10]))


def parse_round(text: str, catalog: Catalog, name: str = "omgång") -> RoundDefinition:
    """Validate a round definition held as text (the copy kept in the store)."""
    definition = _parse_stored_round(text, name)
    if definition.unknown_references(catalog):
        raise ConfigError(f"{name}: omgången nämner organisationer som inte finns i katalogen")
    return definition


@lru_cache(maxsize=16)
def _parse_stored_round(text: str, name: str) -> RoundDefinition:
    """The stored copy of a round, validated (with line numbers) when it was created.

    Reading it back needs no line numbers, so the C-based safe loader is used: the
    round-trip loader took 5 s for a round of 1,000 organisations, this 0.8 s. Both read
    YAML 1.2 the same way. Should the stored text ever fail, the careful path reports it.
    """
    try:
        return RoundDefinition.model_validate(_string_keys(YAML(typ="safe", pure=False).load(text)))
    except (YAMLError, ValidationError, TypeError, ValueError):
        return _validate(_parse_yaml(text, name), RoundDefinition, name)


def _load(path: Path, model: type[Model]) -> tuple[Model, Any]:
    """The validated model and the parsed YAML (which still knows every value's line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Filen {path} finns inte.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} är en mapp; ange en YAML-fil.") from None
    except PermissionError:
        raise ConfigError(f"Filen {path} kan inte läsas: behörighet saknas.") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path.name} rad {line}: filen är inte sparad som UTF-8 (spara den som UTF-8 och försök igen)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"Filen {path} kan inte läsas ({exc.strerror}).") from None
    data = _parse_yaml(text, path.name)
    return _validate(data, model, path.name), data


def _parse_yaml(text: str, name: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" rad {mark.line + 1}" if mark else ""
        raise ConfigError(f"{name}{where}: ogiltig YAML: {_yaml_problem(exc)}") from None
    if data is None:
        raise ConfigError(f"{name}: filen är tom")
    if not isinstance(data, CommentedMap):
        raise ConfigError(f"{name}: filen ska innehålla en YAML-mappning överst (nyckel: värde)")
    return data


# ruamel's problems, as a person who edits a YAML file by hand can act on them.
_YAML_PROBLEMS = (
    ("found duplicate key", "samma nyckel står två gånger"),
    ("found character '\\t'", "tabbtecken får inte användas för indrag; använd mellanslag"),
    ("mapping values are not allowed", "kolon på fel ställe (en text med kolon behöver citattecken)"),
    ("could not find expected ':'", "kolon saknas efter en nyckel"),
    ("found unexpected end of stream", "filen tar slut mitt i ett värde (saknas ett citattecken?)"),
    ("did not find expected key", "fel indrag"),
    ("expected <block end>", "fel indrag"),
    ("expected ',' or ']'", "en lista inom [ ] saknar komma eller avslutande ]"),
    ("expected ',' or '}'", "en mappning inom { } saknar komma eller avslutande }"),
    ("found undefined alias", "okänt alias (*namn)"),
    ("found unknown escape character", "okänd specialsekvens med \\ i en text inom citattecken"),
    ("while scanning a quoted scalar", "ett citattecken stängs inte"),
)


def _yaml_problem(exc: YAMLError) -> str:
    problem = " ".join(str(part) for part in (getattr(exc, "problem", None), getattr(exc, "context", None)))
    problem = problem or str(exc)
    duplicate = re.search(r'found duplicate key "([^"]*)"', problem)
    if duplicate:
        return f"nyckeln '{duplicate.group(1)}' står två gånger"
    for english, swedish in _YAML_PROBLEMS:
        if english in problem:
            return swedish
    return "filen kan inte tolkas som YAML"


def _validate(data: Any, model: type[Model], name: str) -> Model:
    try:
        return model.model_validate(_plain(data))
    except ValidationError as exc:
        lines = list(dict.fromkeys(_describe(error, data, name, model) for error in exc.errors()))
        raise ConfigError("\n".join(lines[:10])) from None


def _describe(error: Any, data: Any, name: str, model: type[BaseModel]) -> str:
    loc = tuple(part for part in error["loc"] if not _is_type_tag(part))
    message = describe(error)
    if error["type"] == "extra_forbidden" and loc:
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1)
        message += f" (menade du '{close[0]}'?)" if close else ""
    return f"{_where(name, data, loc)}: fältet '{_field(loc)}': {message}"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at `loc` (list indexes skipped), for suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _inner_model(annotation: Any) -> Any:
    """The model in `X`, `list[X]`, `X | None`, if any."""
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _is_type_tag(part: Any) -> bool:
    """Pydantic names the member of a union it tried (`list[str]`, `literal['all']`) in `loc`."""
    return isinstance(part, str) and ("[" in part or "(" in part)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(hela filen)"


def _where(name: str, data: Any, loc: tuple[Any, ...]) -> str:
    line = _line_of(data, loc)
    return f"{name} rad {line}" if line else name


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the deepest node of `loc` that exists in the parsed YAML."""
    node, line = data, None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    if line is None and hasattr(data, "lc"):
        line = data.lc.line + 1
    return line


def _string_keys(node: Any) -> Any:
    """Mapping keys as strings (as `_plain` gives them), for the safe loader's plain values."""
    if isinstance(node, dict):
        return {str(k): _string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


def _plain(node: Any) -> Any:
    """ruamel's round-trip nodes as plain dicts/lists for pydantic."""
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node
