"""The checks of a true/false item (``checks``): a true statement is verbatim in the quote; a false one occurs
nowhere in the plan and differs from its quote in one short span, whose swapped-in words neither occur in the
cited task nor mean what they replace, and leave a grammatical statement (whole words, the same part of
speech, not one member of a 、-list, a name for a name).
"""
from __future__ import annotations

from ..plan import Node
from .checks_text import PlanText
from .meaning import near_meaning, shared_head, thesaurus_kind, word_classes
from .models import QuizItem
from .wording import canon, shared_ends, statement


class JudgeChecker:
    """Checks true/false items against the plan's text."""

    def __init__(self, text: PlanText):
        self.text, self.plan, self.plan_canon, self.words = text, text.plan, text.plan_canon, text.words
        self.tokenizer = text.tokenizer

    def check(self, item: QuizItem, node: Node) -> list[str]:
        said = canon(statement(item.stem))
        quote = canon(item.quote)
        if len(said) < 6:
            return ["statement too short"]
        if item.answer == ["正确"]:
            return [] if said in quote else ["a true statement must be verbatim in the quote"]
        if said in self.plan_canon:
            return ["the false statement occurs in the plan"]
        diff = self.text.diff(said, quote)
        if diff is None:
            return ["the false statement does not differ from the quote in one short span"]
        made_up, real, context = diff[0], diff[1], diff[3]
        if context in canon(node.text):
            return [f"the false statement's {context!r} is in the cited task, so the statement may be true"]
        for new, old in [(made_up, real)] + self._swap_pairs(said, diff[2]):
            if near_meaning(new, old, self.words, self.plan.text):
                return [f"the false statement swaps {old!r} for its near-synonym {new!r}, so it may still be true"]
        cut = self._swap_cut(said, diff[2])
        if cut:
            return [cut]
        for new, old in self._swap_pairs(said, diff[2]):
            head = shared_head(new, old)  # 联系科技工作者 → 基层科技工作者: the verb before the head is lost
            if head and {thesaurus_kind(head[0]), thesaurus_kind(head[1])} == {"noun", "verb"}:
                return [f"the swap puts {head[0]!r} for {head[1]!r} before {head[2]!r}, a verb for a modifier or the "
                        "other way round, so the statement is ungrammatical"]
            if head and word_classes().get(head[0], frozenset()) & word_classes().get(head[2], frozenset()):
                return [f"the swapped-in {head[0]!r} says what {head[2]!r} says (one 同义词词林 class), so "
                        f"{head[0] + head[2]!r} still reads as {head[1] + head[2]!r}: the statement may still be true"]
        if self.text.word_class(made_up) != self.text.word_class(real):
            return [f"the swapped-in {made_up!r} is not the same part of speech as {real!r}, so the statement "
                    "is ungrammatical"]
        return self._swapped_in_problems([(made_up, real)] + self._swap_pairs(said, diff[2]))

    def _swapped_in_problems(self, pairs: list[tuple[str, str]]) -> list[str]:
        """What a false statement puts in must be a name for a name (科普中国 is quoted in the plan, 贡献中国 is
        not), and where the plan says it, it must be a whole term there in one of its forms (alone, or with
        the word it shares with what it replaces): not 领域深度交流, cut from …人才等领域深度交流合作."""
        made_up, real = pairs[0]
        if f'"{real}"' in self.plan_canon and f'"{made_up}"' not in self.plan_canon:
            return [f"the false statement swaps the name {real!r} for {made_up!r}, which names nothing in the plan"]
        said = [(new, [canon(s.text) for n in self.plan.nodes for s in n.sentences if new in canon(s.text)])
                for new, _ in pairs]
        said = [(new, sources) for new, sources in said if sources]
        if said and not any(self.text.whole_term(new, s) for new, sources in said for s in sources):
            return [f"the swapped-in {said[-1][0]!r} is cut from a longer phrase of the plan, so the statement "
                    "reads as a fragment"]
        return []

    def _swap_pairs(self, said: str, true: str) -> list[tuple[str, str]]:
        """The swapped words of a false statement and of its true version, alone and with the word
        they share on either side: 激发科技人员的 / 激发技术技能人员的 → (科技, 技术技能), (科技人员, 技术技能人员)."""
        p, q = shared_ends(said, true)
        a, b = self.text.widen(said, p, len(said) - q), self.text.widen(true, p, len(true) - q)
        lo, rest = min(a[0], b[0]), min(len(said) - a[1], len(true) - b[1])  # whole words in both texts
        a, b = (lo, len(said) - rest), (lo, len(true) - rest)
        pairs = [(said[a[0]:a[1]], true[b[0]:b[1]])]
        after = self.words(said[a[1]:])[:1]
        before = self.words(said[:a[0]])[-1:]
        if after:
            pairs.append((pairs[0][0] + after[0], pairs[0][1] + after[0]))
        if before:
            pairs.append((before[0] + pairs[0][0], before[0] + pairs[0][1]))
        return pairs

    def _swap_cut(self, said: str, true: str) -> str | None:
        """Why the swapped span of a false statement is no whole term of ``true`` (None if it is): the
        span grown to the noun phrase it sits in must not start after a one-character word that belongs
        to it (新|时代中国特色: 新时代) and must not be a member of a 、-list (学会、学科、产业协同机制),
        where a term from elsewhere rarely fits its neighbours."""
        p, q = shared_ends(said, true)
        words, pos = [], 0
        for word, flag in self.tokenizer.tagged(true):
            words.append((pos, pos + len(word), word, flag))
            pos += len(word)
        inside = [k for k, (a, b, _, _) in enumerate(words) if a < len(true) - q and b > p] or \
            [k for k, (a, b, _, _) in enumerate(words) if a <= p < b]
        if not inside:
            return None
        lo, hi = inside[0], inside[-1]
        nounish = lambda w: w[3][:1] == "n" or w[3] in ("vn", "an")
        while lo > 0 and nounish(words[lo - 1]) and len(words[lo - 1][2]) >= 2:
            lo -= 1
        while hi + 1 < len(words) and nounish(words[hi + 1]) and len(words[hi + 1][2]) >= 2:
            hi += 1
        if lo > 0 and len(words[lo - 1][2]) == 1 and words[lo - 1][3][:1] in ("n", "a", "b"):
            return f"the swap cuts {words[lo - 1][2] + words[lo][2]!r} apart, so the statement is ungrammatical"
        start, end = words[lo][0], words[hi][1]
        if true[start - 1:start] == "、" or true[end:end + 1] == "、":
            return "the swap replaces one member of a 、-list, so the list no longer holds together"
        return None
