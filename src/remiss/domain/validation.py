"""Pydantic's validation errors in Swedish: one vocabulary for round files, catalogs and the CLI.

Pydantic words its errors in English and for developers ("Input should be 'choice', 'text'
or 'number'"). A coordinator needs the value she wrote and what is allowed instead, so
each error type is described from its structured parts (`type`, `input`, `ctx`), never by
rewording pydantic's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_DATE = "ska vara ett datum (ÅÅÅÅ-MM-DD)"

_FIXED = {
    "missing": "saknas",
    "extra_forbidden": "är inte ett känt fält",
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_parsing": _DATE,
    "date_type": _DATE,
    "time_parsing": 'ska vara ett klockslag som "08:00"',
    "time_type": 'ska vara ett klockslag som "08:00"',
    "int_parsing": "ska vara ett heltal",
    "int_type": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "float_parsing": "ska vara ett tal",
    "float_type": "ska vara ett tal",
    "bool_parsing": "ska vara true eller false",
    "bool_type": "ska vara true eller false",
    "string_type": "ska vara text",
    "list_type": "ska vara en lista",
    "dict_type": "ska vara en mappning (nyckel: värde)",
    "model_type": "ska vara en mappning (nyckel: värde)",
    "model_attributes_type": "ska vara en mappning (nyckel: värde)",
    "string_pattern_mismatch": "har fel format",
    "url_parsing": "ska vara en webbadress",
    "json_invalid": "är ingen giltig JSON",
}

# The patterns the models use, explained: a person cannot be expected to read a regex.
_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "får bara innehålla små bokstäver a–z, siffror och bindestreck, t.ex. sh-2016",
    r"^[a-z][a-z0-9_]*$": "ska börja med en liten bokstav och bara innehålla a–z, siffror och understreck",
    r"^\d+(\.\d+)*$": 'ska vara ett åtgärdsnummer som "4.1.1" (inom citattecken)',
}


_BOUNDS = {
    "ge": "för litet (minst",
    "gt": "för litet (större än",
    "le": "för stort (högst",
    "lt": "för stort (mindre än",
}


def describe(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a Swedish phrase."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", "har ett ogiltigt värde"))
    if kind in ("literal_error", "enum"):
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{shown(value)} är inte tillåtet; tillåtna värden: {join_or(allowed)}"
    if kind == "string_pattern_mismatch":
        return f"{shown(value)} {_PATTERNS.get(str(ctx.get('pattern')), 'har fel format')}"
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length", 1)
        return "får inte vara tomt" if least == 1 else f"ska ha minst {least} tecken eller poster"
    if kind in ("too_long", "string_too_long"):
        return f"får ha högst {ctx.get('max_length')} tecken eller poster ({shown(value)} är för långt)"
    for bound, words in _BOUNDS.items():
        if bound in ctx and kind.startswith(("greater", "less")):
            return f"{shown(value)} är {words} {ctx[bound]})"
    if kind in _FIXED:
        phrase = _FIXED[kind]
        return phrase if kind in ("missing", "extra_forbidden") else f"{shown(value)} {phrase}"
    return f"{shown(value)} är inte ett giltigt värde"


def shown(value: Any) -> str:
    """The value as the person wrote it, quoted; long values cut."""
    if isinstance(value, (dict, list)):
        return "värdet"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def join_or(items: list[str]) -> str:
    """'a, b eller c'"""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} eller {items[-1]}"
