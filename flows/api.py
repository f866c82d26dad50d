"""The city's Prefect server, as PREFECT_API_URL names it: checked before work is sent there.

Prefect's own client reports a server that is down as "RuntimeError: Failed to reach API",
and one that wants a login as an HTTP 401 from deep inside a flow run; remiss would show
either as a bug. Checked first, each is one Swedish line naming the setting.
"""

from __future__ import annotations

import os

import httpx
from prefect.settings import get_current_settings

from remiss.errors import RemissError


def city_api() -> str | None:
    """PREFECT_API_URL, the city's Prefect server, checked (`check_api`); None when it is not set."""
    city = (os.environ.get("PREFECT_API_URL") or "").rstrip("/")
    if city:
        check_api(city)
    return city or None


def check_api(city: str) -> None:
    """That the city's server answers, and lets this machine in (its basic authentication)."""
    secret = get_current_settings().api.auth_string
    login = tuple(secret.get_secret_value().split(":", 1)) if secret else None
    try:
        answer = httpx.get(f"{city}/health", timeout=10)
        if answer.status_code == 200:
            answer = httpx.get(f"{city}/admin/version", auth=login, timeout=10)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        why = "inget svar inom 10 s" if isinstance(exc, httpx.TimeoutException) else "ingen anslutning"
        raise RemissError(
            f"PREFECT_API_URL={city}: Prefect-servern svarar inte ({why}); starta den "
            "eller rätta adressen (för en egen, lokal Prefect-server: ta bort PREFECT_API_URL)."
        ) from None
    if answer.status_code == 401:
        problem = "stämmer inte med dess" if login else "är inte satt"
        raise RemissError(
            f"PREFECT_API_URL={city}: Prefect-servern kräver inloggning och PREFECT_API_AUTH_STRING "
            f"{problem} (användare:lösenord, samma som PREFECT_SERVER_API_AUTH_STRING på servern)."
        )
    if answer.status_code != 200:
        raise RemissError(
            f"PREFECT_API_URL={city}: svaret på {answer.request.url} var HTTP {answer.status_code}, inte en "
            "Prefect-server som mår bra; rätta adressen (den slutar på /api)."
        )
