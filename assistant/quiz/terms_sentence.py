"""Reading one sentence of the plan (``terms``): the terms worth testing and the measures it states.

- **terms**: names the plan puts in quotes ("科普中国", "海智计划"), noun phrases that hold a
  keyword of their task (jieba.analyse TF-IDF and TextRank over the task, discounted when many
  tasks use the word, so 科技工作者 never becomes a blank) and figures (15%, 2025);
- **clauses**: the plan's measures, a verb with its object ("建立应急科普专家委员会"), apart from those that
  only frame what follows ("围绕国家区域重大战略").

jieba mis-tags some verbs as nouns (着力, 面向, 充分发挥); ``verbish`` finds them from how the plan
uses them, and noun phrases that jieba cut through a word (加|强学会) or that sit right before a
verb they modify (要素精准|对接) are not terms.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..plan import Node, Plan, Sentence
from ..text import Tokenizer
from .wording import canon, clause_spans

NOUN_POS = {"n", "nz", "nt", "ns", "nw", "j"}
KEYWORD_POS = ("n", "nz", "nt", "ns", "nw", "vn", "j", "l")
ITEM_POS = NOUN_POS | {"vn", "a", "b", "an", "l", "t"}
# verbs that set the scope of the measures that follow rather than state one
FRAMING = ("围绕", "紧紧围绕", "依托", "按照", "面向", "通过", "依照", "聚焦", "针对", "根据", "结合", "秉承", "遵循",
           "紧扣", "立足", "对标", "以", "为", "由", "在", "从")
# the framing verbs that open a clause naming only the scope ("紧紧围绕…", "针对…"): such a clause is never
# a measure to ask about alone, even when its object holds a verb (围绕加强原创性、引领性科技攻关)
SCOPE_OPENERS = tuple(w for w in FRAMING if len(w) >= 2)
NAME = re.compile(r'"([^",;、:。]{2,12})"')
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%?(?![\d.])")
# nominalised verbs that follow a noun as its predicate ("推进国家科普中心建设"), not as part of it
# (as 工作 in 中心工作 or 服务 in 志愿服务): trimmed from the end of a noun phrase
ACTIONS = {"建设", "发展", "合作", "交流", "传播", "改革", "生产", "培育", "研究", "评价", "推广", "提升", "创新",
           "融合", "共享", "转化", "应用"}
GENERIC_DF = 6  # a word in this many tasks or more is too common to test
WEAK = 0.8  # a two-character noun below this keyword score is not worth a blank
MAX_TERM = 10


@dataclass(frozen=True)
class Term:
    """A word worth testing, at [start, end) of its sentence's text."""

    text: str
    kind: str  # "name" | "noun" | "number"
    node: Node
    sentence: Sentence
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Clause:
    text: str
    node: Node
    sentence: Sentence
    start: int
    end: int


