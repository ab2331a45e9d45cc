"""Answers that gather tasks by topic: topical lists ("哪些任务和青少年有关"), term scans ("规划有没有
提到X") and title patterns (“实施……工程”). Each is a try: when the plan's words match nothing, the
composer returns None and the router's next route answers."""
from __future__ import annotations

import re

from .. import lists
from ..lists import WILDCARD
from ..models import Answer
from ..plan import Node, Sentence
from ..retrieval import SearchResult
from .composer import Composer
from .quoting import is_heading
from .route import Route

TERM_NOISE = re.compile(
    r"规划(中|里面|里)?|哪些任务|哪几项任务|哪几个任务|哪几项|哪几个|哪项任务|哪个任务|哪些地方|哪些内容|哪些部分|"
    r"有没有|是否|有无|没有|任务(都)?有哪些|提到了?|提及了?|涉及(到)?了?|包含了?|包括了?|有关|相关|关于|讲到了?|说到了?|谈到了?|问题|方面|内容|"
    r"[?？!！。,，:：\s\"“”]")
# single characters that are noise only at the edges of a term (科普中国 keeps its 中)
TERM_EDGE = "的了呢吗中里都有是和与跟同对在讲说谈写提"
LIST_CLOSE = 0.7  # one of the LIST_RANKS tasks retrieval ranks first for a list's topic, this close
LIST_RANKS = 3  # to the best, joins the list when its best sentence holds a distinctive word of the topic
LIST_RELATED = 3  # a list also offers this many tasks retrieval ranks first for its topic and question, as related
LIST_RELATED_DEPTH = 5  # … from among the first this many tasks of either ranking
CLOSE_HEAD = "此外，以下任务的内容与此相近，可一并参考："


