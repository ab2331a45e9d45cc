"""Speed and validity of offline quizzes, printed as numbers (not a timed test).

For each of the 38 tasks: a quiz of ``-n`` items (default 5) with one seed, timed on a warm maker;
every returned item is re-checked by ``quiz.checks.Checker`` and by the quiz-level rules (distinct
facts, no answer given away), and its template recorded. Printed: per-task time, items, pass,
candidates the generator tried and the checks rejected; then max/median time, pass rate, short
quizzes, repeated templates, and the cold start (plan + jieba + analysis) and a CLI run.

Run: python benchmarks/quiz.py [-n 5] [--seeds 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=1, help="seeds per task (0, 1, …)")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    from assistant.config import Config
    from assistant.quiz import QuizMaker

    t0 = time.perf_counter()
    maker = QuizMaker.from_config(Config(home=home, progress=False))
    cold = time.perf_counter() - t0
    times, items, valid, short, repeats, tried, rejected = [], 0, 0, 0, 0, 0, 0
    print(f"{'task':>4} {'seed':>4} {'s':>6} {'items':>5} {'pass':>4} {'tried':>5} {'rejected':>8}")
    for task in range(1, maker.plan.task_count + 1):
        for seed in range(args.seeds):
            t = time.perf_counter()
            quiz = maker.make(tasks=[task], n=args.n, seed=seed)
            times.append(time.perf_counter() - t)
            ok = sum(1 for i in quiz.items if not maker.checker.check(i))
            if maker.checker.check_quiz(quiz.items):
                ok = 0
            items, valid = items + len(quiz.items), valid + ok
            short += len(quiz.items) < args.n
            repeats += len({i.template for i in quiz.items}) < len(quiz.items)
            tried += quiz.stats.get("candidates checked", 0)
            rejected += quiz.stats.get("candidates rejected by the checks", 0)
            print(f"{task:>4} {seed:>4} {times[-1]:6.3f} {len(quiz.items):>5} {ok:>4} "
                  f"{quiz.stats.get('candidates checked', 0):>5} {quiz.stats.get('candidates rejected by the checks', 0):>8}")
    env = dict(os.environ, ASSISTANT_HOME=str(home))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "quiz", "--task", "19", "-n", "10", "--seed", "1"],
                   env=env, check=True, capture_output=True)
    cli = time.perf_counter() - t
    print()
    print(f"quizzes {len(times)} (n={args.n}), items {items}, valid {valid} ({valid / max(items, 1):.1%})")
    print(f"time per quiz: max {max(times):.3f} s, median {statistics.median(times):.3f} s, "
          f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.3f} s")
    print(f"short quizzes {short}, quizzes with a repeated template {repeats}")
    print(f"candidates checked {tried}, rejected by the checks {rejected} ({rejected / max(tried, 1):.1%})")
    print(f"cold start (plan, jieba, analysis) {cold:.2f} s; `assistant quiz --task 19 -n 10` {cli:.2f} s")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
