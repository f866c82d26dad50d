"""The hand-off endpoint of `remiss serve`: commands run their flow in the warm serve process.

A command that starts a flow on its own pays for importing Prefect and starting an API
server, many times the work of a small command. While `remiss serve` runs, it listens on
a loopback port and runs the flows commands hand it, in threads of its own process, on
its local Prefect server (so the runs show in its UI). The address and a random token are
published in `$REMISS_HOME/prefect/handoff.json` (mode 0600), with a fingerprint of the
REMISS_* settings: a command hands over only when it would run with the same settings
(see `remiss.cli.handoff`).

The protocol is one POST per flow run: JSON {"flow", "args", "kwargs"} in, newline-
delimited JSON out: {"progress": …} while the work goes on, then {"result": …} or
{"error": …, "remiss": true|false}; arguments and result as `remiss.wire` encodes them,
so the command gets the flow's dataclasses back.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
import traceback
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prefect.settings import PREFECT_API_URL, temporary_settings

from remiss import wire
from remiss.errors import RemissError
from remiss.progress import reporting
from remiss.settings import settings_fingerprint


def _flows() -> dict[str, Callable[..., Any]]:
    from remiss_flows.annex import publish_annex
    from remiss_flows.chase import chase_missing
    from remiss_flows.collect import collect_responses
    from remiss_flows.fetch import fetch_responses
    from remiss_flows.launch import launch_round
    from remiss_flows.mail import send_mail

    return {
        "launch_round": launch_round,
        "collect_responses": collect_responses,
        "chase_missing": chase_missing,
        "send_mail": send_mail,
        "fetch_responses": fetch_responses,
        "publish_annex": publish_annex,
    }


def handoff_file(home: str | Path) -> Path:
    return Path(home) / "prefect" / "handoff.json"


@contextlib.contextmanager
def handoff_endpoint(home: str, api_url: str) -> Iterator[str]:
    """Serve hand-offs on 127.0.0.1 (a free port) while the block runs, on the API at `api_url`."""
    from remiss.services.intake.pool import shared_pool

    flows, token = _flows(), secrets.token_urlsafe(24)
    shared_pool().start()  # parsing workers ready before the first collect is handed over

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {token}":
                self.send_error(HTTPStatus.FORBIDDEN)
                return
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            flow = flows.get(request.get("flow"))
            if flow is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            self._line({"result": None} | self._run(flow, request))

        def _run(self, flow: Callable[..., Any], request: dict[str, Any]) -> dict[str, Any]:
            def progress(event: dict[str, Any]) -> None:
                with contextlib.suppress(OSError):
                    self._line({"progress": event})

            try:
                # A request's thread starts with an empty context: name the API again.
                with temporary_settings({PREFECT_API_URL: api_url}), reporting(progress):
                    args = wire.decode(request.get("args", []))
                    kwargs = wire.decode(request.get("kwargs", {}))
                    return {"result": wire.encode(flow(*args, **kwargs))}
            except RemissError as exc:
                return {"error": str(exc), "remiss": True}
            except Exception as exc:  # the command reports it; the serve process goes on
                trace = traceback.format_exc()
                return {"error": f"{type(exc).__name__}: {exc}", "remiss": False, "trace": trace}

        def _line(self, payload: dict[str, Any]) -> None:
            self.wfile.write(json.dumps(payload, ensure_ascii=False).encode() + b"\n")
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="remiss-handoff", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    published = handoff_file(home)
    published.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(published.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"url": url, "token": token, "pid": os.getpid(), "settings": settings_fingerprint()}, out)
    published.with_suffix(".tmp").replace(published)
    try:
        yield url
    finally:
        published.unlink(missing_ok=True)
        server.shutdown()
        server.server_close()
