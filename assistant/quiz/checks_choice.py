"""The checks of a choice, single or multiple (``checks``): every correct option is in the quote (or fills its
blank), and no distractor could be defended, that is occurs in the cited text, paraphrases or restates one of
its clauses, means what a key means or says what it says. A "which task" question (options 任务N …) has checks
of its own: its term is a whole, named concept of the cited task and occurs in none of the other tasks offered.
"""
from __future__ import annotations

import re

from ..plan import Node
from .checks_blank import BlankChecker, fill
from .checks_text import PlanText
from .meaning import near_meaning
from .models import BLANK, QuizItem
from .wording import bigram_overlap, canon, clauses, quoted

TASK_OPTION = re.compile(r"^任务(\d{1,3})[ ：:]")
RESTATED = 0.75  # share of an option's characters whose words one clause of the cited text says
SHARED_DF = 6  # a word in at most this many tasks says something particular (发布, 传播; not 服务, 建设)
# heads of named things a "which task" question may ask about: programmes, platforms, events, institutions
NAMED_HEADS = ("计划", "工程", "行动", "平台", "网络", "联盟", "联合体", "共同体", "峰会", "论坛", "会议", "大会",
               "会堂", "馆", "基地", "中心", "品牌", "奖", "活动周", "宣传周", "竞赛", "学院", "研究院", "数据库",
               "案例库", "会员", "志愿者", "辅导员", "党组织", "日")


