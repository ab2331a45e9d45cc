"""Measure retrieval, routing, refusals and quotes on a gold question file.

The gold file is JSON lines: ``{"id", "category", "question", "gold_tasks",
"gold_sections", "all_gold", "answer_contains", "must_refuse"}`` (see
``eval/questions.jsonl``).

Formulas (over answerable items unless said otherwise):

- hit@k: share of items whose top-k ranked units include a gold unit;
- MRR@10: mean of 1/rank of the first gold unit within the top 10 (0 if none);
- refusal recall: share of must_refuse items that were refused;
  false-refusal rate: share of answerable items that were refused;
- quote validity: share of citations whose quote is exactly the corpus text
  at the cited offsets and lies inside the cited node;
- answer_contains accuracy: share of items whose answer holds every listed fact.

>>> hit_at_k(["task-3", "task-19"], {"task-19"}, 1), hit_at_k(["task-3", "task-19"], {"task-19"}, 5)
(0.0, 1.0)
>>> reciprocal_rank(["task-3", "task-19"], {"task-19"})
0.5
"""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from .embeddings import embed_query
from .plan import Plan
from .retrieve import Fusion
from .text import compact


def answerable_by_single_turn(items: list[dict]) -> list[dict]:
    """Drop multi-turn conversation items (follow-up resolution is not built yet)."""
    return [i for i in items if i["category"] != "conversation"]


def load_gold(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as e:
            raise ValueError(f"{path}:{n}: not JSON: {e}") from None
        for key in ("id", "category", "question"):
            if key not in item:
                raise ValueError(f"{path}:{n}: missing key {key!r}")
        item.setdefault("gold_tasks", [])
        item.setdefault("gold_sections", [])
        item.setdefault("must_refuse", False)
        item.setdefault("answer_contains", [])
        items.append(item)
    return items


def gold_units(plan: Plan, item: dict) -> set[str]:
    units = {f"task-{n}" for n in item["gold_tasks"]}
    for code in item["gold_sections"]:
        units.update(n.id for n in plan.nodes if n.task is None and n.section == code)
    return units


def hit_at_k(ranked: list[str], gold: set[str], k: int) -> float:
    return 1.0 if gold & set(ranked[:k]) else 0.0


def reciprocal_rank(ranked: list[str], gold: set[str], k: int = 10) -> float:
    for i, u in enumerate(ranked[:k], 1):
        if u in gold:
            return 1.0 / i
    return 0.0


@dataclass
class Row:
    item: dict
    ranked: list[str]
    refused: bool
    seconds: float
    answer_text: str = ""
    quotes_ok: int = 0
    quotes_total: int = 0
    cited: list[str] = field(default_factory=list)


def run_ours(bot, items: list[dict]) -> list[Row]:
    rows = []
    for item in items:
        embed_query.cache_clear()  # time real work, not the query-vector cache
        t = time.perf_counter()
        ans = bot.ask(item["question"])
        dt = time.perf_counter() - t
        ranked = []
        for c in ans.citations:
            if c.node_id not in ranked:
                ranked.append(c.node_id)
        for p in ans.passages:
            if p.node_id not in ranked:
                ranked.append(p.node_id)
        ok = sum(1 for c in ans.citations if compact(c.quote) in compact(bot.plan.node(c.node_id).text)
                 and bot.plan.text[c.start:c.end] == c.quote)
        rows.append(Row(item, ranked, ans.refused, dt, ans.text, ok, len(ans.citations),
                        [c.node_id for c in ans.citations]))
    return rows


def run_retriever(bot, items: list[dict], fusion: Fusion) -> list[Row]:
    rows = []
    for item in items:
        embed_query.cache_clear()
        t = time.perf_counter()
        result = bot.retriever.search(item["question"], fusion=fusion)
        rows.append(Row(item, [h.node.id for h in result.hits], False, time.perf_counter() - t))
    return rows


def summarize(plan: Plan, rows: list[Row]) -> dict:
    answerable = [r for r in rows if not r.item["must_refuse"]]
    refusable = [r for r in rows if r.item["must_refuse"]]
    scored = [(r, gold_units(plan, r.item)) for r in answerable]
    scored = [(r, g) for r, g in scored if g]
    out = {
        "n": len(rows),
        "hit@1": _mean(hit_at_k(r.ranked, g, 1) for r, g in scored),
        "hit@5": _mean(hit_at_k(r.ranked, g, 5) for r, g in scored),
        "mrr@10": _mean(reciprocal_rank(r.ranked, g) for r, g in scored),
        "refusal_recall": _mean(1.0 if r.refused else 0.0 for r in refusable),
        "false_refusal": _mean(1.0 if r.refused else 0.0 for r in answerable),
        "latency_p50_ms": 1000 * statistics.median(r.seconds for r in rows) if rows else 0.0,
        "latency_p95_ms": 1000 * percentile([r.seconds for r in rows], 95) if rows else 0.0,
    }
    quotes = sum(r.quotes_total for r in rows)
    if quotes:
        out["quotes_verbatim"] = sum(r.quotes_ok for r in rows) / quotes
        facts = [r for r in answerable if r.item["answer_contains"]]
        out["answer_contains"] = _mean(
            1.0 if all(compact(f) in compact(r.answer_text) for f in r.item["answer_contains"]) else 0.0
            for r in facts)
        allg = [(r, g) for r, g in scored if r.item.get("all_gold")]
        out["all_gold_recall"] = _mean(len(g & set(r.cited)) / len(g) for r, g in allg)
    return out


def per_category(plan: Plan, rows: list[Row]) -> dict[str, dict]:
    cats: dict[str, list[Row]] = {}
    for r in rows:
        cats.setdefault(r.item["category"], []).append(r)
    return {c: summarize(plan, rs) for c, rs in sorted(cats.items())}


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile over sorted values.

    >>> percentile([4, 1, 3, 2], 100), percentile([4, 1, 3, 2], 0)
    (4, 1)
    """
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]
