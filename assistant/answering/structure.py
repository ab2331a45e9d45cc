"""Answers from the plan's structure: a task (or several), a part, a section, a part's tasks, all
tasks, the parts, and the units a reviewer annotated."""
from __future__ import annotations

import re

from ..annotations import DECLINE_TEXT, units
from ..models import Answer
from ..plan import Node
from ..text import int_to_cn, normalize
from .composer import Composer
from .quoting import is_heading
from .route import Route

GENERIC = re.compile(r"^(请问)?(规划)?(的)?(第.{1,4}(项|条|部分|章)|任务.{1,4}|task\s*\d+|.{0,3})?(重点)?(任务)?(的)?"
                     r"(要求|讲|说|写|是|有|包括|包含|主要|具体|内容|什么|啥|了|的|呢|吗|哪些|哪几条|几条|怎么|怎样|如何|落实|做|干|"
                     r"说的|讲的|是什么|事情?|要点|方面|措施|举措|安排|重点|工作|这项|任务|项|加强|构建|深化|开展|深入|建设|推进|实施|"
                     r"\?|？|,|，|。|what|does|say|is|about|explain|can|you|in|this|plan|the|of|task|\d+|\s)*$",
                     re.IGNORECASE)


class StructureComposer(Composer):
    kinds = ("tasks", "part", "part_tasks", "section", "all_tasks", "parts", "annotated")

    def tasks(self, question: str, q: str, route: Route) -> Answer:
        """A task's main content (up to three tasks): the sentences the question asks about, or, for a
        question that only names the task ("第19项任务要求什么"), its opening sentences."""
        numbers = route.tasks
        lines, cites = [], []
        rest = re.sub(r"第.{1,4}(项|条)(重点)?(任务)?|任务\s*\S{1,4}", "", q.replace('"', "").replace(route.strip, ""))
        specific = not GENERIC.match(rest or "")
        result = self.retriever.search(q) if specific else None
        if specific and len(numbers) == 1:
            node = self.plan.task(numbers[0])
            chosen = self.evidence.pick(node, result, limit=3)
            _, _, missing = self.evidence.answerable(q, result, node, chosen, pinned=True)
            if missing:
                return self.compose(question, q, Route.missing(missing, node, chosen, self.quote.nodes_as_passages([node])))
        for n in numbers[:3]:
            node = self.plan.task(n)
            part = self.plan.part_of(node)
            where = f"（{part.label}）" if part else ""
            lines.append(f"{node.label}{where}的主要内容 {node.marker}：")
            cites.append(self.quote.heading_citation(node))
            chosen = self.evidence.pick(node, result, limit=8 if not specific else 3)
            for i, s in enumerate(chosen, 1):
                lines.append(f"{i}. {s.text} {node.marker}")
                cites.append(self.quote.citation(node, s))
        return self.quote.answer(question, "\n".join(lines), cites, route="task",
                                 passages=self.quote.nodes_as_passages([self.plan.task(n) for n in numbers[:3]]))

    def part(self, question: str, q: str, route: Route) -> Answer:
        part = self.plan.part(route.part)
        nodes = [n for n in (part.intro, *part.subsections) if n is not None]
        lines, cites = [], []
        lines.append(f"{part.label}的主要内容：")
        for node in nodes:
            if node.kind == "subsection":
                lines.append(f"{node.label} {node.marker}")
                cites.append(self.quote.heading_citation(node))
            body = [s for s in node.sentences if not is_heading(s, node)]
            for s in body[:4]:
                lines.append(f"- {s.text} {node.marker}")
                cites.append(self.quote.citation(node, s))
        if part.tasks:
            lines.append(f"本部分包括{len(part.tasks)}项任务：")
            for t in part.tasks:
                lines.append(f"- {t.label} {t.marker}")
                cites.append(self.quote.heading_citation(t))
        return self.quote.answer(question, "\n".join(lines), cites, route="part",
                                 passages=self.quote.nodes_as_passages(nodes + part.tasks))

    def part_tasks(self, question: str, q: str, route: Route) -> Answer:
        part = self.plan.part(route.part)
        if not part.tasks:
            return self.part(question, normalize(question), route)
        lines = [f"{part.label}共包括{len(part.tasks)}项任务："]
        cites = []
        for t in part.tasks:
            lines.append(f"- {t.label} {t.marker}")
            cites.append(self.quote.heading_citation(t))
        if part.intro:
            lines[0] = f"{part.label}{part.intro.marker}共包括{len(part.tasks)}项任务："
            cites.append(self.quote.heading_citation(part.intro))
        return self.quote.answer(question, "\n".join(lines), cites, route="aggregate")

    def section(self, question: str, q: str, route: Route) -> Answer:
        """A section named by its title or number: 指导思想, 第二部分第三节 → 二(一), 二(三); a question
        on something in it is searched, pinned to the section."""
        node = route.node
        rest = re.sub(r"第.{1,3}(部分|章)(的)?(第.{1,3}节|[(（].[)）])?", "", q).replace(node.title, "")
        if not GENERIC.match(rest):
            return self.compose(question, q, Route.search(pinned=node))
        lines = [f"{node.label}的主要内容 {node.marker}："]
        cites = [self.quote.heading_citation(node)]
        for s in [s for s in node.sentences if not is_heading(s, node)][:8]:
            lines.append(f"- {s.text} {node.marker}")
            cites.append(self.quote.citation(node, s))
        return self.quote.answer(question, "\n".join(lines), cites, route="part",
                                 passages=self.quote.nodes_as_passages([node]))

    def all_tasks(self, question: str, q: str, route: Route) -> Answer:
        lines = [f"规划共列出{self.plan.task_count}项重点任务，分布在以下部分："]
        cites = []
        for p in self.plan.parts:
            if not p.tasks:
                continue
            first, last = p.tasks[0].task, p.tasks[-1].task
            intro = p.intro or p.tasks[0]
            lines.append(f"- {p.label}：任务{first}—任务{last}，共{len(p.tasks)}项 {intro.marker}")
            cites.append(self.quote.heading_citation(intro))
            if not route.count_only:
                for t in p.tasks:
                    lines.append(f"  - {t.label} {t.marker}")
                    cites.append(self.quote.heading_citation(t))
        last_task = self.plan.tasks[-1]
        if route.count_only:
            lines.append(f"最后一项是{last_task.label} {last_task.marker}")
            cites.append(self.quote.heading_citation(last_task))
        return self.quote.answer(question, "\n".join(lines), cites, route="aggregate")

    def parts(self, question: str, q: str, route: Route) -> Answer:
        lines = [f"规划正文共分为{int_to_cn(len(self.plan.parts))}个部分："]
        cites = []
        for p in self.plan.parts:
            node = p.intro or (p.subsections[0] if p.subsections else p.tasks[0])
            lines.append(f"- {p.label} {node.marker}")
            cites.append(self.quote.heading_citation(node))
        return self.quote.answer(question, "\n".join(lines), cites, route="aggregate")

    def annotated(self, question: str, q: str, route: Route) -> Answer:
        """The units a reviewer annotated, quoted with the sentences retrieval picks in them for this
        question, as any answer; a "does not answer" annotation declines. Either way ``route`` is
        "annotation" (assistant.annotations)."""
        ann, cosine, result = route.detail
        why = f"annotation {ann.id} by {ann.author} (cosine {cosine:.3f})"
        if ann.decline:
            answer = self.quote.refuse(question, DECLINE_TEXT, "annotated: the plan does not answer this; " + why, [])
        else:
            answer = self._annotated_units(question, q, units(self.plan, ann), result)
            answer.reason = why
        answer.route = "annotation"
        return answer

    def _annotated_units(self, question: str, q: str, nodes: list[Node], result) -> Answer:
        result = result or self.retriever.search(q)
        lines, cites = [], []
        for i, node in enumerate(nodes):
            lines.append(f"{'根据' if i == 0 else '另见'}{self.quote.where(node)}{node.marker}：")
            cites.append(self.quote.heading_citation(node))
            for s in self.evidence.pick(node, result, limit=3 if i == 0 else 2):
                lines.append(f"- {s.text} {node.marker}")
                cites.append(self.quote.citation(node, s))
        return self.quote.answer(question, "\n".join(lines), cites, route="annotation",
                                 passages=self.quote.nodes_as_passages(nodes))
