"""Follow-up questions, resolved by rules in offline mode.

A follow-up is rewritten into a stand-alone question about the task it
refers to, then answered as usual:

- pronouns (它, 这项任务, 该任务, 里面, 其) → the task the last answer was about;
- 上一个 / 下一个 → the task before or after it;
- 第二个, 最后一个, 其中第三项 after a list → that task of the list;
- 其中关于X的 after a list → the listed task that best matches X;
- an elliptical question with no subject of its own (具体怎么落实？有什么硬指标吗？)
  → asked about the last task.

Anything that names its own subject starts a new topic: "哪些任务涉及乡村振兴？" or
"明天北京天气怎么样" after a task question is answered (or declined) on its own.

>>> is_follow_up("它具体要建设什么委员会？"), is_follow_up("第19项任务要求什么")
(True, False)
>>> own_subject(["具体", "落实"]), own_subject(["乡村", "振兴"]), own_subject(["天气"])
(False, True, True)
"""
from __future__ import annotations

import re
from collections import deque

from .errors import InputError
from .lists import is_list_question
from .models import Answer
from .refs import find_refs
from .text import cn_to_int, normalize

PRONOUN = re.compile(r"^(它|它们|这项任务|这个任务|该任务|这项|这个|此项|其|里面|其中|上面|前面)|它|这项任务|该任务|里面提到|其中|"
                     r"(这|那)里(面|头)|(这|那|该)(个|项|些)?(任务|工程|平台|计划|行动|活动|奖项?|机制|体系|中心|基地|项目|委员会)")
PREVIOUS = re.compile(r"(上|前)一(个|项|条)")
NEXT = re.compile(r"(下|后)一(个|项|条)")
ORDINAL = re.compile(r"(?:其中)?第\s*([一二三四五六七八九十\d]{1,3})\s*(?:个|项|条)(?!任务\d)|(最后一(?:个|项|条))")
LIST_ROUTES = ("aggregate", "term", "part", "annotation")  # an annotation may name several units
RELATION = re.compile(r"^(那)?(它)?(跟|和|与|同|对)[^，,。？?]{1,12}(有)?(啥|什么|哪些|多大)?(关系|联系|关联|影响|帮助|作用)")
# Words that ask *about* a topic without naming one: what is left of "具体怎么落实？有没有考核指标？"
# once these (and the tokenizer's stopwords) are gone is the question's own subject, if any.
CONTEXT_WORDS = frozenset("""
    具体 怎么 怎样 如何 落实 实施 推进 开展 执行 完成 实现 做好 搞 弄 办 做法 办法 措施 举措 手段 路径 途径 方式 方法
    要求 目标 任务 重点 难点 内容 意思 意义 作用 目的 原因 背景 依据 支持 政策 规定 说法 提法 表述 解释 理解 总结
    详细 详细点 细说 展开 说说 讲讲 介绍 举例 例子 比如 例如 还有 另外 其他 其它 别的 之外 以外 此外 再 呢 哈 嗯
    硬指标 指标 考核 评估 标准 时间 时候 期限 多久 哪年 哪一年 几月 进度 安排 计划 步骤 流程 程序 手续 材料
    谁 负责 牵头 部门 单位 主体 经费 资金 钱 预算 多少 数量 规模 效果 成效 好处 影响 关系 区别 不同 联系 相同
    哪里 地方 地点 城市 有用 重要 为什么 为啥 咋 咋办 咋弄 怎么办 怎么做 能不能 可不可以 行不行 是不是 对不对
    会 纳入 年度 包括 包含 涉及 提到 提出 强调 部署 规划 文件 原文 条 项 点 方面 层面 阶段 这块 这方面 没有 有没有
    一项 一条 哪项 哪条 哪一项 哪一条 第几 第几条 第几项 出自 出处 来自 属于 位置
    """.split())


def is_follow_up(question: str) -> bool:
    q = normalize(question)
    return bool(PRONOUN.search(q) or PREVIOUS.search(q) or NEXT.search(q)) and not find_refs(q).tasks


def subject_words(tokens: list[str]) -> list[str]:
    """The words of a question (as content tokens) that name a subject, beyond words that only
    ask about one (具体, 落实, 考核, 谁, 多少 …)."""
    return [t for t in tokens if len(t) >= 2 and t not in CONTEXT_WORDS and not t.isdigit()]


def own_subject(tokens: list[str]) -> bool:
    """Does a question name a subject of its own?"""
    return bool(subject_words(tokens))


