"""The demo round's annex PDF: a LibreOffice started per PDF (cold, what `remiss annex --pdf`
does) against the LibreOffice the desk keeps running (warm), in the same run.

    .venv/bin/python benchmarks/annex_pdf.py [--repeats 3] [--json]

Set-up (not timed): the bundled round, launched, every demo answer collected, the annex
written as .docx. Then: cold = `convert_to_pdf` starting its own LibreOffice; warm first =
the warm LibreOffice's first PDF (it starts); warm = its following PDFs (median).
The goal in issue 15: the desk's PDF of the demo annex in under 5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from remiss import resources
from remiss.demo.simulate import simulate_returns
from remiss.documents.annex import pdf, warm
from remiss.services import operations
from remiss.services.annex.publish import publish_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace


def annex_docx(home: Path) -> Path:
    ws = Workspace.from_env(home)
    round_id, _ = operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, round_id))
    work = open_work(ws, round_id)
    for arrival in simulate_returns(ws, work.round):
        collect_paths(work.at(arrival.at), arrival.files)
    return Path(publish_annex(open_work(ws, round_id), home / "bilaga.docx").annex)


def timed(source: Path, target: Path) -> float:
    started = time.perf_counter()
    pdf.convert_to_pdf(source, target)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="remiss-pdf-bench-") as folder:
        source = annex_docx(Path(folder))
        pdf.use_warm_office(False)
        cold = statistics.median(timed(source, Path(folder) / f"kall{i}.pdf") for i in range(args.repeats))
        pdf.use_warm_office(True)
        first = timed(source, Path(folder) / "varm0.pdf")
        warm_runs = statistics.median(
            timed(source, Path(folder) / f"varm{i}.pdf") for i in range(1, args.repeats + 1)
        )
        office = warm.warm_office()
        starts = office.starts if office else 0
        if office:
            office.close()
    result = {
        "cold_s": round(cold, 2),
        "warm_first_s": round(first, 2),
        "warm_s": round(warm_runs, 2),
        "warm_vs_cold": round(warm_runs / cold, 2),
        "libreoffice_starts": starts,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"Demo annex PDF: cold {result['cold_s']} s (LibreOffice started per PDF)")
    print(f"  warm, first {result['warm_first_s']} s (starts it), then {result['warm_s']} s")
    print(f"  -> warm/cold {result['warm_vs_cold']}x, LibreOffice started {starts} time(s)")


if __name__ == "__main__":
    main()
