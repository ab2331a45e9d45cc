"""The wording of quiz items and of the plan they quote: the display form (Chinese punctuation, “” quotes)
and the canonical form checks compare in, quotes inside a stem, the clauses of a sentence, overlaps.

>>> display('建设"科普中国"服务平台,促进共享')
'建设“科普中国”服务平台，促进共享'
>>> canon("建设“科普中国”服务平台，促进共享") == canon('建设"科普中国"服务平台,促进共享')
True
>>> quoted("判断：“推进‘科普中国’建设”是任务23的内容。")
['推进‘科普中国’建设']
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FULLWIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_QUOTE_CHARS = "“”‘’「」『』"
CLAUSE_PUNCT = ",;:。!?，；：！？"
ELLIPSIS = "……"
_SOURCE = re.compile(r"(?:出自|见)任务(\d{1,3})")


def display(text: str, nested: bool = False) -> str:
    """Plan text as a stem shows it: full-width punctuation and “” quotes (‘’ when ``nested``)."""
    opening, closing = ("‘", "’") if nested else ("“", "”")
    out, open_ = [], False
    for ch in text:
        if ch == '"' or (nested and ch in "“”"):
            out.append(closing if open_ else opening)
            open_ = not open_
        else:
            out.append(_FULLWIDTH.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=65536)
def canon(text: str) -> str:
    """The form in which texts are compared: NFKC, every quote mark as '"', no whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate({ord(c): '"' for c in _QUOTE_CHARS})
    return re.sub(r"\s+", "", text)


def verbatim(text: str, quote: str) -> str | None:
    """The span of ``text`` that ``quote`` copies, as ``text`` writes it (punctuation width, quote marks
    and spaces may differ in the copy); None when it copies nothing.

    >>> verbatim('建设"科普中国"平台,推进建设。', "“科普中国”平台，推进")
    '"科普中国"平台,推进'
    """
    if quote in text:
        return quote
    folded, where = [], []
    for i, ch in enumerate(text):
        for c in canon(ch):
            folded.append(c)
            where.append(i)
    target = canon(quote)
    k = "".join(folded).find(target) if target else -1
    return text[where[k]:where[k + len(target) - 1] + 1] if k != -1 else None


def shared_ends(a: str, b: str) -> tuple[int, int]:
    """How many characters two texts share at the start and, after that, at the end.

    >>> shared_ends("激发科技人员的", "激发技术技能人员的")
    (2, 3)
    """
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    q = 0
    while q < min(len(a), len(b)) - p and a[-1 - q] == b[-1 - q]:
        q += 1
    return p, q


def quote_spans(text: str):
    """(start, end) of each top-level “…” segment, in order (‘’ and inner “” nest inside them)."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            if depth == 0:
                yield start, i


def quoted(stem: str) -> list[str]:
    """The top-level “…” segments of a stem, in order (‘’ nest inside them)."""
    return [stem[a:b] for a, b in quote_spans(stem)]


def attributions(text: str) -> list[tuple[str, int]]:
    """The (quoted text, task number) pairs an explanation states as “…”出自任务N or “…”见任务N.

    >>> attributions("“建设‘科普中国’”出自任务23；“办好科技周”见任务20。")
    [('建设‘科普中国’', 23), ('办好科技周', 20)]
    """
    return [(text[a:b], int(m.group(1))) for a, b in quote_spans(text) for m in [_SOURCE.match(text, b + 1)] if m]


def dangling(text: str) -> bool:
    """A piece of a sentence that says nothing alone: a means (通过人才举荐…等) or an unfinished list."""
    return text.startswith(("通过", "以")) or text.endswith("等")


def statement(stem: str) -> str:
    """A true/false stem's statement: its longest “…” segment."""
    return max(quoted(stem), key=len, default="")


def bigram_overlap(a: str, b: str) -> float:
    """Share of ``a``'s character bigrams that ``b`` has: 1.0 when ``a`` paraphrases little of ``b``."""
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    return len(grams & {b[i:i + 2] for i in range(len(b) - 1)}) / len(grams) if grams else 0.0


def overlaps(a: str, b: str) -> bool:
    """Two tested facts overlap when equal or when one contains the other."""
    return a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))


def split_spans(text: str, seps: str, a: int = 0, b: int | None = None, opens: str = "“‘(（",
                closes: str = "”’)）", keep_empty: bool = False) -> list[tuple[int, int]]:
    """(start, end) of the parts of text[a:b] between separators that stand outside straight
    double quotes and the given brackets; separators left out, empty parts only with ``keep_empty``.

    >>> split_spans("甲、乙(丙、丁)、戊", "、")
    [(0, 1), (2, 8), (9, 10)]
    """
    b = len(text) if b is None else b
    out, depth, in_quote, start = [], 0, False, a
    for i in range(a, b):
        ch = text[i]
        if ch == '"':
            in_quote = not in_quote
        elif ch in opens:
            depth += 1
        elif ch in closes:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0 and not in_quote:
            if keep_empty or i > start:
                out.append((start, i))
            start = i + 1
    if keep_empty or b > start:
        out.append((start, b))
    return out


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence: split on ,;:。!? outside quotes and brackets,
    punctuation left out.

    >>> [('建设"科普中国,智汇"平台,推进建设。')[a:b] for a, b in clause_spans('建设"科普中国,智汇"平台,推进建设。')]
    ['建设"科普中国,智汇"平台', '推进建设']
    """
    return split_spans(text, CLAUSE_PUNCT)


def clauses(text: str) -> list[str]:
    return [text[a:b] for a, b in clause_spans(text)]
