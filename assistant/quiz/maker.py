"""Quizzes on the plan, every item cited and checked::

    maker = QuizMaker.from_config(Config())          # the plan and jieba only: no index, no model
    quiz = maker.make(tasks=[19], n=5, seed=42)      # the same seed gives the same quiz
    quiz.items[0].stem, quiz.items[0].answer, quiz.items[0].quote

Offline (the default) the items come from ``writer`` (the plan's own sentences and structure);
with ``Config.llm == "openai"`` a model writes them first (``llm``) and offline items fill
whatever it could not write validly. Either way every item passes ``checks.Checker``, no
two items test the same fact and no two quote the same sentence; when the chosen tasks cannot
give ``n`` such items the quiz is
shorter and ``Quiz.notice`` says so. The mix of kinds is even, the chosen tasks take turns, and
no stem form repeats while another one is still unused. The model is only asked about tasks (a
part without tasks, such as 二, is quizzed offline).

>>> parse_kinds("single, judge")
('single', 'judge')
"""
from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable

from ..config import Config
from ..errors import InputError
from ..plan import Node, Plan
from .checks import Checker
from .wording import canon
from .writer import ItemWriter
from .terms import Analysis
from .models import KIND_NAMES, KINDS, Quiz, QuizItem
from ..text import Tokenizer, cn_to_int, int_to_cn, load_tokenizer

MAX_ITEMS = 50

__all__ = ["QuizMaker", "Quiz", "QuizItem", "KINDS", "MAX_ITEMS", "parse_kinds"]


def parse_kinds(kinds: str | Iterable[str]) -> tuple[str, ...]:
    """"single,judge" or ["single", "judge"] → ('single', 'judge'); InputError lists the allowed kinds."""
    if isinstance(kinds, str):
        kinds = kinds.split(",")
    out: list[str] = []
    for k in kinds:
        k = str(k).strip().lower()
        if k and k not in KINDS:
            raise InputError(f"unknown question kind {k!r}: choose from {', '.join(KINDS)}",
                             f"不支持的题型“{k}”，可选：{'、'.join(f'{x}（{KIND_NAMES[x]}）' for x in KINDS)}。")
        if k and k not in out:
            out.append(k)
    if not out:
        raise InputError("no question kinds given", f"请至少选择一种题型：{', '.join(KINDS)}。")
    return tuple(out)


