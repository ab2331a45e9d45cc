"""Answer-quality metrics shared by the eval harness (and, later, LLM answer checks).

Statements. An answer is split into statements on 。！？；; and on lines (list
items); the inline markers at the end of a line ([任务19], [第二部分(三)]) cite
every statement on that line. Lines that only introduce a list (ending in
"：") are framing, not claims, and are skipped, as is a leading "label：";
so is a refused answer's uncited notice ("规划中没有…").

Support. ``support_score(s, p)`` is a lexical test that works offline:

    score(s, p) = ½ · |tokens(s) ∩ tokens(p)| / |tokens(s)| + ½ · |bigrams(s) ∩ bigrams(p)| / |bigrams(s)|
                  − 0.3 · |content words of s (≥ 2 chars, not framing) absent from p|

with tokens = jieba content words and bigrams = pairs of adjacent Chinese
characters or digits; a number in s that p does not contain (15%, 六位一体)
makes the score 0.
s is *supported* by p when score ≥ τ; τ is calibrated on eval/support_labels.jsonl.

Citation metrics (ALCE-style, Gao et al. 2023):
- citation recall = share of statements supported by the concatenation of the
  passages they cite (a statement without a citation is unsupported);
- citation precision = share of citations that support their statement alone,
  or without which the statement's other citations no longer support it;
- citation validity = share of citations whose node exists, whose task is
  1..N, and whose quote is exactly the corpus text at its offsets, inside the node;
- faithfulness = share of statements supported by their cited text (the same
  test as citation recall, reported per answer sentence).

>>> statements("根据任务19：\\n- 推进国家科普中心建设。加强传播。 [任务19]")
[('推进国家科普中心建设。', ['[任务19]']), ('加强传播。', ['[任务19]'])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .plan import Plan
from .text import compact

MARKER = re.compile(r"\[(任务\d{1,3}|第[一二三四五六七八九十]{1,3}部分(?:\([一二三四五六七八九十]{1,2}\))?|序言|印发)\]")
STATEMENT_END = re.compile(r"(?<=[。！？；;!?])")
LIST_PREFIX = re.compile(r"^\s*(?:[-•·*]|\d+[.、)])\s*")
NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
CN_COUNT = re.compile(r"[一二三四五六七八九十两]+(?=位一体|个|项|大|类)")
DEFAULT_TAU = 0.7


def statements(answer_text: str) -> list[tuple[str, list[str]]]:
    """(statement, markers citing it) for every claim in an answer text."""
    out = []
    for line in answer_text.splitlines():
        markers = [f"[{m}]" for m in MARKER.findall(line)]
        body = LIST_PREFIX.sub("", MARKER.sub("", line)).strip()
        if not body or body.endswith(("：", ":")):
            continue
        body = re.sub(r"^[^：:]{1,40}[：:]", "", body)  # a leading label or framing ("任务11 …：", "可以参考：")
        for part in STATEMENT_END.split(body):
            part = part.strip()
            if len(re.sub(r"\W", "", part)) >= 2:
                out.append((part, markers))
    return out


def _bigrams(text: str) -> set[str]:
    t = "".join(ch for ch in compact(text) if ch.isalnum())
    return {t[i:i + 2] for i in range(len(t) - 1)}


# words an answer adds to frame a quote ("规划提出要…"); they are not claims
FRAMING = set("规划 本规划 提出 要求 强调 明确 指出 部署 要 将 需要 应当 通过 进行 推动 加强 其中 包括 主要".split())
NOVEL_WORD_PENALTY = 0.3


def support_score(sentence: str, passage: str, tokenizer) -> float:
    """Lexical coverage of ``sentence`` by ``passage`` (see module doc), minus
    0.3 for every content word of two or more characters that the passage lacks
    (a swapped term: 海智计划 → 英才计划); 0 when a number is not in the passage."""
    flat = compact(passage)
    sentence_flat = compact(sentence)
    if any(n not in flat for n in NUMBER.findall(sentence_flat)):
        return 0.0
    if any(n not in flat for n in CN_COUNT.findall(sentence_flat)):
        return 0.0
    words = set(tokenizer.tokens(sentence))
    token_cov = len([w for w in words if w in flat]) / len(words) if words else 1.0
    grams = _bigrams(sentence)
    gram_cov = len(grams & _bigrams(passage)) / len(grams) if grams else 1.0
    novel = [w for w in words if len(w) >= 2 and w not in flat and w not in FRAMING]
    return 0.5 * token_cov + 0.5 * gram_cov - NOVEL_WORD_PENALTY * len(novel)


@dataclass
class SupportTest:
    tokenizer: object
    tau: float = DEFAULT_TAU

    def __call__(self, sentence: str, passage: str) -> bool:
        return support_score(sentence, passage, self.tokenizer) >= self.tau


def _prf(scores: list[tuple[float, bool]], tau: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scores if s >= tau and y)
    fp = sum(1 for s, y in scores if s >= tau and not y)
    fn = sum(1 for s, y in scores if s < tau and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _best_tau(scores, grid) -> float:
    return max(grid, key=lambda tau: (_prf(scores, tau)[2], -abs(tau - DEFAULT_TAU)))


def calibrate(pairs: list[dict], tokenizer, grid=None) -> dict:
    """Choose τ maximising F1 of 'supported' on labelled pairs; report its precision
    and recall, and a two-fold estimate (τ chosen on one half, measured on the other).

    ``pairs``: dicts with "sentence", "passage" and "supported" (bool).
    """
    grid = grid or [x / 100 for x in range(30, 100)]
    scores = [(support_score(p["sentence"], p["passage"], tokenizer), bool(p["supported"])) for p in pairs]
    tau = _best_tau(scores, grid)
    precision, recall, f1 = _prf(scores, tau)
    halves = (scores[0::2], scores[1::2])
    folds = [_prf(test, _best_tau(train, grid)) for train, test in (halves, halves[::-1])]
    return {"tau": tau, "precision": precision, "recall": recall, "f1": f1, "n": len(scores),
            "cv_precision": sum(f[0] for f in folds) / 2, "cv_recall": sum(f[1] for f in folds) / 2}


def cited_texts(plan: Plan) -> dict[str, str]:
    """The text each marker stands for: a task or sub-section its own text; a
    part ('[第三部分]') the whole part, tasks included, so that structural
    statements such as "任务1—任务7，共7项" can be checked against it."""
    out = {}
    for n in plan.nodes:
        out[n.marker] = n.text
        if n.kind == "part":
            members = [m for m in plan.nodes if m.part == n.part]
            out[n.marker] = plan.text[n.start:max(m.end for m in members)]
    return out


@dataclass
class AnswerScores:
    statements: list[dict]  # {"text", "markers", "supported"}
    citation_recall: float
    citation_precision: float
    citation_validity: float
    faithfulness: float


def score_answer(plan: Plan, answer, support: SupportTest) -> AnswerScores:
    """Citation and faithfulness metrics for one Answer (see module doc)."""
    texts = cited_texts(plan)
    rows, supported_n, precise, cite_n = [], 0, 0, 0
    for text, markers in statements(answer.text):
        if answer.refused and not markers:
            continue  # the refusal notice itself is not a claim about the plan
        passages = [texts[m] for m in markers if m in texts]
        ok = bool(passages) and support(text, "\n".join(passages))
        supported_n += ok
        for i, p in enumerate(passages):
            cite_n += 1
            others = passages[:i] + passages[i + 1:]
            alone = support(text, p)
            needed = ok and not (others and support(text, "\n".join(others)))
            precise += alone or needed
        rows.append({"text": text, "markers": markers, "supported": ok})
    valid = sum(1 for c in answer.citations if citation_is_valid(plan, c))
    n = len(rows)
    return AnswerScores(
        rows,
        citation_recall=supported_n / n if n else float("nan"),
        citation_precision=precise / cite_n if cite_n else float("nan"),
        citation_validity=valid / len(answer.citations) if answer.citations else float("nan"),
        faithfulness=supported_n / n if n else float("nan"),
    )


def citation_is_valid(plan: Plan, c) -> bool:
    """The cited node exists, a cited task is 1..N, and the quote is the corpus text at its offsets."""
    try:
        node = plan.node(c.node_id)
    except KeyError:
        return False
    if c.task is not None and not 1 <= c.task <= plan.task_count:
        return False
    return plan.text[c.start:c.end] == c.quote and node.start <= c.start and c.end <= node.end
