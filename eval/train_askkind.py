"""Train the ask-kind model (``assistant/askkind.py``) and write ``assistant/data/askkind.npz``.

Tuning sets only: the near misses of everyday_dev, dev2, dev3 and dev4 (labelled with what
they ask for: time, amount, person, place, procedure, list_members, opinion), their
answerable questions and those of questions.jsonl, and the reader questions written for the
plan (corpus/reader_questions.jsonl), all labelled "none". Never everyday_dev5 (validation),
everyday_test or holdout (report only).

Full-batch gradient descent on the softmax cross-entropy with L2 (λ = 1e-4), classes
weighted by 1/√count, zero start, a fixed number of steps: the same data gives the same
weights. Prints the training fit.

    python eval/train_askkind.py [OUT.npz]
"""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.askkind import LABELS, WEIGHTS, features, grams, softmax  # noqa: E402
from assistant.evaluation import load_gold  # noqa: E402

TUNING = ["everyday_dev", "everyday_dev2", "everyday_dev3", "everyday_dev4", "questions"]
SAME = {"year": "time", "date": "time", "number": "amount"}  # the gold sets' older names


def examples() -> list[tuple[str, str]]:
    out = []
    for name in TUNING:
        for item in load_gold(REPO / "eval" / f"{name}.jsonl"):
            question = item["turns"][-1] if item.get("turns") else item["question"]
            kind = item.get("asks_for") if item["must_refuse"] else None
            kind = SAME.get(kind, kind)
            out.append((question, kind if kind in LABELS else "none"))
    for line in (REPO / "corpus" / "reader_questions.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            out.append((json.loads(line)["question"], "none"))
    return out


def train(data: list[tuple[str, str]], steps: int = 600, rate: float = 2.0, l2: float = 1e-4):
    counts = collections.Counter(g for q, _ in data for g in set(grams(q)))
    vocab = sorted(g for g, c in counts.items() if c >= 2)
    index = {g: i for i, g in enumerate(vocab)}
    x = features([q for q, _ in data], index)
    y = np.array([LABELS.index(k) for _, k in data])
    onehot = np.eye(len(LABELS), dtype=np.float32)[y]
    weight = 1.0 / np.sqrt(np.bincount(y, minlength=len(LABELS)).clip(min=1))
    sample = (weight[y] / weight[y].mean()).astype(np.float32)[:, None]
    w = np.zeros((len(vocab), len(LABELS)), dtype=np.float32)
    b = np.zeros(len(LABELS), dtype=np.float32)
    for _ in range(steps):
        grad = (softmax(x @ w + b) - onehot) * sample
        w -= rate * (x.T @ grad / len(y) + l2 * w)
        b -= rate * grad.mean(axis=0)
    fit = float((np.argmax(x @ w + b, axis=1) == y).mean())
    return vocab, w, b, fit


def main(out: Path = WEIGHTS) -> None:
    data = examples()
    vocab, w, b, fit = train(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, W=w, b=b, vocab=np.array(vocab), labels=np.array(LABELS))
    print(f"{len(data)} questions {dict(collections.Counter(k for _, k in data))}")
    print(f"{len(vocab)} n-grams, training accuracy {fit:.3f} → {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else WEIGHTS)
