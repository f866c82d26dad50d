"""Shared fixtures: the bundled catalog and round, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from remiss import resources
from remiss.domain import Catalog, RoundDefinition
from remiss.domain.loading import load_catalog, load_round
from remiss.identity import FileIdentity, make_token

SECRET = "test-secret"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(resources.default_catalog())


@pytest.fixture(scope="session")
def definition(catalog: Catalog) -> RoundDefinition:
    return load_round(resources.bundled_round(), catalog)


@pytest.fixture
def identity_for(definition: RoundDefinition):
    def make(org_id: str) -> FileIdentity:
        return FileIdentity(definition.id, org_id, make_token(SECRET, definition.id, org_id))

    return make


@pytest.fixture
def seeds_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "seeds"
