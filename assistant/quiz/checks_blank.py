"""The checks of a blank (``checks``): the answer fills the blank in the quote, nothing else in the plan fills its
context, and the blank sits on whole words, neither taking in the verb after a subject nor splitting a pair
the plan says as one or a phrase a title names.

``fill(item)`` finds the spans of the quote that a stem's blank stands for, and ``BlankChecker.fillers`` every
text that fills it elsewhere in the plan: the choice checks (``checks_choice``) and the rules between items
(``checks_pairs``) ask them as well, for a choice that fills a blank and for a stem that gives a blank away.
"""
from __future__ import annotations

import re

from ..plan import Node
from .checks_text import PlanText
from .meaning import near_meaning, thesaurus_kind
from .models import BLANK, QuizItem
from .wording import CLAUSE_PUNCT, ELLIPSIS, canon, quoted

MIN_CONTEXT = 6


class BlankChecker:
    """Checks fill-in-the-blank items against the plan's text."""

    def __init__(self, text: PlanText):
        self.text, self.plan, self.plan_canon, self.words = text, text.plan, text.plan_canon, text.words
        self.tokenizer = text.tokenizer

    def check(self, item: QuizItem, node: Node) -> list[str]:
        span = fill(item)
        answer = canon(item.answer[0])
        if span is None:
            return ["the stem's quoted fragment is not the quote's text"]
        spans, quote = span
        if answer not in spans:
            return [f"the answer {item.answer[0]!r} does not fill the blank in the quote"]
        out = []
        if answer in canon(item.stem.replace(BLANK, "")):
            out.append("the stem already shows the answer")
        others = [x for x in self.fillers(item) if x != answer]
        if others:
            out.append(f"the blank's context also fits {others[0]!r} elsewhere in the plan")
        start = next(s for x, s in spans.items() if x == answer)
        end = start + len(answer)
        if not self.text.on_word_boundaries(quote, start, end):
            out.append("the blank cuts through a word")
        elif self._takes_subject_and_verb(answer, quote[end:]):
            out.append(f"the blank {answer!r} takes in a subject and the verb after it, so the verb alone fits too")
        elif pair := self._pair_cut(answer, quote[end:]):
            out.append(f"the blank {answer!r} ends on the first of a pair the plan says as one ({pair}), so its "
                       "last word alone fits too")
        elif cut := self._titled_phrase_cut(quote, start, end):
            out.append(f"the blank cuts {cut!r}, a phrase a title of the plan names, so its other half fits too")
        return out

    def fillers(self, item: QuizItem) -> set[str]:
        """Every text of up to 15 characters that fills the stem's blank somewhere in the plan."""
        fragment = next((f for f in quoted(item.stem) if BLANK in f), "")
        pre, post = (canon(x) for x in fragment.strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS).split(BLANK, 1))
        if not pre or not post:
            return set()
        out = {m.group(1) for m in re.finditer(re.escape(pre) + r"([^,;:。!?]{1,15}?)" + re.escape(post),
                                               self.plan_canon)}
        # the half of each side next to the blank as such, the rest in other words ("…'____'服务能力进一步提高"
        # takes 科创中国 from "…'科创中国'服务能力进一步提升")
        near_pre, far_pre = pre[len(pre) // 2:], pre[:len(pre) // 2]
        near_post, far_post = post[:(len(post) + 1) // 2], post[(len(post) + 1) // 2:]
        for m in re.finditer(re.escape(near_pre) + r"([^,;:。!?]{1,15}?)" + re.escape(near_post), self.plan_canon):
            before = self.plan_canon[max(0, m.start() - len(far_pre)):m.start()]
            after = self.plan_canon[m.end():m.end() + len(far_post)]
            pairs = [(re.sub(r"[^\w]", "", a), re.sub(r"[^\w]", "", b)) for a, b in ((before, far_pre), (after, far_post))]
            if all(a == b or near_meaning(a, b) for a, b in pairs):
                out.add(m.group(1))
        return out

    def _takes_subject_and_verb(self, answer: str, rest: str) -> bool:
        """科技工作者服务|现代产业体系构建: a blank of several words that ends on an action word (同义词词林) whose
        object follows it reads as "____ 现代产业体系", which 服务, 支撑 or 助力 fill as well."""
        words = self.words(answer)
        after = self.tokenizer.tagged(rest)[:1]
        return (len(words) >= 2 and thesaurus_kind(words[-1]) == "verb" and thesaurus_kind(words[-2]) != "verb"
                and bool(after) and after[0][1][:1] in ("n", "t", "s") and len(after[0][0]) >= 2)

    def _pair_cut(self, answer: str, rest: str) -> str:
        """联系科技工作者桥梁|和纽带: a blank of several words ending on the first of a pair the plan says more than
        once as a set phrase (桥梁和纽带); the pair, or ""."""
        words = self.words(answer)
        joined = re.match(r"[和与及]", rest)
        nxt = self.words(rest[1:])[:1] if joined else ()
        pair = words[-1] + rest[0] + nxt[0] if len(words) >= 2 and nxt else ""
        return pair if pair and self.plan_canon.count(pair) >= 2 else ""

    def _titled_phrase_cut(self, text: str, start: int, end: int) -> str:
        """The two words a blank's edge falls between when a title of the plan says them together: 创新|创业大赛
        cuts 创新创业 (组织开展创新创业创造活动), and 创新____ then takes 创业创造活动 as well."""
        words, pos = [], 0
        for word in self.words(text):
            words.append((pos, pos + len(word), word))
            pos += len(word)
        for edge in (start, end):
            before = next((w for a, b, w in words if b == edge), "")
            after = next((w for a, b, w in words if a == edge), "")
            pair = before + after
            if len(before) >= 2 and len(after) >= 2 and any(pair in n.title for n in self.plan.nodes if n.title):
                return pair
        return ""


def fill(item: QuizItem) -> tuple[dict[str, int], str] | None:
    """Spans of the quote that the blank stands for: {span: start}, and the canonical quote."""
    fragment = next((f for f in quoted(item.stem) if BLANK in f), None)
    if fragment is None:
        return None
    fragment = fragment.strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    pre, post = (canon(x) for x in fragment.split(BLANK, 1))
    quote = canon(item.quote)
    if len(pre) + len(post) < MIN_CONTEXT:
        return None
    spans: dict[str, int] = {}
    if pre:
        for m in re.finditer(re.escape(pre), quote):
            i = m.end()
            j = quote.find(post, i) if post else next(
                (k for k in range(i, len(quote)) if quote[k] in CLAUSE_PUNCT), len(quote))
            if j != -1 and j - i <= 60:
                spans.setdefault(quote[i:j], i)
    else:
        for m in re.finditer(re.escape(post), quote):
            j = m.start()
            i = max((k + 1 for k in range(j) if quote[k] in CLAUSE_PUNCT), default=0)
            spans.setdefault(quote[i:j], i)
    return (spans, quote) if spans else None
