"""The checks every quiz item passes, whichever generator wrote it (offline rules or an LLM).

An item is kept only when ``Checker.check(item)`` finds no problem:

- **cited**: the quote is verbatim text inside the cited task (or section), character for character;
- **natural stem**: Chinese, sane length, balanced quotes, no doubled or dangling punctuation, no
  leftover markers, at most one blank; options and answer of the shape its kind needs;
- then the checks of its kind, each in a module of its own:
  ``checks_blank`` (the stem with the answer put back is a span of the quote; the blank sits on jieba
  word boundaries and nothing else in the plan fills it), ``checks_judge`` (a true statement is in the
  quote; a false one occurs nowhere in the plan and differs from its quote in one span, whose
  replacement does not occur in the cited task) and ``checks_choice`` (every correct option is in the
  quote; no distractor occurs in the cited task's text nor paraphrases one of its clauses; a "which
  task" question's term is in the quote and in none of the other tasks offered);
- what the explanation says comes from a task is in that task.

``Checker.check_quiz(items)`` adds the quiz-level rules of ``checks_pairs``: no two items test the same fact
(their tested spans are equal or one contains the other), no stem gives another item's answer away and
no two items quote the same sentence of the plan.

All of them read the plan through one ``checks_text.PlanText`` (jieba's words, word boundaries, the span two
texts differ in); the wording helpers are in ``wording``, the tests of meaning in ``meaning``.
"""
from __future__ import annotations

import re

from ..plan import Plan
from ..text import Tokenizer
from .checks_blank import BlankChecker
from .checks_choice import ChoiceChecker
from .checks_judge import JudgeChecker
from .checks_pairs import PairChecker
from .checks_text import PlanText
from .meaning import synonym_groups, word_classes
from .models import BLANK, JUDGE_OPTIONS, KINDS, QuizItem
from .wording import attributions, canon, dangling, quoted

STEM_PUNCT = "，。、；：？！"
LEFTOVER = re.compile(r"[\[\]{}<>【】\\*#`_\n,;:\"'?!()]|null|None|(?<!\d)\.|\.(?!\d)")


