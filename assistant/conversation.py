"""Follow-up questions, resolved by rules in offline mode.

A follow-up is rewritten into a stand-alone question about the task it
refers to, then answered as usual:

- pronouns (它, 这项任务, 该任务, 里面, 其) → the task the last answer was about;
- 上一个 / 下一个 → the task before or after it;
- 第二个, 最后一个, 其中第三项 after a list → that task of the list;
- 其中关于X的 after a list → the listed task that best matches X;
- a short elliptical question (会纳入年度考核吗？) → asked about the last task.

>>> is_follow_up("它具体要建设什么委员会？"), is_follow_up("第19项任务要求什么")
(True, False)
"""
from __future__ import annotations

import re
from collections import deque

from .errors import InputError
from .models import Answer
from .refs import find_refs
from .text import cn_to_int, normalize

PRONOUN = re.compile(r"^(它|它们|这项任务|这个任务|该任务|这项|这个|此项|其|里面|其中|上面|前面)|它|这项任务|该任务|里面提到|其中")
PREVIOUS = re.compile(r"上一(个|项|条)")
NEXT = re.compile(r"下一(个|项|条)")
ORDINAL = re.compile(r"(?:其中)?第\s*([一二三四五六七八九十\d]{1,3})\s*(?:个|项|条)(?!任务\d)|(最后一(?:个|项|条))")
LIST_ROUTES = ("aggregate", "term", "part")


def is_follow_up(question: str) -> bool:
    q = normalize(question)
    return bool(PRONOUN.search(q) or PREVIOUS.search(q) or NEXT.search(q)) and not find_refs(q).tasks


class Conversation:
    """One chat: keeps the last few answers (bounded) to resolve follow-ups.

    Conversations are independent; each keeps its own history.
    """

    def __init__(self, assistant, max_turns: int = 10):
        self.assistant = assistant
        self.history: deque[tuple[str, str, Answer]] = deque(maxlen=max_turns)

    def ask(self, question: str) -> Answer:
        question = self.assistant.check_question(question)
        resolved = self.resolve(question)
        answer = self.assistant.ask(resolved)
        answer.question = question
        self.history.append((question, resolved, answer))
        return answer

    def stream(self, question: str):
        """As ``ask``, but yield text chunks first (LLM mode), then the Answer."""
        question = self.assistant.check_question(question)
        resolved = self.resolve(question)
        for piece in self.assistant.stream(resolved):
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
        listed = last.cited_tasks if last.route in LIST_ROUTES else []
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
        if PRONOUN.search(q) or len(re.sub(r"\W", "", q)) <= 10:
            return f"任务{focus} {PRONOUN.sub('', q)}"
        return question

    def _focus(self, answer: Answer) -> int | None:
        """The task an answer was about: its first cited task, unless it was a list."""
        if answer.route in LIST_ROUTES and len(answer.cited_tasks) > 1:
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
