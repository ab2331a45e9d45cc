"""What a question asks for, learned from examples: a second opinion behind ``scope.ASKS``.

The patterns in ``scope.ASKS`` name the usual ways of asking for a year, a person, a
procedure …; questions written blind by new people keep finding other ways
("是不是固定在某个城市举办", "值得去报吗"). This is a multinomial logistic regression
over the question's character 1–3-grams, trained by ``eval/train_askkind.py`` on the
tuning sets' near misses (each labelled with what it asks for) and their answerable
questions plus ``corpus/reader_questions.jsonl`` (labelled "none"); the weights ship as
``assistant/data/askkind.npz``. ``scope.asked_figure`` consults it only when no pattern
matched, only for a question that asks something, and only above ``CONFIDENT``.

>>> model = AskKindModel.load()
>>> model.label("这种大会是不是固定在某个城市举办？")[0]
'place'
>>> model.label("规划对青少年科技教育有什么要求？")[0]
'none'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).parent / "data" / "askkind.npz"
LABELS = ("amount", "list_members", "none", "opinion", "person", "place", "procedure", "time")
CONFIDENT = 0.75  # P(asks for some detail) from which the model is believed (see eval/everyday.md)


def grams(question: str) -> list[str]:
    """Character 1-, 2- and 3-grams, spaces removed.

    >>> grams("几月")
    ['几', '月', '几月']
    """
    q = re.sub(r"\s", "", question)
    return [q[i:i + n] for n in (1, 2, 3) for i in range(len(q) - n + 1)]


def features(questions: list[str], vocabulary: dict[str, int]) -> np.ndarray:
    """Binary n-gram presence, each row scaled to unit length."""
    x = np.zeros((len(questions), len(vocabulary)), dtype=np.float32)
    for row, q in enumerate(questions):
        for g in grams(q):
            col = vocabulary.get(g)
            if col is not None:
                x[row, col] = 1.0
    return x / np.maximum(1.0, np.sqrt(x.sum(axis=1, keepdims=True)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class AskKindModel:
    vocabulary: dict[str, int]
    weights: np.ndarray  # (n-grams, labels)
    bias: np.ndarray  # (labels,)
    labels: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> "AskKindModel":
        with np.load(path) as data:
            labels = tuple(str(x) for x in data["labels"])
            vocabulary = {str(g): i for i, g in enumerate(data["vocab"])}
            return cls(vocabulary, data["W"], data["b"], labels)

    def probabilities(self, question: str) -> np.ndarray:
        return softmax(features([question], self.vocabulary)[0] @ self.weights + self.bias)

    def label(self, question: str) -> tuple[str, float]:
        """The most likely label and the probability that the question asks for some detail at all."""
        p = self.probabilities(question)
        none = self.labels.index("none")
        detail = 1.0 - float(p[none])
        if detail < 0.5:
            return "none", detail
        p[none] = -1.0  # the likeliest of the details
        return self.labels[int(np.argmax(p))], detail


@cache
def model() -> AskKindModel | None:
    """The shipped model, or None when its weights are missing (the patterns then decide alone)."""
    return AskKindModel.load() if WEIGHTS.exists() else None
