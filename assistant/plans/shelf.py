"""Several plans loaded at once: the default plan answers unless a question names another (or several).

Each plan keeps its own single-plan ``Assistant`` (its own index, routing and declines); this module
only decides which of them answers (``naming.route``), tags what they say with the plan
(``Citation.plan``, markers ``[江临·任务19]``) and lays a comparison out one block per plan.

    bot = Assistant()                        # the bundled plan and every added plan
    bot.ask("江临省规划第17项任务讲的是什么").citations[0].plan    # → "jiangling"
    bot.ask("第19项任务要求什么", plan="jiangling")                # pinned to one plan
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..errors import PlanRegistryError
from ..models import Answer
from ..refs import find_refs
from .naming import PlanNames, route

BUNDLED = "bundled"
MARK = re.compile(r"\[([^\[\]·\n]{1,30})\]")


class PlanShelf:
    """The plans one process serves: ``members`` (id → single-plan Assistant), the first one the default."""

    def __init__(self, members: dict, titles: dict[str, str], default: str):
        self.members = members
        self.default = default
        self.names = [PlanNames.derive(pid, titles[pid], bundled=pid == BUNDLED) for pid in members]
        self._names = {n.id: n for n in self.names}
        self._markers = {pid: {n.marker for n in bot.plan.nodes} for pid, bot in members.items()}

    @property
    def several(self) -> bool:
        return len(self.members) > 1

    def ids(self) -> list[str]:
        return list(self.members)

    def check(self, plan_id: str | None) -> str:
        """``plan_id`` if it is served (None: the default); PlanRegistryError listing the served ids."""
        if plan_id is None:
            return self.default
        if plan_id not in self.members:
            served = ", ".join(self.members)
            raise PlanRegistryError(f"plan {plan_id!r} is not loaded; loaded plans: {served}",
                                    f"没有加载编号为“{plan_id}”的规划（已加载：{served}）。")
        return plan_id

    def describe(self) -> list[dict]:
        """What ``GET /api/plans`` lists: id, title, marker tag, task count, whether it is the default."""
        return [{"id": n.id, "title": n.title, "tag": n.tag, "default": n.id == self.default,
                 "tasks": self.members[n.id].plan.task_count, "names": n.strong[2:] + n.weak}
                for n in self.names]

    # --- answering ---------------------------------------------------------
    def ask(self, question: str, plan: str | None = None, stream: bool = False):
        """The Answer (or, with ``stream``, text chunks then the Answer) from the plan(s) the question goes to."""
        if plan is not None or not self.several:  # one plan served: its answers exactly as before
            return self._one(self.check(plan), question, question, stream)
        where = route(question, self.names, self.default)
        if where.compare:
            answer = self.compare(question, where.plans, where.question)
            return iter([answer]) if stream else answer
        # the default plan is asked the question as written, as it is when no plan is named (its declines
        # read names such as 中国科学院的十四五规划); another plan is asked it without the plan's name
        target = where.plans[0]
        asked = question if target == self.default else where.question
        return self._one(target, question, asked, stream, named=where.named)

    def _one(self, plan_id: str, question: str, asked: str, stream: bool, named: bool = True):
        bot = self.members[plan_id]
        if not stream:
            return self._finish(bot.answer_here(asked), plan_id, question, named)
        return self._stream(bot.stream_here(asked), plan_id, question, named)

    def _stream(self, pieces, plan_id, question, named):
        for piece in pieces:
            if isinstance(piece, str):
                yield self.tag_text(piece, plan_id)
            else:
                yield self._finish(piece, plan_id, question, named)

    def _finish(self, answer: Answer, plan_id: str, question: str, named: bool) -> Answer:
        answer = self.tag(answer, plan_id)
        answer.question = question
        if answer.refused and self.several:
            answer.text = self._decline_elsewhere(answer, plan_id, question, named)
        return answer

    def compare(self, question: str, plan_ids: list[str], asked: str) -> Answer:
        """One block per plan, each answered by that plan alone and cited to it."""
        blocks = [self.tag(self.members[pid].answer_here(asked), pid) for pid in plan_ids]
        lines = [f"{'、'.join(f'《{self._names[pid].title}》' for pid in plan_ids)}对照如下（各自引用原文）："]
        for pid, ans in zip(plan_ids, blocks):
            lines += ["", f"【{self._names[pid].tag}】{self._names[pid].title}"]
            lines.append(ans.text if not ans.refused else f"该规划没有写到这方面的内容。{ans.text}")
        return Answer(question, "\n".join(lines), refused=all(a.refused for a in blocks),
                      citations=[c for a in blocks for c in a.citations],
                      passages=[p for a in blocks for p in a.passages], route="compare",
                      reason="; ".join(f"{pid}: {a.reason}" for pid, a in zip(plan_ids, blocks) if a.reason) or None,
                      mode=blocks[0].mode, plan=None, plans=list(plan_ids))

    # --- tagging -----------------------------------------------------------
    def tag(self, answer: Answer, plan_id: str) -> Answer:
        """Every citation and passage gets the plan; markers carry its tag when several plans are loaded."""
        names = self._names[plan_id]
        answer.citations = [replace(c, plan=plan_id, plan_title=names.title,
                                    marker=self._tagged(c.marker, plan_id)) for c in answer.citations]
        answer.passages = [replace(p, plan=plan_id) for p in answer.passages]
        answer.text = self.tag_text(answer.text, plan_id)
        answer.plan, answer.plans = plan_id, [plan_id]
        return answer

    def tag_text(self, text: str, plan_id: str) -> str:
        """'… [任务19]' → '… [江临·任务19]' when several plans are loaded; unchanged with one."""
        if not self.several:
            return text
        return MARK.sub(lambda m: self._tagged(m.group(0), plan_id), text)

    def _tagged(self, marker: str, plan_id: str) -> str:
        if not self.several or marker not in self._markers[plan_id]:
            return marker
        return f"[{self._names[plan_id].tag}·{marker[1:]}"

    def _decline_elsewhere(self, answer: Answer, plan_id: str, question: str, named: bool) -> str:
        """A declined answer says which plan declined; a task number another loaded plan has is pointed to."""
        title = self._names[plan_id].title
        text = re.sub(r"^规划", f"《{title}》", answer.text) if answer.text.startswith("规划") \
            else f"（{self._names[plan_id].tag}）{answer.text}"
        wanted = [n for n in find_refs(question).tasks if n > self.members[plan_id].plan.task_count]
        others = [n for n in self.names if n.id != plan_id and wanted
                  and all(1 <= w <= self.members[n.id].plan.task_count for w in wanted)]
        if others and not named:
            hint = "；".join(f"《{n.title}》（编号 {n.id}）有第{wanted[0]}项任务" for n in others)
            text += f"\n另：{hint}，可在问题中写明规划名称，或选择该规划。"
        return text
