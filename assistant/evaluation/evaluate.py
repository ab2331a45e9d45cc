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
- nDCG@10: binary-gain DCG of the top 10 over the ideal DCG for the item's gold units;
- answer_contains accuracy: share of items whose answer holds every listed fact;
- all-gold recall: for all_gold items, share of gold units cited;
- cited@3: share of answerable items with a gold unit among the first three units the answer cites;
- lists complete: share of all_gold items that cite every gold unit and are not refused;
- correct: per item, a must_refuse item refused; an all_gold item complete; any other item
  answered (not refused) with its first cited unit gold. Over every item, answerable or not;
- citation recall / precision / validity and faithfulness: see ``assistant.evaluation.metrics``.

>>> hit_at_k(["task-3", "task-19"], {"task-19"}, 1), hit_at_k(["task-3", "task-19"], {"task-19"}, 5)
(0.0, 1.0)
>>> reciprocal_rank(["task-3", "task-19"], {"task-19"})
0.5
>>> round(ndcg_at_k(["task-3", "task-19"], {"task-19"}), 3), ndcg_at_k(["task-19"], {"task-19"})
(0.631, 1.0)
"""
from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from ..retrieval import embed_query
from ..support import SupportTest
from .metrics import score_answer
from ..plan import Plan
from ..text import compact


def answerable_by_single_turn(items: list[dict]) -> list[dict]:
    """Drop multi-turn conversation items (for tools that ask one question at a time)."""
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


def ndcg_at_k(ranked: list[str], gold: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, u in enumerate(ranked[:k]) if u in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(gold))))
    return dcg / ideal if ideal else 0.0


def cited_units(answer) -> list[str]:
    """The distinct units an answer cites, in the order it cites them."""
    out: list[str] = []
    for c in answer.citations:
        if c.node_id not in out:
            out.append(c.node_id)
    return out


def is_correct(item: dict, answer, gold: set[str]) -> bool:
    """The item's own notion of a right answer (see the module docstring)."""
    if item["must_refuse"]:
        return answer.refused
    if answer.refused:
        return False
    cited = cited_units(answer)
    if not gold:  # a structural question such as "一共有多少项任务": answered is right
        return True
    if item.get("all_gold"):
        return gold <= set(cited)
    return bool(cited) and cited[0] in gold


def reciprocal_rank(ranked: list[str], gold: set[str], k: int = 10) -> float:
    for i, u in enumerate(ranked[:k], 1):
        if u in gold:
            return 1.0 / i
    return 0.0


@dataclass
class Row:
    """One question's result for one system."""

    item: dict
    ranked: list[str]
    seconds: float
    answer: object | None = None  # an Answer for systems that answer
    scores: object | None = None  # metrics.AnswerScores

    @property
    def refused(self) -> bool:
        return bool(self.answer is not None and self.answer.refused)

    def to_json(self, plan: Plan) -> dict:
        def task_of(unit):
            return int(unit.split("-")[1]) if unit.startswith("task-") else None
        out = {"id": self.item["id"], "question": self.item["question"],
               "retrieved_tasks": [t for t in map(task_of, self.ranked) if t is not None],
               "retrieved_units": self.ranked}
        if self.answer is not None:
            out.update({"cited_tasks": self.answer.cited_tasks, "refused": self.answer.refused,
                        "answer": self.answer.text,
                        "sentences": [{"text": r["text"], "supported": r["supported"]}
                                      for r in self.scores.statements]})
        return out


def run_ours(bot, items: list[dict], support: SupportTest, progress=None) -> list[Row]:
    rows = []
    for item in items:
        embed_query.cache_clear()  # time real work, not the query-vector cache
        t = time.perf_counter()
        if item.get("turns"):  # a conversation: earlier turns give the context, the last is scored
            chat = bot.conversation()
            for turn in item["turns"]:
                ans = chat.ask(turn)
        else:
            ans = bot.ask(item["question"])
        dt = time.perf_counter() - t
        ranked: list[str] = []
        for node_id in [c.node_id for c in ans.citations] + [p.node_id for p in ans.passages]:
            if node_id not in ranked:
                ranked.append(node_id)
        rows.append(Row(item, ranked, dt, ans, score_answer(bot.plan, ans, support)))
        if progress:
            progress()
    return rows


