"""The benchmark's output: content checks of the compiled annexes, ratios, targets and tables."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STEPS = ("launch", "collect", "annex")
# (name, how it is computed, target) — checked per size; the issue sets them at N = 1,000.
TARGETS = (
    ("annex vs docxcompose", "baseline annex s / our annex s", 10.0),
    ("launch vs naive python-docx (per organisation)", "baseline launch s / our launch s", 5.0),
    ("collect, 1,000 pairs", "collect seconds", 30.0),
    ("Prefect flows / plain calls", "sum of flows / sum of plain calls", 1.2),
)


def annex_texts(path: Path) -> set[str]:
    """Every paragraph's visible text, also without a bold 'Label: ' lead-in."""
    found: set[str] = set()
    with zipfile.ZipFile(path) as package, package.open("word/document.xml") as part:
        for _event, p in etree.iterparse(part, tag=f"{W}p"):
            text = "".join(
                (node.text or "") if node.tag == f"{W}t" else "\t" for node in p.iter(f"{W}t", f"{W}tab")
            )
            found.add(text)
            if ": " in text:
                found.add(text.split(": ", 1)[1])
            p.clear(keep_tail=True)
    return found


def content_check(expected_file: Path, annexes: dict[str, Path]) -> dict[str, Any]:
    """How many of the returned answers' paragraphs and table cells each annex shows."""
    expected = {text for texts in json.loads(expected_file.read_text("utf-8")).values() for text in texts}
    check: dict[str, Any] = {"expected": len(expected)}
    for name, path in annexes.items():
        if path.exists():
            check[name] = len(expected & annex_texts(path))
    check["same"] = all(check[name] == len(expected) for name in annexes if name in check)
    return check


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def summarise(size: dict[str, Any]) -> dict[str, Any]:
    """Ratios against the baselines and the verdict on each target."""
    steps = size["steps"]
    plain = sum(steps[s]["plain"]["seconds"] for s in STEPS)
    flows = sum(steps[s]["flows"]["seconds"] for s in STEPS) if "flows" in steps["launch"] else None
    ratios = {
        "annex_vs_docxcompose": _ratio(
            steps["annex"].get("baseline", {}).get("seconds"), steps["annex"]["plain"]["seconds"]
        ),
        "launch_vs_naive": _ratio(
            steps["launch"].get("baseline", {}).get("seconds"), steps["launch"]["plain"]["seconds"]
        ),
        "flows_vs_plain": _ratio(flows, plain),
    }
    for step in STEPS:
        if "flows" in steps[step]:
            ratios[f"{step}_flows_vs_plain"] = _ratio(
                steps[step]["flows"]["seconds"], steps[step]["plain"]["seconds"]
            )
    pairs = size["organisations"]
    collect_1000 = steps["collect"]["plain"]["seconds"] * 1000 / pairs
    values = (
        ratios["annex_vs_docxcompose"],
        ratios["launch_vs_naive"],
        collect_1000,
        ratios["flows_vs_plain"],
    )
    verdicts = []
    for (name, how, target), value in zip(TARGETS, values, strict=True):
        if value is None:
            met = None
        elif name.startswith(("collect", "Prefect")):
            met = value <= target
        else:
            met = value >= target
        verdicts.append(
            {
                "target": name,
                "how": how,
                "goal": target,
                "value": round(value, 2) if value else value,
                "met": met,
            }
        )
    verdicts[2]["how"] = f"collect seconds scaled to 1,000 pairs (measured {pairs})"
    return {"ratios": ratios, "targets": verdicts}


def _cell(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "–" if value is None else f"{value:,.{digits}f}{suffix}"


def table(size: dict[str, Any]) -> str:
    """A Markdown table of one size: wall time, per organisation, peak memory, ratios."""
    n = size["organisations"]
    lines = [
        f"N = {n:,} organisations, {size['measures']} åtgärder, {size['assignments']:,} assignments, "
        f"{2 * n:,} returned files",
        "",
        "| step | plain s | cpu s | ms/org | peak MB | flows s | flows/plain "
        "| baseline | baseline s | cpu s | ms/org | peak MB | baseline/plain |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    names = {"launch": "naive python-docx", "annex": "docxcompose"}
    for step in STEPS:
        plain, flows, base = (size["steps"][step].get(k) for k in ("plain", "flows", "baseline"))
        peak, cpu = f"{plain['peak_mb']:,.0f}", _cell(plain.get("cpu_s"), 1)
        if "workers_peak_mb" in plain:  # collect: its parsing workers, reported next to the process
            peak += f" + {plain['workers_peak_mb']:,.0f}"
            cpu += f" + {_cell(plain.get('workers_cpu_s'), 1)}"
        row = [
            step,
            _cell(plain["seconds"]),
            cpu,
            _cell(plain["seconds"] * 1000 / n, 1),
            peak,
            _cell(flows["seconds"]) if flows else "–",
            _cell(_ratio(flows["seconds"], plain["seconds"]), 2, "×") if flows else "–",
            names.get(step, "–") if base else "–",
            _cell(base["seconds"]) if base else "–",
            _cell(base.get("cpu_s"), 1) if base else "–",
            _cell(base["seconds"] * 1000 / n, 1) if base else "–",
            _cell(base["peak_mb"], 0) if base else "–",
            _cell(_ratio(base["seconds"], plain["seconds"]), 1, "×") if base else "–",
        ]
        lines.append("| " + " | ".join(row) + " |")
    load = size.get("load_average")
    if load:
        lines += ["", f"1-minute load average at start and end: {load[0]:.1f} → {load[1]:.1f}"]
    startup = size.get("startup")
    if startup:
        lines.append(
            f"Prefect API start-up (once per process, not in the flows' times): {startup['seconds']:.1f} s"
        )
    annex = size["steps"]["annex"]["plain"]
    if "workbook_seconds" in annex:  # the workbook beside the annex, against the annex in the same run
        lines.append(
            f"Compiled workbook beside the annex: {annex['workbook_seconds']:.2f} s "
            f"({_cell(_ratio(annex['workbook_seconds'], annex['seconds']), 2, '×')} the annex's time)"
        )
    content = size.get("content")
    if content:
        shown = ", ".join(f"{k} {v:,}" for k, v in content.items() if k not in ("expected", "same"))
        lines.append(
            f"Annex content: {content['expected']:,} answer paragraphs and cells returned; found in {shown}"
        )
    for verdict in size["summary"]["targets"]:
        mark = {True: "met", False: "NOT met", None: "not measured"}[verdict["met"]]
        lines.append(f"- {verdict['target']}: {_cell(verdict['value'])} (goal {verdict['goal']:g}) — {mark}")
    return "\n".join(lines)
