"""The round and the catalog as typed objects, loaded once and validated up front."""

from remiss.domain.catalog import Catalog, Group, Organisation
from remiss.domain.round import (
    Assignment,
    ExcelColumn,
    Measure,
    Report,
    Role,
    RoundDefinition,
    WordField,
)

__all__ = [
    "Assignment",
    "Catalog",
    "ExcelColumn",
    "Group",
    "Measure",
    "Organisation",
    "Report",
    "Role",
    "RoundDefinition",
    "WordField",
]
