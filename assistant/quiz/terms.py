"""What the quiz generator reads from the plan: terms, clauses and enumerations, and the stand-ins for distractors.

``Analysis`` reads the plan once (~1 s). Every sentence of every task and section is tagged by
jieba (with the plan's user dictionary) and yields:

- **terms** and **clauses** (``terms_sentence.SentenceReader``): names the plan puts in quotes ("科普中国",
  "海智计划"), noun phrases that hold a keyword of their task and figures (15%, 2025); the plan's measures,
  a verb with its object ("建立应急科普专家委员会");
- **enumerations** (``terms_lists.ListReader``): lists joined by 、 ("内容库、专家库、团队库",
  "科技活动周、防灾减灾日…等主题活动");
- a **pool** of every term and list item with the tasks that use it (``terms_pool.StandInPool``), from which
  distractors of the same kind are drawn (``same_type``: 活动周 / 宣传周, 科普中国 / 智汇中国).
"""
from __future__ import annotations

from ..plan import Node, Plan
from ..text import Tokenizer
from .terms_lists import Enumeration, ListReader
from .terms_pool import StandInPool
from .terms_sentence import Clause, SentenceReader, Term
from .wording import canon


class Analysis:
    """Terms, clauses and enumerations of every task and section (built once a plan, ~1 s)."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer):
        self.plan = plan
        self.tokenizer = tokenizer
        self.reader = SentenceReader(plan, tokenizer, self.df)
        self.lists = ListReader(self.reader)
        self.task_texts = [canon(t.text) for t in plan.tasks]
        self._df: dict[str, int] = {}
        self.nodes = [n for n in plan.nodes if n.kind in ("task", "subsection", "part") and len(n.sentences) > 1]
        self.terms: dict[str, list[Term]] = {}
        self.clauses: dict[str, list[Clause]] = {}
        self.enumerations: dict[str, list[Enumeration]] = {}
        self.pool = StandInPool(self.reader.pos)
        for node in self.nodes:
            self._read(node)

    def df(self, text: str) -> int:
        """How many tasks use ``text``."""
        if text not in self._df:
            c = canon(text)
            self._df[text] = sum(1 for t in self.task_texts if c in t)
        return self._df[text]

    def siblings(self, node: Node) -> list[Node]:
        """Nodes to draw distractors from, nearest first: the other tasks (or sections) of the part,
        then the tasks closest in number."""
        same = [n for n in self.nodes if n.part == node.part and n.id != node.id and n.kind == node.kind]
        if node.task is not None:
            rest = sorted((n for n in self.plan.tasks if n.part != node.part), key=lambda n: abs(n.task - node.task))
        else:
            rest = [n for n in self.nodes if n.part != node.part and n.kind != "task"] + self.plan.tasks
        return same + [n for n in rest if n not in same]

    def incomplete(self, text: str) -> bool:
        """Does a statement of whole clauses say nothing yet (``SentenceReader.incomplete``)?"""
        return self.reader.incomplete(text)

    def _read(self, node: Node) -> None:
        body = "".join(s.text for s in node.sentences[1:])
        keywords = self.reader.keywords(body)
        terms, clauses, enums = [], [], []
        for sent in node.sentences[1:]:
            if sent.text.count('"') % 2:
                continue  # a sentence split inside a quotation
            words = self.reader.pos.tagged(sent.text)
            terms += self.reader.terms(node, sent, words, keywords)
            clauses += self.reader.clauses(node, sent, words)
            enums += self.lists.enumerations(node, sent, words)
        terms.sort(key=lambda t: -t.score)
        self.terms[node.id], self.clauses[node.id], self.enumerations[node.id] = terms, clauses, enums
        for t in terms:
            self.pool.add(t.text, t.kind, node)
        for e in enums:
            for text, _, _ in e.items:
                self.pool.add(text, "name" if f'"{text}"' in e.sentence.text else "noun", node).listed = True