class Conversation:
    """One chat: keeps the last few answers (bounded) to resolve follow-ups.

    Conversations are independent; each keeps its own history.
    """

    def __init__(self, assistant, max_turns: int = 10, plan: str | None = None):
        self.bot = assistant
        self.plan = plan  # pinned to one plan; None: each question goes to the plan it names
        self.history: deque[tuple[str, str, Answer]] = deque(maxlen=max_turns)

    @property
    def assistant(self):
        """The plan follow-ups are resolved in: the pinned one, else the one that gave the last answer."""
        members = getattr(self.bot, "shelf", None)
        if members is None:
            return self.bot
        last = getattr(self.history[-1][2], "plan", None) if self.history else None
        return self.bot.member(self.plan or (last if last in members.members else None))

    def _plan_for(self, question: str, resolved: str) -> str | None:
        """A resolved follow-up stays in the plan of the answer it follows."""
        if self.plan or resolved == question or not hasattr(self.bot, "shelf"):
            return self.plan
        return self.assistant.plan_id

    def _ask(self, question: str, resolved: str, stream: bool = False):
        plan = self._plan_for(question, resolved)
        if not hasattr(self.bot, "shelf"):
            return self.bot.stream(resolved) if stream else self.bot.ask(resolved)
        return self.bot.stream(resolved, plan=plan) if stream else self.bot.ask(resolved, plan=plan)

    def ask(self, question: str) -> Answer:
        question = self.assistant.check_question(question)
        resolved = self.resolve(question)
        answer = self._ask(question, resolved)
        answer.question = question
        self.history.append((question, resolved, answer))
        return answer

    def stream(self, question: str):
        """As ``ask``, but yield text chunks first (LLM mode), then the Answer."""
        question = self.assistant.check_question(question)
        resolved = self.resolve(question)
        for piece in self._ask(question, resolved, stream=True):
            if isinstance(piece, str):
                yield piece
            else:
                piece.question = question
                self.history.append((question, resolved, piece))
                yield piece

    # --- rules ----------------------------------------------------------
    def replay(self, questions: list[str]) -> None:
        """Rebuild the context from earlier user turns (e.g. an OpenAI-style message list).

        Earlier turns are answered offline and by the rules only: no model call is spent on them.
        """
        for question in questions:
            try:
                question = self.assistant.check_question(question)
            except InputError:
                continue
            resolved = self.resolve(question, use_llm=False)
            self.history.append((question, resolved, self.assistant.answerer.answer(resolved)))

    def resolve(self, question: str, use_llm: bool = True) -> str:
        """The stand-alone question to answer (the question itself when it needs no context)."""
        if not self.history:
            return question
        llm = getattr(self.assistant, "llm", None) if use_llm else None
        if llm is not None and (is_follow_up(question) or ORDINAL.search(normalize(question))):
            rewritten = llm.rewrite([(q, a.text) for q, _, a in self.history], question)
            if rewritten:
                return rewritten
        q = normalize(question)
        last = self.history[-1][2]
        listed = last.listed_tasks if last.route in LIST_ROUTES else []
        focus = self._focus(last)
        rest = re.sub(ORDINAL, "", q)

        m = ORDINAL.search(q)
        if m and listed and not re.search(r"任务\s*\d|第\S{1,3}项任务\d", q):
            n = len(listed) if m.group(2) else cn_to_int(m.group(1))
            if n and 1 <= n <= len(listed):
                return f"任务{listed[n - 1]} {rest}".strip()
        if find_refs(q):
            return question  # an explicit task or part: "那第20项呢" needs no context
        if listed and ("其中" in q or PRONOUN.search(q)):
            best = self._best_of(listed, q)
            if best:
                return f"任务{best} {q}"
        if focus is None:
            return question
        if PREVIOUS.search(q):
            return f"任务{focus - 1} {PREVIOUS.sub('', q)}" if focus > 1 else question
        if NEXT.search(q):
            return f"任务{focus + 1} {NEXT.sub('', q)}"
        words = self.assistant.tokenizer.tokens(PRONOUN.sub("", q))
        if PRONOUN.search(q) or not own_subject(words) or self._continues(q, words, focus):
            return f"任务{focus} {PRONOUN.sub('', q)}"
        return question

    def _continues(self, q: str, words: list[str], focus: int) -> bool:
        """A question that goes on about the last task in its own words: "那落到基层，县里负责啥？"
        (starts with 那 and shares a word with the task) or "结果跟干部本人有没有关系？"
        (most of its words are the task's). A list question never does."""
        content = subject_words(words)
        if not content or is_list_question(q):
            return False
        if RELATION.search(q):  # "跟农村有啥关系？": how the last topic relates to something
            return True
        text = self.assistant.plan.task(focus).text
        share = sum(1 for w in content if w in text) / len(content)
        return share > 0 if q.startswith("那") else share >= 0.6

    def _focus(self, answer: Answer) -> int | None:
        """The task an answer was about: its first cited task, unless it was a list."""
        if answer.route in LIST_ROUTES and len(answer.listed_tasks) > 1:
            return None
        return answer.cited_tasks[0] if answer.cited_tasks else None

    def _best_of(self, tasks: list[int], q: str) -> int | None:
        """The listed task that best matches what is left of the question."""
        topic = re.sub(r"其中|关于|的是|哪一项|哪项|哪个|是什么|[?？]", "", q)
        literal = [t for t in tasks if topic and topic in self.assistant.plan.task(t).text]
        if len(literal) == 1:
            return literal[0]
        result = self.assistant.retriever.search(topic or q)
        for hit in result.hits:
            if hit.node.task in tasks:
                return hit.node.task
        return None
