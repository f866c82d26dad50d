"""Who a file belongs to: round, organisation and an HMAC token binding the two.

The token is what makes a relabelled file detectable: changing `remiss.organisation`
in a returned file's properties without the round's secret yields a token mismatch.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TEMPLATE_VERSION = "1"
PROPERTY_NAMES = ("remiss.round", "remiss.organisation", "remiss.token", "remiss.template_version")
_TOKEN_LENGTH = 20


def new_secret() -> str:
    """A per-round key; stored with the round, never written into a document."""
    return secrets.token_hex(32)


def make_token(secret: str, round_id: str, organisation_id: str) -> str:
    message = f"{round_id}\x1f{organisation_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TOKEN_LENGTH]


def token_matches(secret: str, round_id: str, organisation_id: str, token: str) -> bool:
    return hmac.compare_digest(make_token(secret, round_id, organisation_id), token)


@dataclass(frozen=True)
class FileIdentity:
    """The identifying properties stamped into every issued .docx and .xlsx."""

    round_id: str
    organisation_id: str
    token: str
    template_version: str = TEMPLATE_VERSION

    def as_properties(self) -> dict[str, str]:
        return dict(zip(PROPERTY_NAMES, self._values(), strict=True))

    def _values(self) -> tuple[str, str, str, str]:
        return (self.round_id, self.organisation_id, self.token, self.template_version)

    @property
    def reference(self) -> str:
        """Short visible reference for the footer; parsed back by `parse_reference`."""
        return f"remiss-ref {self.round_id}/{self.organisation_id}/{self.token[:8]}"

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> FileIdentity | None:
        values = [str(props.get(name, "")).strip() for name in PROPERTY_NAMES]
        if not all(values[:3]):
            return None
        return cls(*values[:3], template_version=values[3] or TEMPLATE_VERSION)


def parse_reference(text: str) -> tuple[str, str, str] | None:
    """(round, organisation, token prefix) from a footer reference, if the text holds one."""
    match = re.search(r"remiss-ref ([a-z0-9-]+)/([a-z0-9-]+)/([0-9a-f]{8})", text)
    return (match.group(1), match.group(2), match.group(3)) if match else None
