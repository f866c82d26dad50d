"""The desk's speed: the board of a big round, one upload, 20 uploads at once.

    .venv/bin/python benchmarks/desk.py --orgs 1000          # the README's figures
    .venv/bin/python benchmarks/desk.py --orgs 50 --json     # a quick look

A synthetic round (benchmarks/synthetic.py) is created, launched, filled and most of its
returns collected (set-up, not timed). Then, in one process, with the desk served by uvicorn
on loopback exactly as `remiss serve` serves it:

- board: GET /omgangar/<round> (the whole page, every organisation), server time from the
  X-Process-Time header, median of several; baseline: `round_status`, what `remiss status
  --json` computes, called in the same process;
- upload: one new Word file POSTed, time to the answer; baseline: the same intake called
  directly (`collect_paths`) on another organisation's file of the same kind;
- concurrent: 20 uploads at once, each with one file all share and one of its own; every
  file must be stored exactly once.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

from remiss.services import accounts, operations
from remiss.services.intake.collect import collect_paths, expand_paths
from remiss.services.status import round_status
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow
from remiss.web import create_app

ROUND_ID = "bench"
PASSWORD = "benchmark-losenord"
HELD_BACK = 25  # organisations whose files are kept for the upload measurements


def set_up(home: Path, orgs: int, measures: int) -> tuple[Workspace, list[Path]]:
    ws = Workspace.from_env(home)
    round_file = synthetic.write_round(home / "config", orgs, measures)
    round_id, _ = operations.create_round(ws, round_file)
    assert round_id == ROUND_ID, round_id
    operations.launch(open_work(ws, ROUND_ID))
    returns = home / "returns"
    synthetic.fill_returns(ws, open_work(ws, ROUND_ID).round, returns)
    files = expand_paths([returns])
    held = {f"org-{n:04d}" for n in range(orgs - HELD_BACK + 1, orgs + 1)}
    now, kept = [], []
    for path in files:
        (kept if any(org in path.name for org in held) else now).append(path)
    collect_paths(open_work(ws, ROUND_ID), now)
    with open_database(ws.database_url).session() as session:
        accounts.add_user(session, "bench", PASSWORD, accounts.Role.COORDINATOR)
    return ws, sorted(p for p in kept if p.suffix == ".docx")


def serve(ws: Workspace, port: int) -> uvicorn.Server:
    import remiss_flows.serve  # noqa: F401  the heap of `remiss serve`: Prefect and the flows loaded

    app = create_app(ws)

    @app.middleware("http")
    async def timing(request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Process-Time"] = f"{time.perf_counter() - started:.6f}"
        return response

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def login(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    client.post("/logga-in", data={"name": "bench", "password": PASSWORD, "csrf": token})
    page = client.get("/omgangar/ny")  # a light page: the start page counts every round's statuses
    return client, re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)


def upload(client: httpx.Client, csrf: str, paths: list[Path]) -> tuple[float, str]:
    files = [("filer", (p.name, p.read_bytes())) for p in paths]
    started = time.perf_counter()
    answer = client.post(
        f"/omgangar/{ROUND_ID}/ladda-upp", data={"csrf": csrf}, files=files, headers={"X-Remiss-Upload": "1"}
    )
    answer.raise_for_status()
    return time.perf_counter() - started, answer.text


def measure(ws: Workspace, held: list[Path], repeats: int) -> dict[str, object]:
    port = 8700 + (int(time.time()) % 200)
    server = serve(ws, port)
    client, csrf = login(f"http://127.0.0.1:{port}")
    db = open_database(ws.database_url)
    ctx = open_work(ws, ROUND_ID).round
    client.get(f"/omgangar/{ROUND_ID}")  # first render compiles the templates
    board = []
    for _ in range(repeats):
        answer = client.get(f"/omgangar/{ROUND_ID}")
        board.append(float(answer.headers["X-Process-Time"]))
    rows = answer.text.count('<tr id="org-')
    status = []
    for _ in range(repeats):
        started = time.perf_counter()
        with db.session() as session:
            round_status(session, ctx, ws_today())
        status.append(time.perf_counter() - started)

    upload(client, csrf, [held[0]])  # the parsing workers start with the first file, as in serve
    one, text = upload(client, csrf, [held[1]])
    assert "Mottagen" in text, text[-500:]
    started = time.perf_counter()
    collect_paths(open_work(ws, ROUND_ID), [held[2]])
    plain = time.perf_counter() - started

    shared, own = held[3], held[4 : 4 + 20]
    with ThreadPoolExecutor(20) as pool:
        started = time.perf_counter()
        list(pool.map(lambda p: upload(*login(f"http://127.0.0.1:{port}"), [shared, p]), own))
        together = time.perf_counter() - started
    with db.session() as session:
        names = [shared.name, *(p.name for p in own)]
        stored = session.scalar(
            select(func.count()).select_from(ReceivedFileRow).where(ReceivedFileRow.original_name.in_(names))
        )
    server.should_exit = True
    return {
        "organisations": len(ctx.recipient_ids),
        "board_rows": rows,
        "board_ms": round(statistics.median(board) * 1000, 1),
        "status_ms": round(statistics.median(status) * 1000, 1),
        "board_vs_status": round(statistics.median(board) / statistics.median(status), 2),
        "upload_s": round(one, 3),
        "plain_collect_s": round(plain, 3),
        "upload_vs_plain": round(one / plain, 2),
        "concurrent_uploads": len(own),
        "concurrent_s": round(together, 2),
        "files_stored": stored,
        "files_expected": len(names),
    }


def ws_today():  # type: ignore[no-untyped-def]
    from remiss.domain.calendar import stockholm_today

    return stockholm_today()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--measures", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--keep", type=Path, help="set up once in this folder and measure a copy of it each run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="remiss-desk-bench-") as folder:
        started = time.perf_counter()
        orgs = max(args.orgs, HELD_BACK + 5)
        if args.keep and (args.keep / "held.json").is_file():
            shutil.copytree(args.keep, Path(folder), dirs_exist_ok=True)
            ws = Workspace.from_env(Path(folder))
            held = [Path(folder) / p for p in json.loads((Path(folder) / "held.json").read_text())]
        else:
            ws, held = set_up(Path(folder), orgs, args.measures)
            if args.keep:
                (Path(folder) / "held.json").write_text(
                    json.dumps([str(p.relative_to(folder)) for p in held])
                )
                shutil.copytree(Path(folder), args.keep, dirs_exist_ok=True)
        setup = time.perf_counter() - started
        result = {**measure(ws, held, args.repeats), "setup_s": round(setup, 1)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"Desk, {result['organisations']} organisations (set-up {result['setup_s']} s)")
    print(f"  board page       {result['board_ms']:>8} ms server time ({result['board_rows']} rows)")
    print(f"  round_status     {result['status_ms']:>8} ms  -> board/status {result['board_vs_status']}x")
    print(f"  one upload       {result['upload_s']:>8} s to the answer")
    print(
        f"  plain collect    {result['plain_collect_s']:>8} s  -> upload/plain {result['upload_vs_plain']}x"
    )
    print(
        f"  {result['concurrent_uploads']} uploads at once {result['concurrent_s']} s: "
        f"{result['files_stored']} of {result['files_expected']} files stored, each once"
    )


if __name__ == "__main__":
    main()
