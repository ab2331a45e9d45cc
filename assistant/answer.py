"""The extractive answerer: answers built only from the plan's own sentences.

Every line of an answer ends with an inline marker ([任务19], [第二部分(三)])
and every marker has a Citation whose quote is a verbatim span of the corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import annotations, lists, scope
from .models import Answer, Citation, RetrievedPassage, unique_citations
from .plan import Node, Plan, Sentence
from .refs import LAST, Refs, find_refs
from .retrieve import Retriever, SearchResult
from .text import int_to_cn, longest_shared, normalize


@dataclass(frozen=True)
class Thresholds:
    """Refusal calibration (see eval/tune.py): refuse when the best unit's
    dense cosine is below ``min_dense`` and the question shares fewer than
    ``min_coverage`` of its content tokens with the plan."""

    min_dense: float = 0.86
    min_coverage: float = 0.5
    hard_min_dense: float = 0.83
    suggest_dense: float = 0.86  # a decline offers nearby tasks only above this dense similarity …
    suggest_coverage: float = 0.5  # … and when this share of the question's words are the plan's


LIST_TASKS = re.compile(r"哪些任务|哪几项|哪几个任务|几项任务|多少项任务|什么任务|任务有哪些|任务都有哪些|任务是什么|包括哪些|包含哪些|有哪些任务|分别是|列出|任务清单|几项")
COUNT_TASKS = re.compile(r"(一共|总共|共有|共|总计)?(有)?(?<!第)(多少|几)(项|个|条)(重点)?任务|任务(一共|总共)?(有)?(多少|几)(项|个|条)")
WHICH_PARTS = re.compile(r"哪(些|几)(个)?部分")  # the parts that say a topic: the tasks saying it answer
PART_NAMED = re.compile(r"部分|板块|篇|章")  # the question names a part as such, not only its subject
COUNT_PARTS = re.compile(r"(几|多少)(个)?(大)?部分|分为几|(几|多少)(个)?章")
ALL_TASKS = re.compile(r"(所有|全部)的?(\d+|[一二三四五六七八九十]+)?项?(重点)?任务|(?<![第\d一二三四五六七八九十])(?<!最后)(\d+|[一二三四五六七八九十]+)项(重点)?任务(是什么|是哪些|有哪些|分别|都|包括|清单|列表)")
TERM_SCAN = re.compile(r"(有没有|是否|有无)(提到|提及|涉及|说到|讲到|谈到|写到)|(提到|提及|涉及|说到|讲到)(了)?[^?？]{1,12}(吗|没有)|任务(都)?有哪些|哪些(任务|地方|部分)|哪几(项|个)(任务)?|哪(项|个)任务")
TERM_NOISE = re.compile(
    r"规划(中|里面|里)?|哪些任务|哪几项任务|哪几个任务|哪几项|哪几个|哪项任务|哪个任务|哪些地方|哪些内容|哪些部分|"
    r"有没有|是否|有无|没有|任务(都)?有哪些|提到了?|提及了?|涉及(到)?了?|包含了?|包括了?|有关|相关|关于|讲到了?|说到了?|谈到了?|问题|方面|内容|"
    r"[?？!！。,，:：\s\"“”]")
# single characters that are noise only at the edges of a term (科普中国 keeps its 中)
TERM_EDGE = "的了呢吗中里都有是和与跟同对在讲说谈写提"
WILDCARD = re.compile(r"…|\.{3}|×|＊|\*|某某|(?<![A-Za-z])[Xx]{2}(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[Xx]{2}(?![A-Za-z])")
GENERIC = re.compile(r"^(请问)?(规划)?(的)?(第.{1,4}(项|条|部分|章)|任务.{1,4}|task\s*\d+|.{0,3})?(重点)?(任务)?(的)?"
                     r"(要求|讲|说|写|是|有|包括|包含|主要|具体|内容|什么|啥|了|的|呢|吗|哪些|哪几条|几条|怎么|怎样|如何|落实|做|干|"
                     r"说的|讲的|是什么|事情?|要点|方面|措施|举措|安排|重点|工作|这项|任务|项|加强|构建|深化|开展|深入|建设|推进|实施|"
                     r"\?|？|,|，|。|what|does|say|is|about|explain|can|you|in|this|plan|the|of|task|\d+|\s)*$",
                     re.IGNORECASE)


LIST_CLOSE = 0.7  # one of the LIST_RANKS tasks retrieval ranks first for a list's topic, this close
LIST_RANKS = 3  # to the best, joins the list when its best sentence holds a distinctive word of the topic
PERIOD = re.compile(r"(19|20)\d{2}\s*[—\-－~至]\s*(19|20)\d{2}年")  # (2021—2035年): a document's period
TITLE = re.compile(r"《[^》]+》")
SPECIFIC_SHARE = 6  # a word in at most 1/6 of the units anchors a number or place beside it
LIST_RELATED = 3  # a list also offers this many tasks retrieval ranks first for its topic and question, as related
LIST_RELATED_DEPTH = 5  # … from among the first this many tasks of either ranking
RELATED = 0.85  # a runner-up within this share of the best score may be quoted as related
CLOSE = 0.95  # … and within this share, the answer says which is closest rather than "according to"
CAN_ANSWER = "我可以依据规划原文回答它的任务、目标和举措，例如“第19项任务要求什么？”“哪些任务涉及乡村振兴？”。"
INJECTION_REPLY = "抱歉，我只能回答与《中国科协事业发展“十四五”规划》内容有关的问题，无法执行其他指令或透露系统设置。"


class ExtractiveAnswerer:
    def __init__(self, plan: Plan, retriever: Retriever, thresholds: Thresholds = Thresholds(), top_k: int = 5):
        self.plan = plan
        self.retriever = retriever
        self.thresholds = thresholds
        self.top_k = top_k
        self.memory = None  # annotated questions (assistant.annotations.QuestionMemory), set by Assistant
        self.common_words = _common_words(retriever.doc_freq, len(plan.nodes))
        self.topic_matcher = lists.TopicMatcher(plan, retriever.index.tokenizer, retriever.synonyms,
                                                self.common_words, set(retriever.doc_freq))

    # --- entry point ----------------------------------------------------
    def answer(self, question: str) -> Answer:
        q = normalize(question)
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q):
            return self._refuse(question, "问题中没有可识别的文字，请用中文描述您想了解的规划内容。",
                                "no letters, digits or Chinese characters in the question", [])
        for test in (scope.injection, scope.writing_request, scope.officeholder):
            reason = test(q)
            if reason:
                return self._refuse_search(question, q, reason)
        annotated = annotations.answer_from(self, self.memory, question, q)
        if annotated is not None:
            return annotated
        reason = scope.other_plan(q, self.plan.text)
        if reason:
            return self._refuse_search(question, q, reason)
        refs = self._resolve_positions(find_refs(q))
        bad = [n for n in refs.tasks if not 1 <= n <= self.plan.task_count]
        if bad:
            return self._refuse(question, f"规划共有{self.plan.task_count}项重点任务，没有第{bad[0]}项。",
                                f"task {bad[0]} does not exist", [n for n in refs.tasks if n not in bad][:3])
        bad_parts = [p for p in refs.parts if p not in {x.numeral for x in self.plan.parts}]
        if bad_parts:
            return self._refuse(question, f"规划正文共有{int_to_cn(len(self.plan.parts))}个部分，没有第{bad_parts[0]}部分。",
                                f"part {bad_parts[0]} does not exist", [])
        for test in (scope.money, scope.unknown_year, scope.unknown_ordinal):
            reason = test(q, self.plan.text)
            if reason:
                return self._refuse_search(question, q, reason)
        structural = self._structural(question, q, refs)
        if structural is not None:
            return structural
        if refs.tasks:
            return self._answer_tasks(question, q, refs.tasks)
        for node in self.plan.nodes:
            if node.kind == "subsection" and (node.section in refs.sections or (node.title in q and not refs)):
                return self._answer_node(question, q, node)
        titled = self._title_in(q)
        if titled is not None and not refs.parts:
            task, span = titled
            return self._answer_tasks(question, q, [task], strip=span)
        if refs.parts:
            return self._answer_part(question, q, refs.parts[0])
        return self._answer_search(question, q)

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

    # --- structure and term scans --------------------------------------
    def _structural(self, question: str, q: str, refs: Refs) -> Answer | None:
        # "试点都选了哪些地方" asks for the places chosen, not for the tasks that name them (… nor "放在哪几个
        # 地方科协"); "人才怎么评价，有哪几项任务讲到" asks for tasks all the same
        members_asked = scope.asked_figure(q) in scope.NAMED and not lists.TASKS_ASKED.search(q)
        topic = self._list_topic(q) if not refs and lists.is_list_question(q) and not members_asked else ""
        named = lists.PART_WORDS.search(q)  # "科普那部分"; a bare "X那块" only when a part is titled after X
        if topic and not WHICH_PARTS.search(q) and (named or lists.BLOCK.search(q)):  # not "哪些部分讲了志愿服务"
            part = self._part_about(topic) if named else self._part_titled(topic)
            if part is not None:
                return self._list_part_tasks(question, part)
        if not refs and LIST_TASKS.search(q):
            part = self._part_named(q)
            titled = self._title_in(q)
            named_more_by_task = titled and len(titled[1]) > len(longest_shared(self.plan.part(part).title, q)) if part else False
            # "智库建设分布在哪些任务": a topic a part is titled after (4 of 加强科技群团高端智库建设), not the part
            # named by most of its title (科技经济融合行动包括哪几项任务) or as a part (智库那部分, 第七部分)
            title = self.plan.part(part).title if part else ""
            topic_only = topic and not PART_NAMED.search(q) and 2 * len(longest_shared(title, q)) < len(title)
            if part is not None and not named_more_by_task and not topic_only:
                return self._list_part_tasks(question, part)
        if COUNT_TASKS.search(q) and not refs and not topic:
            return self._list_all(question, count_only=True)
        if COUNT_PARTS.search(q) and not refs:
            return self._list_parts(question)
        every = ALL_TASKS.search(q)
        if every and not topic and (not refs or (refs.tasks == [self.plan.task_count] and "第" not in every.group(0))):
            return self._list_all(question)
        if refs.parts and not refs.tasks and LIST_TASKS.search(q):
            return self._list_part_tasks(question, refs.parts[0])
        patterns = [t for t in lists.QUOTED.findall(q) if WILDCARD.search(t)]
        if patterns and not refs:
            return self._title_pattern(question, *patterns)
        if topic and WILDCARD.search(topic):
            titled = self._title_pattern(question, WILDCARD.sub("…", topic))
            if titled is not None:
                return titled
            topic = WILDCARD.sub("…", topic)  # "国家XX中心": a pattern over the tasks' sentences
        if topic:
            listed = self._topic_list(question, topic)
            if listed is not None:
                return listed
        if not refs and TERM_SCAN.search(q) and not members_asked:
            return self._term_scan(question, q)
        return None

    def _list_topic(self, q: str) -> str:
        """The first of a list question's topic candidates that the plan's words can match
        ("遇到疫情、洪水这种突发事件，科协该做的事在哪些任务里": not 科协该做)."""
        candidates = [t for t in lists.topic_candidates(q)  # not "科协" out of "科协规划有涉及吗"
                      if not all(p in self.common_words for p in lists.pieces(t))]
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

    def _topic_list(self, question: str, topic: str) -> Answer | None:
        """Every task the plan's own words put under ``topic``, each with the sentence that shows it."""
        members = self.topic_matcher.members(topic)
        result = self.retriever.search(topic)  # searched once: the close and related tasks come from it
        if not members:
            top = result.hits[0].node  # "讲保障的有哪几条任务": a part's topic
            if top.kind == "part" and self.plan.part(top.section).tasks:
                return self._list_part_tasks(question, top.section)
            if top.task is None or self._out_of_scope(result):
                return None  # "基本原则有哪几条": a section answers; "人工智能": the plan does not say it
            # the plan never says it in these words ("老同志"): the tasks closest to it, said as such
            close = self._related_tasks(result, [])
            return self._list_answer(question, f"规划中没有直接说到“{topic}”，内容相近的任务有{len(close)}项：",
                                     close, []) if close else None
        members = self._with_close_tasks(result, members)
        part = self._part_titled(topic)
        if part is not None:  # "讲保障的有哪几条任务": the part on it, and any other task that says it
            have = {n.id for n, _ in members}
            members = sorted(members + [(t, t.sentences[0]) for t in self.plan.part(part).tasks if t.id not in have],
                             key=lambda m: m[0].task)
        related = self._related_tasks(result, members)
        return self._list_answer(question, f"规划中与“{topic}”有关的任务有{len(members)}项：", members, related)

    def _list_answer(self, question: str, head: str, members: list[tuple[Node, Sentence]],
                     related: list[tuple[Node, Sentence]]) -> Answer:
        """A topical list: each member with the sentence that shows it, then the related tasks apart."""
        lines, cites = [head], []
        for heading, listed in ((None, members), ("此外，以下任务的内容与此相近，可一并参考：", related)):
            if heading and listed:
                lines.append(heading)
            for node, sentence in listed:
                if _is_heading(sentence, node):  # named in the title: the title says it
                    lines.append(f"- {node.label} {node.marker}")
                    cites.append(self._heading_citation(node))
                else:
                    lines.append(f"- {node.label}：{sentence.text} {node.marker}")
                    cites.append(self._citation(node, sentence))
        answer = self._answer(question, "\n".join(lines), cites, route="term",
                              passages=self._nodes_as_passages([n for n, _ in members + related]))
        answer.related = [n.task for n, _ in related]
        return answer

    def _related_tasks(self, result: SearchResult, members: list[tuple[Node, Sentence]]) -> list[tuple[Node, Sentence]]:
        """Tasks that may belong to a list although they do not use its words (跨地区合作 in a task that says
        跨区域协同): up to LIST_RELATED of the first LIST_RELATED_DEPTH tasks the topic's search ranks,
        each with the sentence that shows why, offered apart from the members. (Ranking by the whole
        question as well brought in the plan's generic tasks: "规划里…" pulls 36 and 38.)"""
        have = {n.id for n, _ in members}
        out = []
        for hit in [h for h in result.hits if h.node.task is not None][:LIST_RELATED_DEPTH]:
            if hit.node.id in have or len(out) == LIST_RELATED:
                continue
            sentence = next(iter(self._pick_sentences(hit.node, result, limit=1)), None)
            if sentence is not None:
                out.append((hit.node, sentence))
        return sorted(out, key=lambda m: m[0].task)

    def _part_titled(self, topic: str) -> str | None:
        """The part whose title names a list's topic (保障 → 十 强化规划实施保障, 科技跟经济结合 → 四 实施科技
        经济融合行动): at least half the topic's words are in the title, one of them not an everyday word."""
        words = [w for w, _ in self.retriever.index.tokenizer.tagged(topic) if len(w) >= 2]
        best = None
        for part in self.plan.parts:
            held = [w for w in words if w in part.title]
            if part.tasks and held and 2 * len(held) >= len(words) and (
                    len(words) == 1 or any(w not in self.common_words for w in held)):
                if best is None or len(held) > best[0]:
                    best = (len(held), part.numeral)
        return best[1] if best else None

    def _with_close_tasks(self, result: SearchResult, members: list[tuple[Node, Sentence]]) -> list[tuple[Node, Sentence]]:
        """A topic may be said otherwise in some tasks ("把成果变成生产力", 海外科技人才 → 海智计划): add the
        tasks that retrieval ranks first and close to the best and whose best sentence holds one of its
        distinctive words (measured on the dev lists: 83 → 88 of 95 complete, 3 more tasks outside the gold).
        ``result``: the search for the topic."""
        words = self._distinctive(result)
        have = {n.id for n, _ in members}
        best = result.hits[0].score
        for hit in [h for h in result.hits if h.node.task is not None][:LIST_RANKS]:
            if hit.node.id in have or hit.score < LIST_CLOSE * best:
                continue
            sentence = next(iter(self._pick_sentences(hit.node, result, limit=1)), None)
            if sentence is not None and any(w in sentence.text for w in words):
                members.append((hit.node, sentence))
                have.add(hit.node.id)
        return sorted(members, key=lambda m: m[0].task)[:10]

    def _part_named(self, q: str) -> str | None:
        """A part named by (most of) its title, e.g. 科技经济融合行动 → 四."""
        spans = {p.numeral: longest_shared(p.title, q, 4) for p in self.plan.parts}
        best = max(spans, key=lambda n: len(spans[n]))
        return best if spans[best] else None

    def _list_all(self, question: str, count_only: bool = False) -> Answer:
        lines = [f"规划共列出{self.plan.task_count}项重点任务，分布在以下部分："]
        cites = []
        for p in self.plan.parts:
            if not p.tasks:
                continue
            first, last = p.tasks[0].task, p.tasks[-1].task
            intro = p.intro or p.tasks[0]
            lines.append(f"- {p.label}：任务{first}—任务{last}，共{len(p.tasks)}项 {intro.marker}")
            cites.append(self._heading_citation(intro))
            if not count_only:
                for t in p.tasks:
                    lines.append(f"  - {t.label} {t.marker}")
                    cites.append(self._heading_citation(t))
        last_task = self.plan.tasks[-1]
        if count_only:
            lines.append(f"最后一项是{last_task.label} {last_task.marker}")
            cites.append(self._heading_citation(last_task))
        return self._answer(question, "\n".join(lines), cites, route="aggregate")

    def _list_parts(self, question: str) -> Answer:
        lines = [f"规划正文共分为{int_to_cn(len(self.plan.parts))}个部分："]
        cites = []
        for p in self.plan.parts:
            node = p.intro or (p.subsections[0] if p.subsections else p.tasks[0])
            lines.append(f"- {p.label} {node.marker}")
            cites.append(self._heading_citation(node))
        return self._answer(question, "\n".join(lines), cites, route="aggregate")

    def _list_part_tasks(self, question: str, numeral: str) -> Answer:
        part = self.plan.part(numeral)
        if not part.tasks:
            return self._answer_part(question, normalize(question), numeral)
        lines = [f"{part.label}共包括{len(part.tasks)}项任务："]
        cites = []
        for t in part.tasks:
            lines.append(f"- {t.label} {t.marker}")
            cites.append(self._heading_citation(t))
        if part.intro:
            lines[0] = f"{part.label}{part.intro.marker}共包括{len(part.tasks)}项任务："
            cites.append(self._heading_citation(part.intro))
        return self._answer(question, "\n".join(lines), cites, route="aggregate")

    def _term_scan(self, question: str, q: str) -> Answer | None:
        """'哪些任务提到了X' / '规划有没有提到X': every place the plan says X, tasks first."""
        quoted = lists.QUOTED.findall(q)
        terms = quoted or [TERM_NOISE.sub("", q).strip(TERM_EDGE + "、")]
        terms = [t for t in terms if len(t) >= 2]
        if not terms:
            return None
        if len(terms) == 1 and WILDCARD.search(terms[0]):
            return self._title_pattern(question, terms[0])
        variants = []
        for term in terms:
            variants += [v for v in [term, *re.split(r"或|及|以及|、", term)] if len(v) >= 2 and v not in variants]
        label = "”或“".join(terms)
        hits = self._scan(lambda text: any(v in text for v in variants))
        if hits:
            head = f"规划中有{len(hits)}处提到“{label}”："
        else:
            words = [w for term in terms for w in self.retriever.index.tokenizer.tokens(term)]
            hits = self._scan(lambda text: all(w in text for w in words)) if len(words) > 1 else []
            head = f"规划中没有“{label}”这一说法；以下{len(hits)}处同时提到了" + "、".join(f"“{w}”" for w in words) + "："
            if not hits:
                unknown = not self.retriever.index.known_tokens(self.retriever.expand(words))
                if unknown or all(len(t) <= 4 for t in terms):
                    return self._refuse(question, f"规划中没有提到“{label}”。",
                                        f"the plan never mentions {label!r}", [])
                return None  # a descriptive phrase: let retrieval answer and, if need be, refuse
        lines, cites = [head], []
        for node, sentence in hits:
            lines.append(f"- {node.label}：{sentence.text} {node.marker}")
            cites.append(self._citation(node, sentence))
        return self._answer(question, "\n".join(lines), cites, route="term")

    def _scan(self, matches) -> list[tuple[Node, Sentence]]:
        """Every node with a matching sentence, tasks first: its first matching
        body sentence, else its heading (a term that appears only in a title)."""
        hits = []
        for node in self.plan.tasks + [n for n in self.plan.nodes if n.task is None]:
            found = [s for s in node.sentences if matches(s.text)]
            body = [s for s in found if not _is_heading(s, node)]
            if found:
                hits.append((node, (body or found)[0]))
        return hits

    def _title_pattern(self, question: str, *terms: str) -> Answer | None:
        """Tasks whose title fits a pattern such as “实施……工程”, “××中国” (or one of several)."""
        patterns = [re.compile(".{1,20}?".join(re.escape(p) for p in WILDCARD.split(term)))
                    for term in terms if any(WILDCARD.split(term))]
        hits = [t for t in self.plan.tasks if any(p.search(t.title) for p in patterns)]
        if not hits:
            return None
        term = "”或“".join(terms)
        lines = [f"规划中名称符合“{term}”的任务有{len(hits)}项："]
        cites = []
        for t in hits:
            lines.append(f"- {t.label} {t.marker}")
            cites.append(self._heading_citation(t))
        return self._answer(question, "\n".join(lines), cites, route="term")

    # --- routed task / part --------------------------------------------
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

    def _answer_tasks(self, question: str, q: str, numbers: list[int], strip: str = "") -> Answer:
        lines, cites = [], []
        rest = re.sub(r"第.{1,4}(项|条)(重点)?(任务)?|任务\s*\S{1,4}", "", q.replace('"', "").replace(strip, ""))
        specific = not GENERIC.match(rest or "")
        result = self.retriever.search(q) if specific else None
        if specific and len(numbers) == 1:
            node = self.plan.task(numbers[0])
            chosen = self._pick_sentences(node, result, limit=3)
            _, _, missing = self._answerable(q, result, node, chosen, pinned=True)
            if missing:
                return self._decline_missing(question, missing, node, chosen, self._nodes_as_passages([node]))
        for n in numbers[:3]:
            node = self.plan.task(n)
            part = self.plan.part_of(node)
            where = f"（{part.label}）" if part else ""
            lines.append(f"{node.label}{where}的主要内容 {node.marker}：")
            cites.append(self._heading_citation(node))
            chosen = self._pick_sentences(node, result, limit=8 if not specific else 3)
            for i, s in enumerate(chosen, 1):
                lines.append(f"{i}. {s.text} {node.marker}")
                cites.append(self._citation(node, s))
        return self._answer(question, "\n".join(lines), cites, route="task",
                            passages=self._nodes_as_passages([self.plan.task(n) for n in numbers[:3]]))

    def _answer_part(self, question: str, q: str, numeral: str) -> Answer:
        part = self.plan.part(numeral)
        nodes = [n for n in (part.intro, *part.subsections) if n is not None]
        lines, cites = [], []
        lines.append(f"{part.label}的主要内容：")
        for node in nodes:
            if node.kind == "subsection":
                lines.append(f"{node.label} {node.marker}")
                cites.append(self._heading_citation(node))
            body = [s for s in node.sentences if not _is_heading(s, node)]
            for s in body[:4]:
                lines.append(f"- {s.text} {node.marker}")
                cites.append(self._citation(node, s))
        if part.tasks:
            lines.append(f"本部分包括{len(part.tasks)}项任务：")
            for t in part.tasks:
                lines.append(f"- {t.label} {t.marker}")
                cites.append(self._heading_citation(t))
        return self._answer(question, "\n".join(lines), cites, route="part",
                            passages=self._nodes_as_passages(nodes + part.tasks))

    # --- retrieval ------------------------------------------------------
    def _answer_node(self, question: str, q: str, node: Node) -> Answer:
        """A section named by its title or number: 指导思想, 第二部分第三节 → 二(一), 二(三)."""
        rest = re.sub(r"第.{1,3}(部分|章)(的)?(第.{1,3}节|[(（].[)）])?", "", q).replace(node.title, "")
        if not GENERIC.match(rest):
            return self._answer_search(question, q, top=node)
        lines = [f"{node.label}的主要内容 {node.marker}："]
        cites = [self._heading_citation(node)]
        for s in [s for s in node.sentences if not _is_heading(s, node)][:8]:
            lines.append(f"- {s.text} {node.marker}")
            cites.append(self._citation(node, s))
        return self._answer(question, "\n".join(lines), cites, route="part", passages=self._nodes_as_passages([node]))

    def _answer_search(self, question: str, q: str, top: Node | None = None) -> Answer:
        result = self.retriever.search(q)
        passages = self._passages(result)
        pinned = top is not None
        reason = self._out_of_scope(result) if not pinned else None
        top = top or result.hits[0].node
        chosen = self._pick_sentences(top, result, limit=3) if not reason else []
        if reason:
            return self._refuse(question, "规划中没有找到与这个问题直接相关的内容。", reason,
                                self._near(result), passages=passages)
        top, chosen, missing = self._answerable(q, result, top, chosen, pinned)
        if missing:
            return self._decline_missing(question, missing, top, chosen, passages)
        related = self._related(result, top)
        # when another task is about as close, say which is closest instead of presenting a guess as the answer
        close = bool(related) and related[0][2] >= CLOSE * result.hits[0].score
        lines = [f"最相关的是{self._where(top)}{top.marker}：" if close else f"根据{self._where(top)}{top.marker}："]
        cites = [self._heading_citation(top)]
        for s in chosen:
            lines.append(f"- {s.text} {top.marker}")
            cites.append(self._citation(top, s))
        if related:
            lines.append("以下任务也涉及这一问题：" if close else "相关内容：")
            for node, best, _ in related:
                lines.append(f"- {node.label}：{best.text} {node.marker}")
                cites.append(self._citation(node, best))
        return self._answer(question, "\n".join(lines), cites, route="search", passages=passages)

    def _related(self, result: SearchResult, top: Node) -> list[tuple[Node, Sentence, float]]:
        """Up to two runner-up tasks that are really related: close in score, and with a sentence
        that holds one of the question's distinctive words (not just the plan's everyday ones)."""
        words = self._distinctive(result)
        out = []
        for hit in result.hits[1:4]:
            if hit.node.task is None or hit.node is top or hit.score < RELATED * result.hits[0].score:
                continue
            best = self._pick_sentences(hit.node, result, limit=1)
            if best and any(w in best[0].text for w in words):
                out.append((hit.node, best[0], hit.score))
        return out[:2]

    def _answerable(self, q: str, result: SearchResult, top: Node, chosen: list[Sentence], pinned: bool
                    ) -> tuple[Node, list[Sentence], str | None]:
        """Does the answer hold what the question asks for (a year, a person, a procedure …)?
        Returns the unit and sentences to quote and, when they do not hold it, the kind missing
        (a key of ``scope.MISSING``). A figure may sit in a close runner-up (a date in the
        colophon, a target in 二(三)), which then becomes the unit quoted."""
        if any(y not in top.text for y in scope.years(q)):
            return top, chosen, "year"
        kind = scope.asked_figure(q)
        if kind is None or any(self._answers_figure(result, s) for s in chosen):
            return top, chosen, None
        if not pinned:
            # a runner-up must say the question's own phrase (国家科普中心), not a neighbour's figure
            phrase = longest_shared(q, self.plan.text, 4)
            for hit in result.hits[1:8]:
                alt = self._pick_sentences(hit.node, result, limit=3)
                if hit.score >= 0.6 * result.hits[0].score and any(
                        self._answers_figure(result, s) and phrase in s.text for s in alt):
                    return hit.node, alt, None
        return top, chosen, kind

    def _decline_missing(self, question: str, kind: str, top: Node, chosen: list[Sentence],
                         passages: list[RetrievedPassage]) -> Answer:
        """The plan covers the topic but not what was asked: say so, then quote what it does say."""
        head = (f"规划只写了目标和举措，没有对此的{scope.MISSING[kind]}。" if kind == "opinion"
                else f"规划中没有给出{scope.MISSING[kind]}。")
        lines, cites = [head + "与问题相关的规划原文："], []
        for s in chosen[:2]:
            lines.append(f"- {top.label}：{s.text} {top.marker}")
            cites.append(self._citation(top, s))
        return Answer(question, "\n".join(lines), True, cites, passages, route="refuse",
                      suggestions=[], reason=f"the quoted passages do not state the {kind} asked for")

    def _out_of_scope(self, result: SearchResult) -> str | None:
        t = self.thresholds
        if result.top_dense < t.hard_min_dense:
            return f"best dense similarity {result.top_dense:.3f} < {t.hard_min_dense}"
        if result.top_dense < t.min_dense and result.coverage < t.min_coverage:
            return (f"best dense similarity {result.top_dense:.3f} < {t.min_dense} and "
                    f"token coverage {result.coverage:.2f} < {t.min_coverage}")
        return None

    def _pick_sentences(self, node: Node, result: SearchResult | None, limit: int) -> list[Sentence]:
        body = [s for s in node.sentences if not _is_heading(s, node)]
        asked = [t for t in result.known_tokens if len(t) >= 2] if result else []
        if result is None or (asked and all(t in node.title for t in asked) and not scope.asks_for_figure(result.query)):
            return body[:limit]  # the question only names this task ("科创中国是什么"): its opening sentences
        scores = result.sentence_scores(node)
        for s in body:  # a question after a number, date or place wants the relevant sentence that has one
            if self._answers_figure(result, s):
                scores[s.id] = scores.get(s.id, 0.0) + 1.0
        best = max((scores.get(s.id, 0.0) for s in body), default=0.0)
        ranked = sorted(body, key=lambda s: -scores.get(s.id, 0.0))[:limit]
        ranked = [s for s in ranked if scores.get(s.id, 0.0) >= 0.6 * best] or ranked[:1]
        return sorted(ranked, key=lambda s: s.start)

    def _answers_figure(self, result: SearchResult, s: Sentence) -> bool:
        """The sentence holds the number, date or place asked for and shares a
        distinctive word with the question (not one of the plan's everyday words)."""
        words = [t for t in self._distinctive(result) if not t.isdigit()]
        years = [f"{y}年" for y in scope.years(result.query)]  # "到2025年有什么硬指标": the year anchors it
        lead_in = self.plan.text[max(0, s.start - 12):s.start]  # "总体目标:" introduces "到2025年,…"
        if not any(t in lead_in + s.text for t in words + years) or not scope.has_asked_evidence(result.query, s.text):
            return False
        kind = scope.asked_figure(result.query)
        evidence = scope.evidence_pattern(result.query, kind)
        if kind == "responsible":  # "由谁来任命": someone in the sentence must do that
            done = [w for w in scope.responsible_for(result.query) if w in s.text]
            return bool(done) or not scope.responsible_for(result.query)
        # a year the sentence sets as a target ("到2025年"), not one inside a document's period ("2021—2035年")
        if kind not in ("number", "place", "date", "year") or any(re.search(rf"(?<![—\-－~至]){y}", s.text) for y in years):
            return True
        # a count or a place belongs to the thing asked about: "几个科技馆" is not answered by
        # "六位一体" far away, nor a congress's city by 芜湖 in a sentence on another fair (a place the
        # question itself names, "是不是也在芜湖", is no anchor)
        spots = [m.start() for t in words if t in result.asked and not evidence.search(t) and self._specific(t)
                 for m in re.finditer(re.escape(t), s.text)]
        if kind in ("date", "year") and not spots and any(t in lead_in for t in words):
            return True  # "总体目标: 到2025年…"
        reach = 30 if kind in ("date", "year") else 12
        # "西藏和新疆的哪几个地区": a place the question names is not the place it asks for; the end of the
        # period of a document the question does not name ("《…纲要(2021—2035年)》") is no year anything was done
        other_periods = {t.start() + p.end() for t in TITLE.finditer(s.text) if not any(w in t.group(0) for w in words)
                         for p in PERIOD.finditer(t.group(0))}
        found = [m for m in evidence.finditer(s.text) if not (kind == "place" and m.group(0) in result.query)
                 and not (kind in ("date", "year") and m.end() in other_periods)]
        return any(abs(m.start() - p) <= reach for m in found for p in spots)

    def _specific(self, word: str) -> bool:
        """A word few units say, so a figure beside it belongs to it (科普, in a sixth of the plan's units, names
        no one thing: 芜湖 beside 科普产业博览交易会 is no answer to where 科普大篷车 stands)."""
        return self.retriever.doc_freq.get(word, 0) <= len(self.plan.nodes) // SPECIFIC_SHARE

    def _distinctive(self, result: SearchResult) -> list[str]:
        """The question's own words and the plan's terms for its lay words, less the plan's everyday ones."""
        return [t for t in result.asked + result.curated if len(t) >= 2 and t not in self.common_words]

    def _near(self, result: SearchResult) -> list[int]:
        """Tasks to offer with a decline: only when the question is in the plan's words and close to
        them (``Thresholds.suggest_*``); a weather question gets none."""
        t = self.thresholds
        if result.coverage < t.suggest_coverage or result.top_dense < t.suggest_dense:
            return []
        best = result.hits[0].score
        return [h.node.task for h in result.hits[:5] if h.node.task is not None and h.score >= 0.8 * best][:3]

    def _where(self, node: Node) -> str:
        if node.task is not None:
            part = self.plan.part_of(node)
            return f"{node.label}" + (f"（{part.label}）" if part else "")
        return node.label

    # --- building answers ----------------------------------------------
    def _citation(self, node: Node, s: Sentence) -> Citation:
        return Citation(node.task, node.section, node.label, s.text, node.marker, node.id, s.start, s.end)

    def _heading_citation(self, node: Node) -> Citation:
        """Quote the node's title (or first sentence) as it stands in the corpus."""
        i = node.text.find(node.title) if node.kind != "preamble" else -1
        if i < 0:
            s = node.sentences[0]
            return self._citation(node, s)
        start = node.start + i
        return Citation(node.task, node.section, node.label, node.title, node.marker, node.id,
                        start, start + len(node.title))

    def _answer(self, question, text, cites, route, passages=None) -> Answer:
        cites = unique_citations(cites)
        if not passages:  # the units the answer drew from, in the order it cites them
            order = list(dict.fromkeys(c.node_id for c in cites))
            passages = self._nodes_as_passages([self.plan.node(i) for i in order])
        return Answer(question, text, False, cites, passages, route=route)

    def _refuse(self, question, message, reason, suggestions, passages=None) -> Answer:
        text = message
        if suggestions:
            names = "；".join(f"{self.plan.task(n).label} {self.plan.task(n).marker}" for n in suggestions)
            text += f"\n可以参考相近的任务：{names}"
        elif not reason.startswith("prompt injection"):
            text += "\n" + CAN_ANSWER
        cites = [self._heading_citation(self.plan.task(n)) for n in suggestions]
        passages = passages or self._nodes_as_passages([self.plan.task(n) for n in suggestions])
        return Answer(question, text, True, cites, passages, route="refuse",
                      suggestions=list(suggestions), reason=reason)

    def _refuse_search(self, question, q, reason) -> Answer:
        """Refuse, pointing at the nearest tasks when any are reasonably close."""
        if reason.startswith("prompt injection"):
            return self._refuse(question, INJECTION_REPLY, reason, [])
        text = "规划中没有涉及这个问题的内容，我只能依据规划原文回答。"
        result = self.retriever.search(q)
        return self._refuse(question, text, reason, self._near(result), passages=self._passages(result))

    def _passages(self, result: SearchResult) -> list[RetrievedPassage]:
        return [RetrievedPassage(h.node.task, h.node.section, h.node.label, h.node.text, round(h.score, 4), h.node.id)
                for h in result.hits[: self.top_k]]

    def _nodes_as_passages(self, nodes: list[Node]) -> list[RetrievedPassage]:
        return [RetrievedPassage(n.task, n.section, n.label, n.text, 1.0, n.id) for n in nodes]


def _is_heading(s: Sentence, node: Node) -> bool:
    """The task's own '19.标题。' sentence or a part heading line."""
    return s.start == node.start and (node.kind in ("task", "part", "subsection")) and len(s.text) <= len(node.title) + 8


def _common_words(doc_freq: dict[str, int], sections: int, share: float = 0.25) -> set[str]:
    """Words found in more than ``share`` of the plan's sections (科协, 科技, 建设 …):
    too common to show that a sentence is about the question."""
    return {w for w, c in doc_freq.items() if c > share * sections}