class Checker:
    """Validates quiz items against the plan, with the plan's jieba tokenizer for word boundaries: the form
    of every item here, its kind's checks in ``blanks``, ``judges`` and ``choices``, a quiz's in ``pairs``."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer):
        self.plan = plan
        self.text = PlanText(plan, tokenizer)
        self.blanks = BlankChecker(self.text)
        self.judges = JudgeChecker(self.text)
        self.choices = ChoiceChecker(self.text, self.blanks)
        self.pairs = PairChecker(self.text)
        synonym_groups(), word_classes()  # the thesaurus, read now rather than during the first quiz

    # --- one item ---------------------------------------------------------
    def check(self, item: QuizItem) -> list[str]:
        """Every problem found with one item (empty when it is valid)."""
        if item.kind not in KINDS:
            return [f"kind must be one of {', '.join(KINDS)}, not {item.kind!r}"]
        node, problems = self.text.cited(item)
        if node is None:
            return problems
        if len(item.quote) < 6 or item.quote not in node.text:
            return [f"quote is not verbatim text of {node.label}"]
        problems += self._stem_problems(item)
        problems += self._shape_problems(item)
        if problems:
            return problems
        check = {"blank": self.blanks.check, "judge": self.judges.check}.get(item.kind, self.choices.check)
        return check(item, node) + self._attribution_problems(item)

    def _attribution_problems(self, item: QuizItem) -> list[str]:
        """Every “…”出自任务N of the explanation must be true: the text occurs in task N (a trainer reads
        the key to the learners; "其余三项分别出自任务6、任务1" in another order than the options misleads)."""
        out = []
        for text, task in attributions(item.explanation):
            if not 1 <= task <= self.plan.task_count or canon(text) not in canon(self.plan.task(task).text):
                out.append(f"the explanation says {text!r} comes from task {task}, which does not contain it")
        listed = re.search(r"分别(?:出自|见)((?:任务\d{1,3}[、，和及与]?)+)", item.explanation)
        if listed:  # by position: the options that are not the answer, in the options' order
            wrong = [o for o in item.options if o not in item.answer]
            for text, task in zip(wrong, (int(x) for x in re.findall(r"\d+", listed.group(1)))):
                if not 1 <= task <= self.plan.task_count or canon(text) not in canon(self.plan.task(task).text):
                    out.append(f"the explanation says {text!r} comes from task {task}, which does not contain it")
        return out

    # --- a whole quiz -----------------------------------------------------
    def check_quiz(self, items: list[QuizItem]) -> list[str]:
        """Every problem of each item, then every rule two of them break (``checks_pairs``)."""
        problems = []
        for i, item in enumerate(items):
            problems += [f"item {i + 1}: {p}" for p in self.check(item)]
        return problems + self.pairs.problems(items)

    # --- the form of an item ------------------------------------------------
    def _stem_problems(self, item: QuizItem) -> list[str]:
        stem = item.stem
        out = []
        if not 8 <= len(stem) <= 220:
            out.append(f"stem length {len(stem)} outside 8–220")
        cjk = sum(1 for ch in stem if "\u4e00" <= ch <= "\u9fff")
        if cjk < 0.5 * len(re.sub(r"[\W_]", "", stem)) or cjk < 6:
            out.append("stem is not Chinese")
        bare = stem.replace(BLANK, "")
        if LEFTOVER.search(bare):
            out.append(f"leftover marker or ASCII punctuation in stem: {LEFTOVER.search(bare).group()!r}")
        if re.search(f"[{STEM_PUNCT}]{{2,}}", stem.replace("？（", "")) or re.search(r"“[，。、；：]|[，、；：]”", stem):
            out.append("doubled or dangling punctuation")
        if stem[0] in STEM_PUNCT or stem[-1] not in "？。”）":
            out.append("stem starts with punctuation or does not end a sentence")
        if stem.count("“") != stem.count("”") or stem.count("‘") != stem.count("’") \
                or stem.count("（") != stem.count("）"):
            out.append("unbalanced quotes or brackets")
        if stem.count(BLANK) > 1 or (item.kind in ("judge",) and BLANK in stem):
            out.append("too many blanks")
        if item.kind == "blank" and stem.count(BLANK) != 1:
            out.append("a fill-in-the-blank stem needs exactly one blank")
        if item.kind == "judge" and not quoted(stem):
            out.append("a true/false stem must quote its statement in “”")
        if not item.explanation.strip():
            out.append("no explanation")
        return out

    def _shape_problems(self, item: QuizItem) -> list[str]:
        opts, ans = item.options, item.answer
        if any(not isinstance(x, str) or not x.strip() for x in opts + ans):
            return ["empty option or answer"]
        if item.kind == "judge":
            if opts != JUDGE_OPTIONS or len(ans) != 1 or ans[0] not in JUDGE_OPTIONS:
                return ["a true/false item has options 正确/错误 and one of them as answer"]
            return []
        if item.kind == "blank":
            if opts or len(ans) != 1 or len(ans[0]) > 20:
                return ["a blank has no options and one short answer"]
            return []
        out = []
        if len({canon(o) for o in opts}) != len(opts):
            out.append("duplicate options")
        if any(a not in opts for a in ans):
            out.append("answer is not among the options")
        lo, hi = (3, 5) if item.kind == "single" else (4, 6)
        if not lo <= len(opts) <= hi:
            out.append(f"{item.kind} needs {lo}–{hi} options")
        if item.kind == "single" and len(ans) != 1:
            out.append("single choice needs exactly one answer")
        if item.kind == "multi" and not 2 <= len(ans) <= len(opts) - 2:
            out.append("multiple choice needs at least two correct and two wrong options")
        if BLANK not in item.stem and any(dangling(a) for a in ans):
            out.append("a key is a dangling fragment (通过…/以…/…等), not a whole measure")
        if any(len(o) > 40 for o in opts):
            out.append("option longer than 40 characters")
        return out