class QuizMaker:
    """Builds quizzes from a plan; holds the (once-only) analysis of its sentences."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer, config: Config | None = None, chat_model=None):
        self.plan = plan
        self.config = config or Config()
        self.plan_id = self.config.plan_id or "bundled"
        self.analysis = Analysis(plan, tokenizer)
        self.checker = Checker(plan, tokenizer)
        self.llm = None
        if self.config.llm == "openai":
            from .llm import LLMQuizWriter

            self.llm = LLMQuizWriter(plan, self.checker, self.config, chat_model)

    @classmethod
    def from_config(cls, config: Config) -> "QuizMaker":
        """Plan and tokenizer from the files (the bundled plan's, or the added plan ``config.plan_id``'s):
        fast, needs neither the index nor embeddings."""
        from ..plans.toplan import load_plan

        plan = load_plan(config)
        tokenizer = load_tokenizer(str(config.home / "jieba"), str(config.userdict), str(config.stopwords))
        return cls(plan, tokenizer, config)

    def make(self, tasks: int | str | Iterable[int | str] | None = None, part: int | str | None = None,
             n: int = 10, kinds: str | Iterable[str] = KINDS, seed: int | None = None) -> Quiz:
        """A quiz of up to ``n`` items on ``tasks`` and/or ``part`` (both None: the whole plan)."""
        t0 = time.perf_counter()
        nodes, task_numbers, sections = self.select(tasks, part)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_ITEMS:
            raise InputError(f"n must be an integer from 1 to {MAX_ITEMS}, not {n!r}",
                             f"题目数量须为1到{MAX_ITEMS}之间的整数。")
        kinds = parse_kinds(kinds)
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        rng = random.Random(seed)
        items: list[QuizItem] = []
        notices, source, stats = [], "offline", Counter()
        if self.llm is not None and task_numbers:
            items, note = self.llm.write([x for x in nodes if x.task is not None], n, kinds, seed, stats)
            source = "llm" if items else "offline"
            if note:
                notices.append(note)
        writer = ItemWriter(self.analysis, rng, nodes)
        offline = Assembler(writer, self.checker, stats).run(nodes, n - len(items), kinds, rng, items)
        if items and offline:
            notices.append(f"另有{len(offline)}道由离线规则补足。")
        items = sorted(items + offline, key=lambda i: kinds.index(i.kind) if i.kind in kinds else len(kinds))
        if len(items) < n:
            notices.append(f"所选范围只能出{len(items)}道互不重复、通过校验的题目（要求{n}道）。")
        stats["seconds"] = round(time.perf_counter() - t0, 4)
        return Quiz(items, task_numbers, sections, n, list(kinds), seed, source,
                    "".join(notices) or None, dict(stats), plan=self.plan_id)

    def select(self, tasks, part) -> tuple[list[Node], list[int], list[str]]:
        """The nodes to ask about: the given tasks plus the part's tasks (a part without tasks, such
        as 二: its sections); neither given: every task."""
        numbers: list[int] = []
        if tasks is not None:
            for t in [tasks] if isinstance(tasks, (int, str)) else tasks:
                for piece in str(t).replace("，", ",").split(","):
                    if piece.strip():
                        numbers.append(self._task_number(piece.strip()))
        nodes = [self.plan.task(k) for k in dict.fromkeys(numbers)]
        sections = []
        if part is not None:
            p = self._part(part)
            sections.append(p.numeral)
            extra = p.tasks or ([p.intro] if p.intro and len(p.intro.sentences) > 1 else []) + p.subsections
            nodes += [x for x in extra if x not in nodes]
        if tasks is None and part is None:
            nodes = list(self.plan.tasks)
        return nodes, [x.task for x in nodes if x.task is not None], sections or sorted(
            {x.section for x in nodes}, key=lambda s: cn_to_int(s[:1]) or 0)

    def _task_number(self, text: str) -> int:
        k = cn_to_int(text.removeprefix("任务").removeprefix("第").removesuffix("项"))
        total = self.plan.task_count
        if k is None or not 1 <= k <= total:
            raise InputError(f"task must be a number from 1 to {total}, not {text!r}",
                             f"规划共有{total}项重点任务，没有“{text}”，请输入1到{total}之间的任务编号。")
        return k

    def _part(self, part: int | str):
        text = str(part).strip().removeprefix("第").removesuffix("部分")
        k = cn_to_int(text)
        count = len(self.plan.parts)
        if k is None or not 1 <= k <= count:
            raise InputError(f"part must be 1-{count} (一 to {int_to_cn(count)}), not {part!r}",
                             f"规划共有{int_to_cn(count)}个部分，没有“{part}”，请输入一到{int_to_cn(count)}。")
        return self.plan.part(k)


class Assembler:
    """Picks ``n`` valid items that test distinct facts: kinds spread evenly, tasks in turn, the least
    used stem form (then wording, and for true/false the less used answer) first. Greedy; when a small task
    runs out of distinct facts, misses a kind or repeats a form, it starts again with a new order (up to
    ``attempts`` times) and keeps the best try."""

    def __init__(self, writer: ItemWriter, checker: Checker, stats: Counter, attempts: int = 12):
        self.writer = writer
        self.checker = checker
        self.stats = stats
        self.attempts = attempts
        self._problems: dict[tuple, bool] = {}

    def run(self, nodes: list[Node], n: int, kinds: tuple[str, ...], rng: random.Random,
            chosen: list[QuizItem]) -> list[QuizItem]:
        best, best_score = [], (-1, -1, -1)
        first = {(node.id, k): self.writer.candidates(node, k) for node in nodes for k in kinds} if n > 0 else {}
        forms = {i.family for pool in first.values() for i in pool} - {i.family for i in chosen}
        goal = (n, min(n, len(kinds)), min(n, len(forms)))
        for attempt in range(self.attempts if n > 0 else 0):
            self.pools = dict(first) if attempt == 0 else {key: self.writer.reorder(c) for key, c in first.items()}
            picked = self._attempt(nodes, n, kinds, rng, chosen)
            # as many items as asked, every kind asked for, and no stem form twice
            score = (len(picked), len({i.kind for i in picked}), len({i.family for i in chosen + picked}) - len(chosen))
            if score > best_score:
                best, best_score = picked, score
            if best_score >= goal:
                break
            self.stats["restarts"] += 1
        return best

    def _attempt(self, nodes, n, kinds, rng, chosen) -> list[QuizItem]:
        counts = {k: n // len(kinds) for k in kinds}
        for k in rng.sample(kinds, n % len(kinds)):
            counts[k] += 1
        # the kinds with the fewest candidates choose first, so that a small task's few multiple-choice
        # items are not shut out by a single-choice item on the same clause
        scarce = sorted(kinds, key=lambda k: sum(len(self.pools[(x.id, k)]) for x in nodes))
        slots = [k for r in range(max(counts.values(), default=0)) for k in scarce if counts[k] > r]
        self.order = rng.sample(nodes, len(nodes))
        self.turn = 0
        self.templates = Counter(i.template for i in chosen)
        self.families = Counter(i.family for i in chosen)
        self.answers = Counter(i.answer[0] for i in chosen if i.kind == "judge")
        # true/false: the less used answer next, this one first on a tie (a coin per quiz: a quiz of one
        # true/false item is as often 错误 as 正确; true statements outnumber false ones 4 to 1 otherwise)
        self.answers[rng.choice(("正确", "错误"))] += 0.5
        self.taken = list(chosen)
        picked: list[QuizItem] = []
        for kind in slots:
            others = [k for k in rng.sample(kinds, len(kinds)) if k != kind]
            # this kind with a new template; else another kind with one; else repeat a template
            item = next((x for k, fresh in [(kind, True)] + [(k, True) for k in others] + [(kind, False)]
                         + [(k, False) for k in others] for x in [self._take(k, fresh)] if x), None)
            if item is None:
                break
            picked.append(item)
            self.taken.append(item)
            self.templates[item.template] += 1
            self.families[item.family] += 1
            if item.kind == "judge":
                self.answers[item.answer[0]] += 1
        return picked

    def _take(self, kind: str, fresh: bool) -> QuizItem | None:
        """The next valid, new item of this kind (``fresh``: only with a stem form not yet used)."""
        families, templates, answers = self.families, self.templates, self.answers
        for shift in range(len(self.order)):
            node = self.order[(self.turn + shift) % len(self.order)]
            pool = self.pools[(node.id, kind)]
            if not pool or (fresh and all(families[f] for f in {i.family for i in pool})):
                continue
            # a true/false item: the wanted answer before a fresh wording (a stem form unused is still required
            # when ``fresh``); other kinds: the least used form first
            ranked = sorted(range(len(pool)), key=lambda i: (
                answers[pool[i].answer[0]] if kind == "judge" else 0,
                families[pool[i].family], templates[pool[i].template], i))
            drop, found = set(), None
            for i in ranked:
                item = pool[i]
                if fresh and families[item.family]:
                    continue
                if kind == "judge" and item.answer[0] == "正确" and not self._true_allowed():
                    continue
                if self._clashes(item) or not self._valid(item):
                    drop.add(i)
                else:
                    found = i
                    break
            if drop or found is not None:
                self.pools[(node.id, kind)] = [x for j, x in enumerate(pool) if j not in drop and j != found]
            if found is not None:
                self.turn = (self.turn + shift + 1) % len(self.order)
                return pool[found]
        return None

    def _true_allowed(self) -> bool:
        """True and false statements alternate, so "always 正确" does not pay (true statements outnumber false
        ones about 4 to 1; the third review found 13 of 18 keyed 正确); what a quiz lacks in false statements
        goes to the other kinds."""
        true, false = int(self.answers["正确"]), int(self.answers["错误"])
        # the quiz's coin lets one true statement go first or stand unmatched (a quiz of one true/false item
        # is 正确 or 错误 alike)
        true_first = self.answers["错误"] % 1 > 0
        return true < false + true_first

    def _clashes(self, item: QuizItem) -> bool:
        c = self.checker.pairs
        if any(canon(item.stem) == canon(t.stem) or c.duplicate(item, t) or c.leaks(item, t) or c.leaks(t, item)
               or c.same_sentence(item, t) for t in self.taken):
            self.stats["duplicates skipped"] += 1
            return True
        return False

    def _valid(self, item: QuizItem) -> bool:
        key = (item.stem, tuple(item.options), tuple(item.answer), item.quote)
        if key not in self._problems:
            self.stats["candidates checked"] += 1
            self._problems[key] = bool(self.checker.check(item))
            self.stats["candidates rejected by the checks"] += self._problems[key]
        return not self._problems[key]