class ChoiceChecker:
    """Checks single- and multiple-choice items (which-task questions too) against the plan's text."""

    def __init__(self, text: PlanText, blanks: BlankChecker):
        self.text, self.plan, self.plan_canon, self.words = text, text.plan, text.plan_canon, text.words
        self.blanks = blanks

    def check(self, item: QuizItem, node: Node) -> list[str]:
        quote, node_text = canon(item.quote), canon(node.text)
        wrong = [canon(o) for o in item.options if o not in item.answer]
        right = [canon(a) for a in item.answer]
        offered = task_options(item)
        if offered:
            return self._check_which_task(item, offered)
        out = []
        if BLANK in item.stem:
            found = fill(item)
            if found is None:
                return ["the stem's quoted fragment is not the quote's text"]
            spans, _ = found
            if item.kind == "single" and right[0] not in spans:
                out.append("the correct option does not fill the blank in the quote")
            fits = [w for w in wrong if w in self.blanks.fillers(item)]
            if fits:
                out.append(f"distractor {fits[0]!r} fills the blank elsewhere in the plan, so it may be correct")
            if item.kind == "multi" and not any(all(r in s for r in right) and not any(w in s for w in wrong)
                                                for s in spans):
                out.append("the blank's span does not hold exactly the correct options")
        else:
            out += [f"correct option {a!r} is not in the quote" for a in right if a not in quote]
        for w in wrong:
            if w in node_text:
                out.append(f"distractor {w!r} occurs in the cited text, so it may be correct")
            elif len(w) >= 6 and any(bigram_overlap(w, c) >= 0.6 for c in clauses(node_text)):
                out.append(f"distractor {w!r} paraphrases the cited text")
            elif restated := self.restates(w, node_text):
                out.append(f"distractor {w!r} says in other words what the cited text says ({restated!r}), "
                           "so it may be correct")
            key = next((r for r in right if near_meaning(w, r, self.words, self.plan.text)), None)
            if key is not None:
                out.append(f"distractor {w!r} is a near-synonym of the key {key!r}, so it may be correct")
            said = next((r for r in right if len(self.shared_content(w, r)) >= 2), None)
            if said is not None and BLANK not in item.stem:
                out.append(f"distractor {w!r} says what the key {said!r} says "
                           f"({'、'.join(sorted(self.shared_content(w, said)))}), so it may be correct")
        options = [canon(o) for o in item.options]
        out += [f"options {a!r} and {b!r} are near-identical" for i, a in enumerate(options) for b in options[:i]
                if (a in right) == (b in right) and near_meaning(a, b, self.words, self.plan.text)]  # key vs distractor: above
        return out

    def shared_content(self, a: str, b: str) -> set[str]:
        """The words two clauses both say that few tasks use (发布 and 传播 in "…研究成果…发布传播" and
        "…决策咨询产品的发布和传播…"): two of them make one clause a fair answer where the other is keyed."""
        return {w for w in set(self.words(a)) & set(self.words(b))
                if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and self.text.task_df(w) <= SHARED_DF}

    def restates(self, option: str, text: str) -> str | None:
        """The clause of ``text`` that says ``option`` in other words, if any: most of the option's characters
        are in its words (two characters or more) that the clause has, as such or as a near-synonym
        (促进科技成果转移转化 in 集中推介、转移转化技术成果: 科技成果 ≈ 技术成果, 转移, 转化)."""
        words = [w for w in self.words(option) if len(w) >= 2]
        size = sum(map(len, words))
        for clause in clauses(text):
            cut = self.words(clause)
            runs = set(cut) | {a + b for a, b in zip(cut, cut[1:])}
            held = [w for w in words if w in clause or any(near_meaning(w, r) for r in runs if len(r) >= 2)]
            if len(held) >= 2 and sum(map(len, held)) >= RESTATED * size:
                return clause
        return None

    # --- which task ---------------------------------------------------------
    def _check_which_task(self, item: QuizItem, task_options: list[int]) -> list[str]:
        terms = quoted(item.stem)
        if not terms:
            return ["a which-task stem quotes its term in “”"]
        term = canon(terms[0])
        out = []
        if term not in canon(item.quote):
            out.append("the term is not in the quote")
        correct = [n for n, o in zip(task_options, item.options) if o in item.answer]
        if correct != [item.task]:
            out.append("the correct option is not the cited task")
        for n in task_options:
            if not 1 <= n <= self.plan.task_count:
                out.append(f"option task {n} does not exist")
            elif n != item.task and term in canon(self.plan.task(n).text):
                out.append(f"the term also occurs in task {n}")
        if any(term in canon(a) for a in item.answer):
            out.append("the correct option gives the term away")
        if 1 <= (item.task or 0) <= self.plan.task_count \
                and self.plan_canon.count(term) != canon(self.plan.task(item.task).text).count(term):
            out.append("the term also occurs outside the cited task (another task, a part or the plan's title)")
        if self.text.names_the_plan(term):
            out.append(f"the term {term!r} is made of the plan's own name, so it is about the whole plan")
        if not self.text.whole_term(term, canon(item.quote)):
            out.append("the term is a fragment of a phrase, not a whole term")
        elif 1 <= (item.task or 0) <= self.plan.task_count and not self._task_concept(term, self.plan.task(item.task)):
            out.append("the term is not a named programme, platform or event of the task, nor in its title or "
                       "repeated there: an incidental word (科协特色, 区位优势) that nothing ties to one task")
        return out

    def _task_concept(self, term: str, node: Node) -> bool:
        """Is ``term`` something the task is about? A name the plan quotes, a word of its title or one
        it uses twice, or a named thing: four characters or more ending in a programme, platform, event
        or institution noun (中国科技峰会, 科协会史馆; not 科协特色, 归属感, 所思所想)."""
        text = canon(node.text)
        if f'"{term}"' in self.plan_canon or f"《{term}》" in self.plan_canon:
            return True
        if term in canon(node.title) or text.count(term) >= 2:
            return True
        name = term.removesuffix("活动")  # 全国科普日活动: the event of a named day
        return len(name) >= 4 and name.endswith(NAMED_HEADS)


def task_options(item: QuizItem) -> list[int]:
    if item.kind not in ("single", "multi") or not item.options:
        return []
    nums = [TASK_OPTION.match(o) for o in item.options]
    return [int(m.group(1)) for m in nums] if all(nums) else []
