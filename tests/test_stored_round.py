"""A stored round reads back (fast path) exactly as the file it was created from."""

from __future__ import annotations

from remiss import resources
from remiss.domain.loading import _parse_stored_round, load_catalog, load_round


def test_stored_round_reads_back_as_the_validated_file():
    catalog = load_catalog(resources.default_catalog())
    path = resources.bundled_round()
    assert _parse_stored_round(path.read_text(encoding="utf-8"), "lagrad") == load_round(path, catalog)
