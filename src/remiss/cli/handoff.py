"""Running a command's flow: handed to a running `remiss serve`, else in this process.

Handing over saves the command importing Prefect and starting an API server (seconds of
CPU for a command whose work takes one). It happens only when serve runs for the same
workspace with the same REMISS_* settings and no PREFECT_API_URL points elsewhere; when
serve cannot be reached, the flow runs here as before. Progress events from either place
go to the same listener.
"""

from __future__ import annotations

import importlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from remiss import wire
from remiss.errors import ConfigError, RemissError
from remiss.progress import Listener, reporting
from remiss.settings import Workspace, settings_fingerprint

_NOT_HANDED = object()


def run_flow(
    module: str,
    name: str,
    *args: Any,
    progress: Listener | None = None,
    prepare: Callable[[], object] | None = None,
    plain: Callable[[], Callable[[], Any] | None] | None = None,
    **kwargs: Any,
) -> Any:
    """`remiss_flows.<module>.<name>(*args, **kwargs)`, by serve if it runs; `prepare` only runs locally.

    `plain` is asked only when serve did not take the work: it returns the same work as plain
    service calls when the work is small (see `small_work`), else None. That work then runs
    instead of the flow, so that one file or one organisation does not pay for importing
    Prefect and starting its API (several times the work itself); everything it does is in the
    store and the audit log as from the flow. Asked this late, a command whose work serve does
    never reads what only the plain work needs (the pending organisations, the files).
    """
    result = _hand_off(name, args, kwargs, progress)
    if result is not _NOT_HANDED:
        return result
    if prepare is not None:
        prepare()
    local = plain() if plain is not None else None
    if local is not None:
        with reporting(progress):
            return local()
    from remiss_flows.api import city_api

    city_api()  # a city server down or wanting a login: one Swedish line, not Prefect's error as a bug
    flow = getattr(importlib.import_module(f"remiss_flows.{module}"), name)
    with reporting(progress):
        return flow(*args, **kwargs)


def small_work(count: int) -> bool:
    """Whether `count` files or organisations are few enough to run as plain calls without serve.

    REMISS_SMALL_WORK sets the limit (default 10; 0 runs every command as a flow).
    """
    raw = os.environ.get("REMISS_SMALL_WORK", "10").strip()
    try:
        limit = int(raw)
    except ValueError:
        raise ConfigError(f"REMISS_SMALL_WORK ska vara ett heltal (0 eller mer), inte '{raw}'.") from None
    if limit < 0:
        raise ConfigError(f"REMISS_SMALL_WORK ska vara ett heltal (0 eller mer), inte '{raw}'.")
    return count <= limit


def _published() -> dict[str, Any] | None:
    """serve's address and token, when serve runs for this workspace with these settings."""
    if os.environ.get("PREFECT_API_URL") or os.environ.get("REMISS_NO_HANDOFF"):
        return None
    try:
        found = json.loads((Workspace.from_env().home / "prefect" / "handoff.json").read_text())
        os.kill(int(found["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if found.get("settings") == settings_fingerprint() else None


def _hand_off(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], progress: Listener | None) -> Any:
    serve = _published()
    if serve is None:
        return _NOT_HANDED
    body = json.dumps({"flow": name, "args": wire.encode(args), "kwargs": wire.encode(kwargs)}).encode()
    request = urllib.request.Request(
        serve["url"],
        data=body,
        headers={"Authorization": f"Bearer {serve['token']}", "Content-Type": "application/json"},
    )
    try:
        response = urllib.request.urlopen(request)
    except (urllib.error.URLError, OSError):
        return _NOT_HANDED  # nothing was started: run it here
    outcome: dict[str, Any] | None = None
    with response:
        try:
            for line in response:
                message = json.loads(line)
                if "progress" in message:
                    if progress is not None:
                        progress(message["progress"])
                else:
                    outcome = message
        except (OSError, ValueError):
            outcome = None
    if outcome is None:
        raise RemissError(
            f"Kontakten med remiss serve ({serve['url']}) bröts innan arbetet var klart; "
            "se efter med remiss status och kör kommandot igen vid behov."
        )
    if "error" in outcome:
        if outcome.get("remiss"):
            raise RemissError(outcome["error"])
        raise RuntimeError(f"remiss serve: {outcome['error']}\n{outcome.get('trace', '')}")
    return wire.decode(outcome["result"])
