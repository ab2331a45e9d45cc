"""The rules between the items of one quiz (``Checker.check_quiz``): no two items have the same stem or test the
same fact (their tested spans are equal or one contains the other), no stem or option gives another item's
answer away and no two items quote the same sentence of the plan.
"""
from __future__ import annotations

from .checks_blank import fill
from .checks_choice import task_options
from .checks_text import PlanText
from .models import BLANK, QuizItem
from .wording import ELLIPSIS, canon, overlaps, quoted, shared_ends, statement


class PairChecker:
    """What an item tests and quotes, and the rules that two items of a quiz must keep."""

    def __init__(self, text: PlanText):
        self.text = text

    def problems(self, items: list[QuizItem]) -> list[str]:
        """Every rule two of the items break, each pair once ("items 2 and 5 …")."""
        problems = []
        for i, a in enumerate(items):
            for j in range(i):
                b = items[j]
                if canon(a.stem) == canon(b.stem):
                    problems.append(f"items {j + 1} and {i + 1} have the same stem")
                elif self.duplicate(a, b):
                    problems.append(f"items {j + 1} and {i + 1} test the same fact")
                elif self.leaks(a, b) or self.leaks(b, a):
                    problems.append(f"items {j + 1} and {i + 1}: one stem gives the other's answer away")
                elif self.same_sentence(a, b):
                    problems.append(f"items {j + 1} and {i + 1} quote the same sentence")
        return problems

    def facts(self, item: QuizItem) -> list[str]:
        """What an item tests, as plan text: the blank's word, the correct options, the statement
        (or, when false, the span it falsified), or the term of a "which task" question."""
        if item.kind == "judge":
            said = canon(statement(item.stem))
            if item.answer == ["错误"]:
                diff = self.text.diff(said, canon(item.quote))
                return [diff[2]] if diff else [said]
            return [said]
        if task_options(item):
            return [canon(quoted(item.stem)[0])] if quoted(item.stem) else []
        return [canon(a) for a in item.answer]

    def sentences(self, item: QuizItem) -> frozenset[str]:
        """Ids of the plan sentences an item's quote draws on (one, or several for a quote across
        sentences); empty when the quote is not in the cited text."""
        node, _ = self.text.cited(item)
        at = node.text.find(item.quote) if node is not None and item.quote else -1
        if at == -1:
            return frozenset()
        a, b = node.start + at, node.start + at + len(item.quote)
        return frozenset(s.id for s in node.sentences if s.start < b and a < s.end)

    def same_sentence(self, a: QuizItem, b: QuizItem) -> bool:
        """At most one item a sentence: three items on one sentence test one fact in three wordings."""
        return bool(self.sentences(a) & self.sentences(b))

    def duplicate(self, a: QuizItem, b: QuizItem) -> bool:
        return any(overlaps(x, y) for x in self.facts(a) for y in self.facts(b))

    def leaks(self, a: QuizItem, b: QuizItem) -> bool:
        """Does ``b``'s stem or options show the word ``a`` asks the reader to supply (for a false
        statement: its original words with two characters either side, 巩固拓展脱贫攻坚成果同乡村振兴)?"""
        shown = canon(b.stem + "".join(b.options))
        if a.kind == "judge" and a.answer == ["错误"]:
            said = canon(statement(a.stem))
            diff = self.text.diff(said, canon(a.quote))
            if diff is None:
                return False
            true = diff[2]
            p, q = shared_ends(said, true)
            return true[max(0, p - 2):len(true) - q + 2] in shown
        if BLANK not in a.stem:
            return False
        if a.kind in ("blank", "single") and any(canon(ans) in shown for ans in a.answer):
            return True
        # the blank's words with a little of its context around them: "积极承接重大科技创新____等咨询评估"
        # is answered by an option that prints "积极承接重大科技创新战略、政策、规划等咨询评估"
        found = fill(a)
        if found is None:
            return False
        fragment = next(f for f in quoted(a.stem) if BLANK in f).strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
        pre, post = (canon(x) for x in fragment.split(BLANK, 1))
        right = [canon(x) for x in a.answer]
        return any(all(r in span for r in right) and (pre[-2:] + span in shown or span + post[:2] in shown)
                   for span in found[0])
