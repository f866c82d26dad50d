"""The benchmark (benchmarks/run.py) end to end on a small round: a smoke test of structure and counts.

No timing is asserted here: speed is what the benchmark reports, against baselines measured
in the same run. The table is printed into the test log so that CI shows it. The round is
small (12 organisations, 24 åtgärder): every step, pipeline and baseline still runs and is
checked, at a fifth of the work of the N = 30, 120-åtgärd round the README's figures use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
N = 12
MEASURES = 24
RUN = [sys.executable, str(REPO / "benchmarks" / "run.py")]


@pytest.mark.slow
def test_benchmark_runs_every_step_and_prints_its_table(capsys):
    done = subprocess.run(
        [*RUN, "--sizes", str(N), "--measures", str(MEASURES), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    with capsys.disabled():
        print("\n" + done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert {"cpus", "cpu", "ram_gb", "python"} <= set(result["machine"])
    (size,) = result["sizes"]
    steps = size["steps"]
    assert size["organisations"] == N and size["files"] == 2 * N
    for pipeline in ("plain", "flows"):
        assert steps["launch"][pipeline]["count"] == N
        assert steps["collect"][pipeline]["count"] == 2 * N
        assert steps["collect"][pipeline]["outcomes"] == {"accepted": 2 * N}
        assert steps["annex"][pipeline]["bytes"] > 0
        for step in ("launch", "collect", "annex"):
            assert steps[step][pipeline]["seconds"] > 0 and steps[step][pipeline]["peak_mb"] > 0
    assert steps["launch"]["baseline"]["count"] == N and steps["annex"]["baseline"]["count"] == N
    assert size["startup"]["seconds"] > 0
    content = size["content"]
    assert content["expected"] > 0 and content["same"], content
    assert {"remiss", "flows", "docxcompose"} <= set(content)
    assert {t["target"] for t in size["summary"]["targets"]} == {
        "annex vs docxcompose",
        "launch vs naive python-docx (per organisation)",
        "collect, 1,000 pairs",
        "Prefect flows / plain calls",
    }
