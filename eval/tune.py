"""Choose the retrieval weights on the tuning sets, and measure each lever.

    python eval/tune.py            # weights: one at a time around the defaults
    python eval/tune.py --levers   # each retrieval lever switched off in turn

Only the tuning sets are used: ``eval/questions.jsonl``, ``eval/everyday_dev.jsonl``, ``everyday_dev2.jsonl`` and ``everyday_dev3.jsonl``
(never ``holdout.jsonl`` or ``everyday_test.jsonl``). Every setting answers every
question end to end (``Assistant.ask``, conversations turn by turn) and is scored by
``assistant.evaluation.is_correct``; query vectors are cached across settings, so the
latency printed is the work around the embedding (one embedding is printed beside it).
The chosen values live in ``assistant/retrieval/retrieve.py`` (``Fusion``) and
``assistant/answering/evidence.py`` (``Thresholds``).
"""
from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from assistant import Assistant
from assistant.retrieval import embed_query
from assistant.evaluation import gold_units, is_correct, load_gold

HERE = Path(__file__).parent
TUNING = [HERE / "everyday_dev.jsonl", HERE / "everyday_dev2.jsonl", HERE / "everyday_dev3.jsonl", HERE / "questions.jsonl"]


def score(bot, items) -> tuple[dict[str, float], float, float]:
    """Share correct per category, and p50/p95 ms of one question."""
    per: dict[str, list[bool]] = {}
    times = []
    for item in items:
        t = time.perf_counter()
        if item.get("turns"):
            chat = bot.conversation()
            for turn in item["turns"]:
                answer = chat.ask(turn)
        else:
            answer = bot.ask(item["question"])
        times.append(1000 * (time.perf_counter() - t))
        per.setdefault(item["category"], []).append(is_correct(item, answer, gold_units(bot.plan, item)))
    out = {c: sum(v) / len(v) for c, v in sorted(per.items())}
    out["all"] = sum(sum(v) for v in per.values()) / len(items)
    times.sort()
    return out, statistics.median(times), times[int(0.95 * (len(times) - 1))]


def run(bot, name, fusion, sets) -> None:
    bot.retriever.fusion = fusion
    cells = []
    for path, items in sets:
        m, p50, p95 = score(bot, items)
        cells.append(f"{path.stem} {m['all']:.3f} ({' '.join(f'{c} {v:.2f}' for c, v in m.items() if c != 'all')})"
                     f" p50 {p50:.1f} ms p95 {p95:.1f} ms")
    print(f"{name:28s} " + " | ".join(cells), flush=True)


def main(argv: list[str]) -> None:
    bot = Assistant()
    sets = [(p, load_gold(p)) for p in TUNING]
    base = bot.retriever.fusion
    t = time.perf_counter()
    embed_query("科技志愿服务")
    print(f"one query embedding: {1000 * (time.perf_counter() - t):.1f} ms")
    run(bot, "defaults (warm-up)", base, sets)
    if "--levers" in argv:
        run(bot, "all levers", base, sets)
        run(bot, "- reader questions", replace(base, question_weight=0.0), sets)
        run(bot, "- lay words and 词林", replace(base, expansion_weight=0.0), sets)
        run(bot, "- 词林 only", replace(base, thesaurus=False), sets)
        run(bot, "- frame words", replace(base, frame_words=False), sets)
        run(bot, "+ framing stripped", replace(base, strip_framing=True), sets)
        return
    for w in (0.3, 0.4, 0.6, 0.7):
        run(bot, f"dense_weight {w}", replace(base, dense_weight=w), sets)
    for w in (0.0, 0.25, 0.75, 1.0, 1.5):
        run(bot, f"question_weight {w}", replace(base, question_weight=w), sets)
    for w in (0.0, 0.25, 0.75, 1.0):
        run(bot, f"expansion_weight {w}", replace(base, expansion_weight=w), sets)


if __name__ == "__main__":
    main(sys.argv[1:])
