"""Swedish alphabetical order (Å, Ä, Ö after Z) through ICU's sv_SE collation."""

from __future__ import annotations

from functools import lru_cache

import icu


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("sv_SE"))


def swedish_key(text: str) -> bytes:
    """Sort key placing Äldreförvaltningen after Utbildningsförvaltningen, as in Swedish."""
    return _collator().getSortKey(text)


def swedish_sorted(items: list[str]) -> list[str]:
    return sorted(items, key=swedish_key)
