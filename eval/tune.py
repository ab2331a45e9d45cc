"""Choose the fusion method, weights and refusal thresholds on the gold set.

Run: python eval/tune.py [eval/questions.jsonl]
Prints hit@1/hit@5 for each fusion setting on answerable, non-routed
questions, and refusal recall / false-refusal rate for threshold pairs.
The chosen values live in assistant/retrieve.py (DEFAULT_FUSION) and
assistant/answer.py (Thresholds).
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from assistant import Assistant
from assistant.evaluate import answerable_by_single_turn, gold_units, load_gold
from assistant.refs import find_refs
from assistant.retrieve import Fusion, fuse


def main(path: str) -> None:
    bot = Assistant()
    items = answerable_by_single_turn(load_gold(Path(path)))
    cache = []
    r = bot.retriever
    for item in items:
        res = r.search(item["question"])
        dense_p, bm25_p = res.passage_dense, res.passage_bm25
        dense = np.stack([r._per_unit(dense_p, r._section_rows), r._per_unit(dense_p, ~r._section_rows)])
        bm25 = r._per_unit(bm25_p)
        lit = r._literal_bonus(res.query)
        cache.append((item, [u.id for u in r.units], dense, bm25, lit, res))
    answerable = [c for c in cache if not c[0]["must_refuse"] and gold_units(bot.plan, c[0])
                  and not find_refs(c[0]["question"])]
    print(f"{len(answerable)} answerable questions without a task/part reference")
    settings = [Fusion("dense"), Fusion("bm25")]
    settings += [Fusion("linear", w) for w in np.arange(0.2, 0.95, 0.1).round(2)]
    settings += [Fusion("rrf", w, k) for w, k in itertools.product((0.3, 0.4, 0.5, 0.6, 0.7), (5, 10, 30, 60))]
    results = []
    for f in settings:
        h1 = h5 = 0
        for item, units, dense, bm25, lit, _ in answerable:
            gold = gold_units(bot.plan, item)
            ranked = [units[i] for i in np.argsort(-(fuse(dense, bm25, f) + lit), kind="stable")]
            h1 += ranked[0] in gold
            h5 += bool(gold & set(ranked[:5]))
        results.append((h1 / len(answerable), h5 / len(answerable), f))
    for h1, h5, f in sorted(results, key=lambda r: (-r[0], -r[1]))[:12]:
        print(f"hit@1 {h1:.3f} hit@5 {h5:.3f}  {f}")
    print("\nrefusal thresholds (non-routed items):")
    plain = [c for c in cache if not find_refs(c[0]["question"])]
    for d, cov in itertools.product((0.84, 0.85, 0.86, 0.87, 0.88), (0.3, 0.4, 0.5, 0.6, 0.7)):
        refused = lambda r: r.top_dense < d and r.coverage < cov
        must = [c for c in plain if c[0]["must_refuse"]]
        ok = [c for c in plain if not c[0]["must_refuse"]]
        rec = sum(refused(c[5]) for c in must) / len(must)
        fr = sum(refused(c[5]) for c in ok) / len(ok)
        print(f"min_dense {d} min_coverage {cov}: refusal recall {rec:.3f} (score only) false refusals {fr:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("questions.jsonl")))
