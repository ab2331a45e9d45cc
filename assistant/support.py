"""Does the plan support what an answer says? The test the LLM path checks its answers with, and the eval
harness scores every answer with (``assistant.evaluation.metrics``).

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

>>> statements("根据任务19：\\n- 推进国家科普中心建设。加强传播。 [任务19]")
[('推进国家科普中心建设。', ['[任务19]']), ('加强传播。', ['[任务19]'])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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