class SentenceReader:
    """Terms and clauses of a sentence, with jieba's tags (``pos``, each text tagged once) and keywords."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer, df: Callable[[str], int]):
        import jieba.analyse

        self.plan = plan
        self.df = df  # how many tasks use a text (``Analysis.df``)
        pos = _TaggedOnce(tokenizer.pos_tokenizer)
        self._tfidf = copy.copy(jieba.analyse.default_tfidf)  # shares jieba's IDF table, loaded on import
        self._tfidf.tokenizer = self._tfidf.postokenizer = pos
        self._textrank = jieba.analyse.TextRank()
        self._textrank.tokenizer = self._textrank.postokenizer = pos
        self.pos = pos
        self.verbish = self._verbish()

    def _verbish(self) -> set[str]:
        """Words jieba tags as nouns that the plan uses as verbs: they open at least two clauses and
        at least 40% of the clauses they occur in (着力, 面向, 充分发挥, 深化)."""
        opens, total = {}, {}
        for sent in self.plan.sentences:
            for a, b in clause_spans(sent.text):
                words = self.pos.tagged(sent.text[a:b].lstrip("—- "))
                for i, (w, f) in enumerate(words):
                    if f[:1] in ("n", "j"):
                        total[w] = total.get(w, 0) + 1
                        opens[w] = opens.get(w, 0) + (i == 0)
        return {w for w, k in opens.items() if k >= 2 and k >= 0.4 * total[w]}

    def keywords(self, text: str) -> dict[str, float]:
        """TF-IDF weight plus half the TextRank weight, each scaled to 1 for the top word."""
        out: dict[str, float] = {}
        for ranked, share in ((self._tfidf.extract_tags(text, 40, True, KEYWORD_POS), 1.0),
                              (self._textrank.textrank(text, 40, True, KEYWORD_POS), 0.5)):
            top = ranked[0][1] if ranked else 1.0
            for word, weight in ranked:
                out[word] = out.get(word, 0.0) + share * weight / top
        return out

    # --- terms ----------------------------------------------------------------
    def terms(self, node, sent, words, keywords) -> list[Term]:
        text, out = sent.text, []
        for m in NAME.finditer(text):
            spec = 1.0 / self.df(m.group(1)) if self.df(m.group(1)) else 1.0
            out.append(Term(m.group(1), "name", node, sent, m.start(1), m.end(1), 1.5 + spec))
        for m in NUMBER.finditer(text):
            out.append(Term(m.group(), "number", node, sent, m.start(), m.end(), 1.2))
        pos, run, prev = 0, [], ("", "x")
        for word, flag in words + [("", "x")]:
            if (flag in NOUN_POS or flag == "vn") and len(word) >= 2 and word not in self.verbish:
                if not run:
                    before = prev
                run.append((word, flag, pos))
            else:
                # a phrase straight before a verb is often that verb's modifier mis-tagged as a noun
                # (要素精准|对接, 港澳协同|创新, 科技社团自律|自净作用): not a term
                verb_next = (flag.startswith("v") and flag != "vn") or flag in ("l", "i", "d", "ad") or word == "之"
                if run and not verb_next and not self._glued(before[0] + run[0][0][0]) \
                        and not _prefixed(before) and not self._glued(run[-1][0][-1] + word):
                    out += self._chunk(node, sent, run, keywords)
                run = []
            prev = (word, flag)
            pos += len(word)
        return [t for t in out if text[max(0, t.start - 1):t.start] != '"' or t.kind == "name"]

    def _glued(self, pair: str) -> bool:
        """Did jieba cut through a word here? ``pair`` is a one-character neighbour and the phrase's
        edge character; they make a dictionary word in 加|强学会 (加强) and 全国|学 (国学)."""
        return len(pair) == 2 and self.pos.tokenizer.FREQ.get(pair, 0) > 0 and bool(
            re.fullmatch(r"[\u4e00-\u9fff]{2}", pair))

    def _chunk(self, node, sent, run, keywords) -> list[Term]:
        while run and run[0][1] == "vn":
            run = run[1:]
        while run and run[-1][1] == "vn" and (run[-1][0] in ACTIONS or len(run) == 1):
            run = run[:-1]
        while run and run[-1][2] + len(run[-1][0]) - run[0][2] > MAX_TERM:
            run = run[1:]  # head-final: keep the end of a long compound
        # a verbal noun inside the phrase only before a short head noun (国家发展战略, not 科普服务乡村振兴)
        if not run or len(run) > 3 or any(f == "vn" and not (i == len(run) - 2 and run[-1][1] != "vn"
                                                              and len(run[-1][0]) <= 2)
                                          for i, (_, f, _) in enumerate(run[:-1])):
            return []
        start, end = run[0][2], run[-1][2] + len(run[-1][0])
        text = sent.text[start:end]
        base = max([keywords.get(w, 0.0) for w, _, _ in run] + [keywords.get(text, 0.0)])
        df = self.df(text)
        if base == 0 or df >= GENERIC_DF:
            return []
        score = base / (1 + 0.3 * max(df - 1, 0)) + (0.2 if 3 <= len(text) <= 7 else 0.0)
        return [Term(text, "noun", node, sent, start, end, score)]

    # --- clauses --------------------------------------------------------------
    def clauses(self, node, sent, words) -> list[Clause]:
        """The sentence's measures (``measure``) of 6–30 characters that are not the head of a list
        (the next clause is another measure, a framing one or the sentence's end)."""
        spans = [(skip_dash(sent.text, a), b) for a, b in clause_spans(sent.text)]
        out = []
        for k, (a, b) in enumerate(spans):
            text = sent.text[a:b]
            if not 6 <= len(text) <= 30 or text.count('"') % 2 or text.count("(") != text.count(")"):
                continue
            if not self.measure(text) or canon(text) in canon(node.title) or text.startswith(SCOPE_OPENERS):
                continue
            if k + 1 < len(spans):
                after = sent.text[spans[k + 1][0]:spans[k + 1][1]]
                if not (self.measure(after) or self.framing(after)):
                    continue
            out.append(Clause(text, node, sent, a, b))
        return out

    def measure(self, clause: str) -> bool:
        """Does the clause state a measure? It opens with a verb or adverb (开展…, 深入推进…), or with a
        framing verb followed later by its own predicate (围绕人类面临的共同挑战创设议题)."""
        words = self.pos.tagged(clause)
        if not words:
            return False
        word, flag = words[0]
        if flag == "p" or word.startswith(FRAMING) or word in ("将", "把", "对"):  # 将规划实施情况纳入…
            outside = re.sub(r'"[^"]*"', "", clause)
            later = self.pos.tagged(outside)[2:-1]
            return any(f.startswith("v") and f != "vn" for _, f in later)
        if flag.startswith("v") or word in self.verbish:
            return True
        # 及时反映…, 积极开展…: an adverb (jieba sometimes says conjunction or adjective) and a verb
        return flag in ("d", "ad", "c", "a") and len(words) > 1 and (words[1][1] == "v" or words[1][0] in self.verbish)

    def framing(self, clause: str) -> bool:
        """A clause that only sets the scope of what follows ("围绕国家区域重大战略", "以……为阵地",
        "全国学会要在本规划的指引下")."""
        word, flag = (self.pos.tagged(clause) or [("", "p")])[0]
        if re.search(r"在[^,，]*[下中上]$", clause):
            return True
        return (flag == "p" or word.startswith(FRAMING)) and not self.measure(clause)

    def incomplete(self, text: str) -> bool:
        """Does a statement of whole clauses end with a framing clause (so say nothing yet), or hold
        nothing but clauses that open with a framing verb ("围绕科协组织主责主业")?"""
        spans = clause_spans(text)
        return not spans or self.framing(text[spans[-1][0]:spans[-1][1]]) or all(
            text[skip_dash(text, a):b].startswith(SCOPE_OPENERS) for a, b in spans)


class _TaggedOnce:
    """jieba's POS tokenizer with a memory, so jieba.analyse and the reader tag each text once."""

    def __init__(self, pos):
        self.pos = pos
        self.tokenizer = pos.tokenizer
        self._seen: dict[str, list] = {}

    def cut(self, text: str):
        if text not in self._seen:
            self._seen[text] = list(self.pos.cut(text))
        return iter(self._seen[text])

    def tagged(self, text: str) -> list[tuple[str, str]]:
        return [(p.word, p.flag) for p in self.cut(text)]


def _prefixed(before: tuple[str, str]) -> bool:
    """A one-character adjective or prefix straight before a phrase belongs to it: 新|媒体科普 is 新媒体科普
    (jieba knows no 新媒体), so 媒体科普 alone is no term to blank or swap."""
    word, flag = before
    return len(word) == 1 and flag in ("a", "b", "ag", "h", "j")


def skip_dash(text: str, a: int) -> int:
    """The first offset from ``a`` that is not a dash or space (the principles open with "——")."""
    while a < len(text) and text[a] in "—- ":
        a += 1
    return a
