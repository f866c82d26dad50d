"""remiss's own values as JSON and back: how `remiss serve` returns a flow's result to a command.

Flows return the services' dataclasses (with enums, dates and paths inside). Encoded, each
dataclass and enum carries its class's name; decoded, the same classes are built again,
field by field, without calling their constructors. Only classes inside `remiss` are ever
looked up, and only dataclasses and enums are built, so a message can name nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import importlib
from pathlib import Path, PurePath
from typing import Any

_TYPE, _VALUE = "__remiss__", "value"


def encode(value: Any) -> Any:
    """A JSON-ready copy of `value`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: _name(type(value)), **fields}
    if isinstance(value, enum.Enum):
        return {_TYPE: _name(type(value)), _VALUE: encode(value.value)}
    if isinstance(value, dt.datetime):
        return {_TYPE: "datetime", _VALUE: value.isoformat()}
    if isinstance(value, dt.date):
        return {_TYPE: "date", _VALUE: value.isoformat()}
    if isinstance(value, PurePath):
        return {_TYPE: "path", _VALUE: str(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """The value `encode` was given (tuples and sets come back as lists)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_TYPE)
    if kind is None:
        return {k: decode(v) for k, v in value.items()}
    if kind == "datetime":
        return dt.datetime.fromisoformat(value[_VALUE])
    if kind == "date":
        return dt.date.fromisoformat(value[_VALUE])
    if kind == "path":
        return Path(value[_VALUE])
    cls = _class(kind)
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls(decode(value[_VALUE]))
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"{kind} is no dataclass or enum of remiss")
    made = object.__new__(cls)
    for field in dataclasses.fields(cls):
        if field.name in value:
            object.__setattr__(made, field.name, decode(value[field.name]))
    return made


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: str) -> object:
    module, _, qualname = name.partition(":")
    if module != "remiss" and not module.startswith("remiss."):
        raise ValueError(f"{name} is not a class of remiss")
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found
