"""The router: what a question is, as typed routes (``Route``), before anything is written.

In the order it decides: no words at all; a prompt injection, a writing request or a question on an
officeholder; a question a reviewer annotated; another plan's; a task or part number the plan does not
have; money, a year or an ordinal the plan never gives; then the plan's structure (a part's tasks, all
tasks, the parts, a topical list, a term scan); a task, section or part named by number or title; and
otherwise a search. ``routes`` yields them lazily: the answerer composes the first, and only moves on
when a tentative one (``Route.tentative``) finds nothing in the plan.

>>> from assistant import Assistant
>>> router = Assistant().answerer.router
>>> next(router.routes("第19项任务要求什么？"))
Route(kind='tasks', tasks=(19,))
>>> next(router.routes("第六部分包括哪些任务"))
Route(kind='part_tasks', part='六')
>>> next(router.routes("哪些任务和青少年有关"))
Route(kind='topic_list', topic='青少年')
>>> next(router.routes("规划共有多少项任务？"))
Route(kind='all_tasks', count_only=True)
>>> next(router.routes("第40项任务是什么？")).reason
'task 40 does not exist'
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import lists, scope
from ..annotations import AGREE_TOP
from ..lists import WILDCARD
from ..plan import Plan
from ..refs import LAST, Refs, find_refs
from ..retrieval import Retriever
from ..text import int_to_cn, longest_shared
from .evidence import Evidence
from .route import Route

LIST_TASKS = re.compile(r"哪些任务|哪几项|哪几个任务|几项任务|多少项任务|什么任务|任务有哪些|任务都有哪些|任务是什么|包括哪些|包含哪些|有哪些任务|分别是|列出|任务清单|几项")
COUNT_TASKS = re.compile(r"(一共|总共|共有|共|总计)?(有)?(?<!第)(多少|几)(项|个|条)(重点)?任务|任务(一共|总共)?(有)?(多少|几)(项|个|条)")
WHICH_PARTS = re.compile(r"哪(些|几)(个)?部分")  # the parts that say a topic: the tasks saying it answer
PART_NAMED = re.compile(r"部分|板块|篇|章")  # the question names a part as such, not only its subject
COUNT_PARTS = re.compile(r"(几|多少)(个)?(大)?部分|分为几|(几|多少)(个)?章")
ALL_TASKS = re.compile(r"(所有|全部)的?(\d+|[一二三四五六七八九十]+)?项?(重点)?任务|(?<![第\d一二三四五六七八九十])(?<!最后)(\d+|[一二三四五六七八九十]+)项(重点)?任务(是什么|是哪些|有哪些|分别|都|包括|清单|列表)")
TERM_SCAN = re.compile(r"(有没有|是否|有无)(提到|提及|涉及|说到|讲到|谈到|写到)|(提到|提及|涉及|说到|讲到)(了)?[^?？]{1,12}(吗|没有)|任务(都)?有哪些|哪些(任务|地方|部分)|哪几(项|个)(任务)?|哪(项|个)任务")
NO_WORDS = "问题中没有可识别的文字，请用中文描述您想了解的规划内容。"


class Router:
    def __init__(self, plan: Plan, retriever: Retriever, evidence: Evidence, topic_matcher: lists.TopicMatcher):
        self.plan = plan
        self.retriever = retriever
        self.evidence = evidence
        self.topic_matcher = topic_matcher
        self.memory = None  # annotated questions (assistant.annotations.QuestionMemory), set by Assistant

    def routes(self, q: str) -> Iterator[Route]:
        """The routes for ``q`` (normalised), best first; all but tentative ones are final."""
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q):
            yield Route.decline(NO_WORDS, "no letters, digits or Chinese characters in the question")
            return
        yield from self._declines(q)
        refs = self._resolve_positions(find_refs(q))
        yield from self._missing_numbers(q, refs)
        yield from self._structure(q, refs)
        yield from self._named(q, refs)

    def _declines(self, q: str) -> Iterator[Route]:
        """Questions declined before anything is looked up, and annotated questions."""
        for test in (scope.injection, scope.writing_request, scope.officeholder):
            reason = test(q)
            if reason:
                yield Route.out_of_scope(reason)
        annotated = self._annotated(q)
        if annotated is not None:
            yield annotated
        reason = scope.other_plan(q, self.plan.text)
        if reason:
            yield Route.out_of_scope(reason)

    def _annotated(self, q: str) -> Route | None:
        """A reviewer's annotation of a question this close (retrieval is asked only when needed)."""
        if self.memory is None:
            return None
        searched = []

        def ranked() -> list[str]:
            searched.append(self.retriever.search(q))
            return [h.node.id for h in searched[0].hits[:AGREE_TOP]]

        hit = self.memory.match(q, ranked)
        return Route.annotated(*hit, searched[0] if searched else None) if hit else None

    def _missing_numbers(self, q: str, refs: Refs) -> Iterator[Route]:
        """A task or part the plan does not have; money, a year or an ordinal it never gives."""
        bad = [n for n in refs.tasks if not 1 <= n <= self.plan.task_count]
        if bad:
            yield Route.decline(f"规划共有{self.plan.task_count}项重点任务，没有第{bad[0]}项。",
                                f"task {bad[0]} does not exist", [n for n in refs.tasks if n not in bad][:3])
        bad_parts = [p for p in refs.parts if p not in {x.numeral for x in self.plan.parts}]
        if bad_parts:
            yield Route.decline(f"规划正文共有{int_to_cn(len(self.plan.parts))}个部分，没有第{bad_parts[0]}部分。",
                                f"part {bad_parts[0]} does not exist")
        for test in (scope.money, scope.unknown_year, scope.unknown_ordinal):
            reason = test(q, self.plan.text)
            if reason:
                yield Route.out_of_scope(reason)

    def _named(self, q: str, refs: Refs) -> Iterator[Route]:
        """A task, section or part the question names by number or title; else a search."""
        if refs.tasks:
            yield Route.task(*refs.tasks)
        for node in self.plan.nodes:
            if node.kind == "subsection" and (node.section in refs.sections or (node.title in q and not refs)):
                yield Route.section(node)
        titled = self._title_in(q)
        if titled is not None and not refs.parts:
            task, span = titled
            yield Route.task(task, strip=span)
        if refs.parts:
            yield Route.part_content(refs.parts[0])
        yield Route.search()

    def _resolve_positions(self, refs: Refs) -> Refs:
        """Turn 'the n-th task of part 五' into a task number; a number larger than
        the part's task count is read as the plan-wide task number (第六部分的第19项); "最后一项任务" and
        "最后一部分" (``refs.LAST``) are the plan's last."""
        refs.tasks = [self.plan.task_count if n == LAST else n for n in refs.tasks]
        refs.parts = [self.plan.parts[-1].numeral if p == str(LAST) else p for p in refs.parts]
        for numeral, n in refs.nth:
            part = next((p for p in self.plan.parts if p.numeral == numeral), None)
            task = part.tasks[n - 1].task if part and 1 <= n <= len(part.tasks) else n
            if task not in refs.tasks:
                refs.tasks.append(task)
            if part and numeral not in refs.parts:
                refs.parts.append(numeral)
        bad_sections = [c for c in refs.sections if not any(n.section == c for n in self.plan.nodes)]
        for code in bad_sections:  # 第三部分第二节: no such sub-section, fall back to the part
            refs.sections.remove(code)
            if code.split("(")[0] not in refs.parts:
                refs.parts.append(code.split("(")[0])
        return refs

    # --- the plan's structure: parts, all tasks, lists, scans ----------------------------
    def _structure(self, q: str, refs: Refs) -> Iterator[Route]:
        # "试点都选了哪些地方" asks for the places chosen, not for the tasks that name them (… nor "放在哪几个
        # 地方科协"); "人才怎么评价，有哪几项任务讲到" asks for tasks all the same
        members_asked = scope.asked_figure(q) in scope.NAMED and not lists.TASKS_ASKED.search(q)
        topic = self._list_topic(q) if not refs and lists.is_list_question(q) and not members_asked else ""
        yield from self._part_lists(q, refs, topic)
        if COUNT_TASKS.search(q) and not refs and not topic:
            yield Route.all_tasks(count_only=True)
        if COUNT_PARTS.search(q) and not refs:
            yield Route.parts()
        every = ALL_TASKS.search(q)
        if every and not topic and (not refs or (refs.tasks == [self.plan.task_count] and "第" not in every.group(0))):
            yield Route.all_tasks()
        if refs.parts and not refs.tasks and LIST_TASKS.search(q):
            yield Route.list_part(refs.parts[0])
        patterns = [t for t in lists.QUOTED.findall(q) if WILDCARD.search(t)]
        if patterns and not refs:
            yield Route.title_pattern(*patterns)
        if topic and WILDCARD.search(topic):
            yield Route.title_pattern(WILDCARD.sub("…", topic))
            topic = WILDCARD.sub("…", topic)  # "国家XX中心": a pattern over the tasks' sentences
        if topic:
            yield Route.topic_list(topic)
        if not refs and TERM_SCAN.search(q) and not members_asked:
            yield Route.term_scan()

    def _part_lists(self, q: str, refs: Refs, topic: str) -> Iterator[Route]:
        """A part's tasks, asked for by the part's subject ("讲科普的那一大块") or most of its title."""
        named = lists.PART_WORDS.search(q)  # "科普那部分"; a bare "X那块" only when a part is titled after X
        if topic and not WHICH_PARTS.search(q) and (named or lists.BLOCK.search(q)):  # not "哪些部分讲了志愿服务"
            part = self._part_about(topic) if named else self.evidence.part_titled(topic)
            if part is not None:
                yield Route.list_part(part)
        if not refs and LIST_TASKS.search(q):
            part = self._part_named(q)
            titled = self._title_in(q)
            named_more_by_task = titled and len(titled[1]) > len(longest_shared(self.plan.part(part).title, q)) if part else False
            # "智库建设分布在哪些任务": a topic a part is titled after (4 of 加强科技群团高端智库建设), not the part
            # named by most of its title (科技经济融合行动包括哪几项任务) or as a part (智库那部分, 第七部分)
            title = self.plan.part(part).title if part else ""
            topic_only = topic and not PART_NAMED.search(q) and 2 * len(longest_shared(title, q)) < len(title)
            if part is not None and not named_more_by_task and not topic_only:
                yield Route.list_part(part)

    def _list_topic(self, q: str) -> str:
        """The first of a list question's topic candidates that the plan's words can match
        ("遇到疫情、洪水这种突发事件，科协该做的事在哪些任务里": not 科协该做)."""
        quoted = lists.QUOTED.findall(q)  # a word the asker quoted is the topic however common ("中心")
        candidates = [t for t in lists.topic_candidates(q)  # not "科协" out of "科协规划有涉及吗"
                      if t in quoted or not all(p in self.evidence.common_words for p in lists.pieces(t))]
        return next((t for t in candidates if self.topic_matcher.members(t)), next(iter(candidates), ""))

    def _part_about(self, topic: str) -> str | None:
        """The part a topic names ("讲科普的那一大块" → 六): the part of the best-ranked part or task,
        when its title shares a word with the topic ("法律法规这块" names no part)."""
        words = [w for w in self.retriever.index.tokenizer.tokens(topic) if len(w) >= 2]
        for hit in self.retriever.search(topic).hits[:3]:
            part = self.plan.part_of(hit.node) if hit.node.kind == "task" else None
            numeral = part.numeral if part else hit.node.section if hit.node.kind == "part" else None
            if numeral and self.plan.part(numeral).tasks and any(w in self.plan.part(numeral).title for w in words):
                return numeral
        return None

    def _part_named(self, q: str) -> str | None:
        """A part named by (most of) its title, e.g. 科技经济融合行动 → 四."""
        spans = {p.numeral: longest_shared(p.title, q, 4) for p in self.plan.parts}
        best = max(spans, key=lambda n: len(spans[n]))
        return best if spans[best] else None

    def _title_in(self, q: str) -> tuple[int, str] | None:
        """A task named by most of its title (≥ 70 %, ≥ 5 characters): (number, matched text)."""
        best = None
        q_plain = re.sub(r"[\"“”]", "", q)
        for t in self.plan.tasks:
            title = t.title.replace('"', "")
            span = longest_shared(title, q_plain, max(5, -(-7 * len(title) // 10)))
            if span and (best is None or len(span) / len(title) > best[0]):
                best = (len(span) / len(title), t.task, span)
        return (best[1], best[2]) if best else None