class TopicComposer(Composer):
    kinds = ("topic_list", "term_scan", "title_pattern")

    def __init__(self, answerer):
        super().__init__(answerer)
        self.matcher = answerer.topic_matcher

    # --- topical lists ---------------------------------------------------------------
    def topic_list(self, question: str, q: str, route: Route) -> Answer | None:
        """Every task the plan's own words put under the topic, each with the sentence that shows it."""
        topic = route.topic
        result = self.retriever.search(topic)  # searched once: the close and related tasks come from it
        members = self.matcher.members(topic, ranked=[h.node for h in result.hits if h.node.task is not None])
        if not members:
            top = result.hits[0].node  # "讲保障的有哪几条任务": a part's topic
            if top.kind == "part" and self.plan.part(top.section).tasks:
                return self.compose(question, q, Route.list_part(top.section))
            if top.task is None or self.evidence.out_of_scope(result):
                return None  # "基本原则有哪几条": a section answers; "人工智能": the plan does not say it
            # the plan never says it in these words ("老同志"): the tasks closest to it, said as such
            close = self._related_tasks(result, [])
            return self._list_answer(question, f"规划中没有直接说到“{topic}”，内容相近的任务有{len(close)}项：",
                                     close, []) if close else None
        members = self._with_close_tasks(result, members)
        part = self.evidence.part_titled(topic)
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
        for heading, listed in ((None, members), (CLOSE_HEAD, related)):
            if heading and listed:
                lines.append(heading)
            for node, sentence in listed:
                if is_heading(sentence, node):  # named in the title: the title says it
                    lines.append(f"- {node.label} {node.marker}")
                    cites.append(self.quote.heading_citation(node))
                else:
                    lines.append(f"- {node.label}：{sentence.text} {node.marker}")
                    cites.append(self.quote.citation(node, sentence))
        answer = self.quote.answer(question, "\n".join(lines), cites, route="term",
                                   passages=self.quote.nodes_as_passages([n for n, _ in members + related]))
        answer.related = [n.task for n, _ in related]
        return answer

    def _related_tasks(self, result: SearchResult, members: list[tuple[Node, Sentence]]) -> list[tuple[Node, Sentence]]:
        """Tasks that may belong to a list although they do not use its words (跨地区合作 in a task that says
        跨区域协同): up to LIST_RELATED of the first LIST_RELATED_DEPTH tasks the topic's search ranks,
        each with the sentence that shows why, offered apart from the members, and the task a reader's
        question matches best (tuning lists 276 → 277 of 295, 0.02 more tasks an answer). (Ranking by the
        whole question as well brought in the plan's generic tasks: "规划里…" pulls 36 and 38.)"""
        have = {n.id for n, _ in members}
        out = []
        for hit in [h for h in result.hits if h.node.task is not None][:LIST_RELATED_DEPTH]:
            if hit.node.id in have or len(out) == LIST_RELATED:
                continue
            sentence = self._best_sentence(hit.node, result)
            if sentence is not None:
                out.append((hit.node, sentence))
                have.add(hit.node.id)
        # the task a reader's question matches best: said in a reader's words, it may rank low on the plan's
        asked = max(result.reader.items(), key=lambda kv: kv[1][0][0], default=None)
        node = self.plan.node(asked[0]) if asked else None
        if node is not None and node.task is not None and node.id not in have:
            sentence = self._best_sentence(node, result)
            if sentence is not None:
                out.append((node, sentence))
        return sorted(out, key=lambda m: m[0].task)

    def _best_sentence(self, node: Node, result: SearchResult) -> Sentence | None:
        """The sentence of ``node`` that shows best why the topic's search found it."""
        return next(iter(self.evidence.pick(node, result, limit=1)), None)

    def _with_close_tasks(self, result: SearchResult, members: list[tuple[Node, Sentence]]) -> list[tuple[Node, Sentence]]:
        """A topic may be said otherwise in some tasks ("把成果变成生产力", 海外科技人才 → 海智计划): add the
        tasks that retrieval ranks first and close to the best and whose best sentence holds one of its
        distinctive words (measured on the dev lists: 83 → 88 of 95 complete, 3 more tasks outside the gold).
        ``result``: the search for the topic."""
        words = self.evidence.distinctive(result)
        have = {n.id for n, _ in members}
        best = result.hits[0].score
        for hit in [h for h in result.hits if h.node.task is not None][:LIST_RANKS]:
            if hit.node.id in have or hit.score < LIST_CLOSE * best:
                continue
            sentence = self._best_sentence(hit.node, result)
            if sentence is not None and any(w in sentence.text for w in words):
                members.append((hit.node, sentence))
                have.add(hit.node.id)
        return sorted(members, key=lambda m: m[0].task)[:10]

    # --- term scans and title patterns ---------------------------------------------------
    def term_scan(self, question: str, q: str, route: Route) -> Answer | None:
        """'哪些任务提到了X' / '规划有没有提到X': every place the plan says X, tasks first."""
        quoted = lists.QUOTED.findall(q)
        terms = quoted or [TERM_NOISE.sub("", q).strip(TERM_EDGE + "、")]
        terms = [t for t in terms if len(t) >= 2]
        if not terms:
            return None
        if len(terms) == 1 and WILDCARD.search(terms[0]):
            return self.title_pattern(question, q, Route.title_pattern(terms[0]))
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
                    return self.quote.refuse(question, f"规划中没有提到“{label}”。",
                                             f"the plan never mentions {label!r}", [])
                return None  # a descriptive phrase: let retrieval answer and, if need be, refuse
        lines, cites = [head], []
        for node, sentence in hits:
            lines.append(f"- {node.label}：{sentence.text} {node.marker}")
            cites.append(self.quote.citation(node, sentence))
        return self.quote.answer(question, "\n".join(lines), cites, route="term")

    def _scan(self, matches) -> list[tuple[Node, Sentence]]:
        """Every node with a matching sentence, tasks first: its first matching
        body sentence, else its heading (a term that appears only in a title)."""
        hits = []
        for node in self.plan.tasks + [n for n in self.plan.nodes if n.task is None]:
            found = [s for s in node.sentences if matches(s.text)]
            body = [s for s in found if not is_heading(s, node)]
            if found:
                hits.append((node, (body or found)[0]))
        return hits

    def title_pattern(self, question: str, q: str, route: Route) -> Answer | None:
        """Tasks whose title fits a pattern such as “实施……工程”, “××中国” (or one of several)."""
        patterns = [re.compile(".{1,20}?".join(re.escape(p) for p in WILDCARD.split(term)))
                    for term in route.terms if any(WILDCARD.split(term))]
        hits = [t for t in self.plan.tasks if any(p.search(t.title) for p in patterns)]
        if not hits:
            return None
        term = "”或“".join(route.terms)
        lines = [f"规划中名称符合“{term}”的任务有{len(hits)}项："]
        cites = []
        for t in hits:
            lines.append(f"- {t.label} {t.marker}")
            cites.append(self.quote.heading_citation(t))
        said = self._named_instances(q, route.terms, hits)
        if said:  # "科技工作者之家、事业之家、精神之家这些": the asker's own examples, where the plan says them
            lines.append("问题中举到的" + "、".join(dict.fromkeys(x for _, _, x in said)) + "还见于：")
            for node, sentence, _ in said:
                lines.append(f"- {node.label}：{sentence.text} {node.marker}")
                cites.append(self.quote.citation(node, sentence))
        return self.quote.answer(question, "\n".join(lines), cites, route="term")

    def _named_instances(self, q: str, terms, hits: list[Node]) -> list[tuple[Node, Sentence, str]]:
        """Instances of a pattern the question itself names (“XX之家”——事业之家、精神之家), found in the
        sentences of tasks whose titles do not fit it: (task, its first sentence saying one, the ones it says)."""
        titled = " ".join(t.title for t in hits)
        found: dict[tuple[str, int], list] = {}
        for term in terms:
            parts = [p for p in WILDCARD.split(term) if p]
            if len(parts) != 1:
                continue  # a pattern with two fixed ends (实施……工程): its instances are titles
            fixed = re.escape(parts[0])
            shape = f"[\u4e00-\u9fff]{{2,8}}{fixed}" if term.endswith(parts[0]) else f"{fixed}[\u4e00-\u9fff]{{2,8}}"
            named = [x for x in dict.fromkeys(re.findall(shape, WILDCARD.sub("", q))) if x not in titled]
            for node in [t for t in self.plan.tasks if t not in hits]:
                for instance in named:
                    sentence = next((s for s in node.sentences if instance in s.text), None)
                    if sentence is not None and not is_heading(sentence, node):
                        found.setdefault((node.id, sentence.start), [node, sentence, []])[2].append(instance)
        return [(node, sentence, "、".join(said)) for node, sentence, said in found.values()]
