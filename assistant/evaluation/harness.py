"""``assistant eval``: run ours and the baselines on a gold file, print the
table, write Markdown/HTML/JSON reports and check thresholds.

Exit codes: 0 every threshold holds, 1 one falls short, 2 an error.
"""
from __future__ import annotations

import html
import json
import math
import sys
import tomllib
from pathlib import Path

from .baselines import BM25Baseline, DenseBaseline, NaiveLangchainBaseline
from .evaluate import gold_units, load_gold, per_category, run_baseline, run_ours, summarize
from ..support import SupportTest
from .metrics import calibrate

SYSTEMS = ("ours", "naive_langchain", "bm25", "dense")
COLUMNS = ["n", "correct", "hit@1", "cited@3", "hit@5", "mrr@10", "ndcg@10", "refusal_recall", "false_refusal",
           "answer_contains", "all_gold_recall", "lists_complete", "citation_validity", "citation_recall", "citation_precision", "faithfulness",
           "latency_p50_ms", "latency_p95_ms"]


def run(bot, questions: Path, labels: Path | None, raw_text: str, show_progress: bool | None = None) -> dict:
    """Every system on every single-turn question; the support test calibrated on ``labels``."""
    from tqdm import tqdm

    items = load_gold(questions)  # conversation items: ours gets the turns, baselines the last one
    calibration = None
    tau = None
    if labels and labels.exists():
        pairs = [json.loads(line) for line in labels.read_text("utf-8").splitlines() if line.strip()]
        calibration = calibrate(pairs, bot.tokenizer)
        tau = calibration["tau"]
    support = SupportTest(bot.tokenizer, tau) if tau is not None else SupportTest(bot.tokenizer)
    baselines = [NaiveLangchainBaseline(bot.plan, raw_text), BM25Baseline(bot.plan, bot.index),
                 DenseBaseline(bot.plan, bot.index)]
    rows = {}
    with tqdm(total=len(items) * (1 + len(baselines)), desc="评测", unit="题",
              disable=None if show_progress is None else not show_progress) as bar:
        rows["ours"] = run_ours(bot, items, support, progress=lambda: bar.update(1))
        for system in baselines:
            rows[system.name] = run_baseline(system, items, progress=lambda: bar.update(1))
    return {
        "items": {i["id"]: i for i in items},
        "gold": {i["id"]: sorted(gold_units(bot.plan, i)) for i in items},
        "questions": str(questions),
        "calibration": calibration,
        "systems": {name: summarize(bot.plan, r) for name, r in rows.items()},
        "per_category": {name: per_category(bot.plan, r) for name, r in rows.items()},
        "per_question": [row.to_json(bot.plan) for row in rows["ours"]],
        "rows": rows,
    }


def check(result: dict, thresholds: dict) -> list[str]:
    """Threshold failures as readable lines; a missing or NaN metric fails."""
    failed = []
    for system, limits in thresholds.items():
        for category, sub in [(c, v) for c, v in limits.items() if isinstance(v, dict)]:
            metrics = result["per_category"].get(system, {}).get(category, {})
            failed += [f"{category}: {f}" for f in check({"systems": {system: metrics}}, {system: sub})]
        metrics = result["systems"].get(system, {})
        for key, bound in [(k, v) for k, v in limits.items() if not isinstance(v, dict)]:
            name, _, kind = key.rpartition("_")
            value = metrics.get(name, float("nan"))
            ok = value >= bound if kind == "min" else value <= bound if kind == "max" else False
            if not ok:
                failed.append(f"{system} {name} = {value:.3f}, {'min' if kind == 'min' else 'max'} {bound}")
    return failed


def load_thresholds(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


def fmt(v) -> str:
    if isinstance(v, int):
        return str(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.3f}" if abs(v) <= 1 else f"{v:.1f}"


def table(rows: dict[str, dict], columns=COLUMNS) -> str:
    out = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, m in rows.items():
        out.append(f"| {name} | " + " | ".join(fmt(m.get(c)) for c in columns) + " |")
    return "\n".join(out)


def markdown(result: dict, failures: list[str]) -> str:
    parts = [f"# 评测报告 / Evaluation report\n\nQuestions: `{result['questions']}`\n",
             "## All systems\n", table(result["systems"])]
    cal = result["calibration"]
    if cal:
        parts.append(f"\nSupport test: τ = {cal['tau']:.2f}, precision {cal['precision']:.3f}, "
                     f"recall {cal['recall']:.3f} on {cal['n']} labelled pairs (two-fold estimate: precision "
                     f"{cal['cv_precision']:.3f}, recall {cal['cv_recall']:.3f}).\n")
    cats = sorted({c for per in result["per_category"].values() for c in per})
    parts.append("\n## hit@1 by category\n")
    parts.append(table({c: {s: result["per_category"][s].get(c, {}).get("hit@1") for s in SYSTEMS} for c in cats},
                       list(SYSTEMS)))
    for name, per in result["per_category"].items():
        parts.append(f"\n## {name} by category\n")
        parts.append(table(per))
    misses = [q for q in result["per_question"] if _missed(q, result)]
    parts.append(f"\n## ours: questions missed at rank 1 or wrongly refused/answered ({len(misses)})\n")
    parts += [f"- {q['id']} {q['question']} → {q['retrieved_units'][:3]}{' (refused)' if q['refused'] else ''}"
              for q in misses]
    parts.append("\n## Thresholds\n")
    parts.append("\n".join(f"- FAILED {f}" for f in failures) if failures else "All thresholds hold.")
    return "\n".join(parts) + "\n"


def _missed(q: dict, result: dict) -> bool:
    item = result["items"][q["id"]]
    if item["must_refuse"] != q["refused"]:
        return True
    gold = set(result["gold"][q["id"]])
    return bool(gold) and (not q["retrieved_units"] or q["retrieved_units"][0] not in gold)


def _bars_svg(title: str, groups: list[str], series: dict[str, list[float]], width=760, height=260) -> str:
    colours = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400"]
    n, k = len(groups), max(1, len(series))
    gw = (width - 60) / max(1, n)
    bw = gw / (k + 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 60}" role="img">',
           f'<text x="10" y="16" font-size="14">{html.escape(title)}</text>']
    for j, (name, values) in enumerate(series.items()):
        out.append(f'<rect x="{60 + j * 130}" y="24" width="10" height="10" fill="{colours[j % 5]}"/>'
                   f'<text x="{74 + j * 130}" y="33" font-size="11">{html.escape(name)}</text>')
        for i, v in enumerate(values):
            v = 0.0 if v is None or math.isnan(v) else max(0.0, min(1.0, v))
            h = v * (height - 60)
            x = 50 + i * gw + j * bw
            out.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{bw * 0.9:.1f}" height="{h:.1f}" '
                       f'fill="{colours[j % 5]}"><title>{html.escape(name)} {html.escape(groups[i])}: {v:.3f}</title></rect>')
    for i, g in enumerate(groups):
        out.append(f'<text x="{50 + i * gw:.1f}" y="{height + 16}" font-size="11">{html.escape(g)}</text>')
    out.append(f'<line x1="45" y1="{height}" x2="{width}" y2="{height}" stroke="#333"/></svg>')
    return "\n".join(out)