def run_baseline(system, items: list[dict], progress=None) -> list[Row]:
    rows = []
    for item in items:
        embed_query.cache_clear()
        t = time.perf_counter()
        ranked = system.rank(item["question"])
        rows.append(Row(item, ranked, time.perf_counter() - t))
        if progress:
            progress()
    return rows


def summarize(plan: Plan, rows: list[Row]) -> dict:
    """Every metric of one system over a list of rows (NaN where it does not apply)."""
    answerable = [r for r in rows if not r.item["must_refuse"]]
    refusable = [r for r in rows if r.item["must_refuse"]]
    scored = [(r, gold_units(plan, r.item)) for r in answerable]
    scored = [(r, g) for r, g in scored if g]
    answers = [r for r in rows if r.answer is not None]
    out = {
        "n": len(rows),
        "hit@1": _mean(hit_at_k(r.ranked, g, 1) for r, g in scored),
        "hit@5": _mean(hit_at_k(r.ranked, g, 5) for r, g in scored),
        "mrr@10": _mean(reciprocal_rank(r.ranked, g) for r, g in scored),
        "ndcg@10": _mean(ndcg_at_k(r.ranked, g) for r, g in scored),
        "latency_p50_ms": 1000 * statistics.median(r.seconds for r in rows) if rows else float("nan"),
        "latency_p95_ms": 1000 * percentile([r.seconds for r in rows], 95) if rows else float("nan"),
    }
    if not answers:
        return out
    nan = float("nan")
    tp = sum(1 for r in refusable if r.refused)
    fp = sum(1 for r in answerable if r.refused)
    facts = [r for r in answerable if r.item["answer_contains"] and not r.refused]
    allg = [(r, g) for r, g in scored if r.item.get("all_gold")]
    statements = [s for r in answers for s in r.scores.statements]
    out.update({
        "refusal_recall": tp / len(refusable) if refusable else nan,
        "refusal_precision": tp / (tp + fp) if tp + fp else nan,
        "false_refusal": fp / len(answerable) if answerable else nan,
        "answer_contains": _mean(all(compact(f) in compact(r.answer.text) for f in r.item["answer_contains"])
                                 for r in [r for r in answerable if r.item["answer_contains"]]),
        "all_gold_recall": _mean(len(g & {c.node_id for c in r.answer.citations}) / len(g) for r, g in allg),
        "lists_complete": _mean(not r.refused and g <= {c.node_id for c in r.answer.citations} for r, g in allg),
        "cited@3": _mean(not r.refused and bool(g & set(cited_units(r.answer)[:3])) for r, g in scored),
        "correct": _mean(is_correct(r.item, r.answer, gold_units(plan, r.item)) for r in answers),
        "citation_validity": _mean(v for r in answers for v in [r.scores.citation_validity] if v == v),
        "citation_recall": _mean(v for r in answers for v in [r.scores.citation_recall] if v == v),
        "citation_precision": _mean(v for r in answers for v in [r.scores.citation_precision] if v == v),
        "faithfulness": _mean(s["supported"] for s in statements),
        "answered_facts": len(facts),
    })
    return out


def per_category(plan: Plan, rows: list[Row]) -> dict[str, dict]:
    cats: dict[str, list[Row]] = {}
    for r in rows:
        cats.setdefault(r.item["category"], []).append(r)
    return {c: summarize(plan, rs) for c, rs in sorted(cats.items())}


def _mean(values) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile over sorted values.

    >>> percentile([4, 1, 3, 2], 100), percentile([4, 1, 3, 2], 0)
    (4, 1)
    """
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]