def _histogram_svg(title: str, values_ms: list[float], width=760, height=220, bins=20) -> str:
    if not values_ms:
        return ""
    hi = max(values_ms) or 1.0
    counts = [0] * bins
    for v in values_ms:
        counts[min(bins - 1, int(v / hi * bins))] += 1
    top = max(counts)
    bw = (width - 60) / bins
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" role="img">',
           f'<text x="10" y="16" font-size="14">{html.escape(title)}</text>']
    for i, c in enumerate(counts):
        h = c / top * (height - 40)
        out.append(f'<rect x="{50 + i * bw:.1f}" y="{height - h:.1f}" width="{bw * 0.9:.1f}" height="{h:.1f}" '
                   f'fill="#2980b9"><title>{i * hi / bins:.0f}–{(i + 1) * hi / bins:.0f} ms: {c}</title></rect>')
    out.append(f'<text x="50" y="{height + 16}" font-size="11">0 ms</text>'
               f'<text x="{width - 80}" y="{height + 16}" font-size="11">{hi:.0f} ms</text></svg>')
    return "\n".join(out)


def write_reports(result: dict, failures: list[str], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    md = markdown(result, failures)
    md_path = directory / "report.md"
    md_path.write_text(md, "utf-8")
    cats = sorted({c for per in result["per_category"].values() for c in per})
    series = {s: [result["per_category"][s].get(c, {}).get("hit@1", float("nan")) for c in cats] for s in SYSTEMS}
    latencies = [1000 * r.seconds for r in result["rows"]["ours"]]
    body = "\n".join([
        "<!doctype html><html lang='zh'><meta charset='utf-8'><title>评测报告</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}pre{white-space:pre-wrap}</style>",
        "<h1>评测报告 / Evaluation report</h1>",
        _bars_svg("hit@1 by category and system", cats, series),
        _histogram_svg("ours: latency per question", latencies),
        _html_tables(md),
        "</html>",
    ])
    html_path = directory / "report.html"
    html_path.write_text(body, "utf-8")
    return md_path, html_path


def _html_tables(md: str) -> str:
    """The Markdown report's tables and text as simple HTML (no Markdown library needed)."""
    out, in_table = [], False
    for line in md.splitlines():
        if line.startswith("|"):
            if set(line) <= set("|-"):
                continue
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        out.append("</table>")
    return "\n".join(out)


def to_json(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("rows", "items", "gold")}


def main(bot, questions: Path, thresholds: Path | None, report_dir: Path | None, json_path: Path | None,
         labels: Path | None, raw_text: str) -> int:
    result = run(bot, questions, labels, raw_text)
    print(table(result["systems"]))
    print()
    cats = sorted({c for per in result["per_category"].values() for c in per})
    print(table({c: {s: result["per_category"][s].get(c, {}).get("hit@1") for s in SYSTEMS} for c in cats},
                list(SYSTEMS)))
    if result["calibration"]:
        c = result["calibration"]
        print(f"\nsupport test: tau {c['tau']:.2f}, precision {c['precision']:.3f}, recall {c['recall']:.3f} "
              f"({c['n']} pairs; two-fold: precision {c['cv_precision']:.3f}, recall {c['cv_recall']:.3f})")
    failures = check(result, load_thresholds(thresholds)) if thresholds else []
    if report_dir:
        md_path, html_path = write_reports(result, failures, report_dir)
        print(f"\nreports: {md_path} {html_path}")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(_finite(to_json(result)), ensure_ascii=False, indent=1), "utf-8")
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    print("all thresholds hold" if not failures else f"{len(failures)} threshold(s) missed")
    return 1 if failures else 0


def _finite(obj):
    """NaN → null, so the file is strict JSON."""
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj
