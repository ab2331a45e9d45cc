"""A typed route: what the router decided a question is, before any answer is written.

Each kind has one composer (``assistant.answering.answerer.COMPOSERS``). Most routes are
decisions ("task 19", "part 六's tasks", "decline: no task 40"); a few are tries that may find
nothing in the plan (a topic list whose words no task says, a title pattern no title fits, a term
scan of a descriptive phrase): their composer returns None and the router's next route answers.

>>> Route.task(19)
Route(kind='tasks', tasks=(19,))
>>> Route.decline("规划共有38项重点任务，没有第40项。", "task 40 does not exist", [3]).suggestions
(3,)
>>> Route.topic_list("青少年").tentative, Route.search().tentative
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TENTATIVE = {"topic_list", "term_scan", "title_pattern"}  # composers that may find nothing


@dataclass(frozen=True)
class Route:
    kind: str
    tasks: tuple[int, ...] = ()
    part: str | None = None
    node: Any = field(default=None, repr=False)  # a plan Node (a section, or the unit a search is pinned to)
    topic: str = ""
    terms: tuple[str, ...] = ()
    strip: str = ""  # the task title's span in the question (not a question of its own)
    count_only: bool = False
    message: str = ""  # what a decline says
    reason: str = ""  # why (English, for developers and the log)
    suggestions: tuple[int, ...] = ()
    offer_close: bool = False  # a decline that offers the tasks retrieval finds close
    detail: Any = field(default=None, repr=False)  # what a composer needs beyond the fields above

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.__dict__.items()
                 if k not in ("kind", "node", "detail") and v not in ((), "", None, False)}
        return "Route(" + ", ".join([f"kind={self.kind!r}"] + [f"{k}={v!r}" for k, v in shown.items()]) + ")"

    @property
    def tentative(self) -> bool:
        """A try: its composer may find nothing, and the next route answers instead."""
        return self.kind in TENTATIVE

    # --- declines ----------------------------------------------------------
    @classmethod
    def decline(cls, message: str, reason: str, suggestions=()) -> "Route":
        """Say ``message`` (and offer ``suggestions``, task numbers)."""
        return cls("decline", message=message, reason=reason, suggestions=tuple(suggestions))

    @classmethod
    def out_of_scope(cls, reason: str) -> "Route":
        """The plan does not cover this: decline, offering the tasks retrieval finds close."""
        return cls("decline", reason=reason, offer_close=True)

    @classmethod
    def missing(cls, kind: str, node, sentences, passages) -> "Route":
        """The plan covers the topic but not what was asked (a year, a person …, ``scope.MISSING``):
        say so and quote ``sentences`` of ``node``."""
        return cls("missing", node=node, reason=kind, detail=(tuple(sentences), tuple(passages)))

    @classmethod
    def annotated(cls, annotation, cosine: float, result) -> "Route":
        """A reviewer annotated a question this close (assistant.annotations): its units, or its decline."""
        return cls("annotated", detail=(annotation, cosine, result))

    # --- the plan's structure ------------------------------------------------
    @classmethod
    def task(cls, *numbers: int, strip: str = "") -> "Route":
        """One task (or up to three: "第9项和第12项任务")."""
        return cls("tasks", tasks=numbers, strip=strip)

    @classmethod
    def part_content(cls, numeral: str) -> "Route":
        """What a part says: its introduction, sections and tasks."""
        return cls("part", part=numeral)

    @classmethod
    def list_part(cls, numeral: str) -> "Route":
        """The tasks of one part."""
        return cls("part_tasks", part=numeral)

    @classmethod
    def section(cls, node) -> "Route":
        """A section named by its title or number (指导思想, 第二部分第三节)."""
        return cls("section", node=node)

    @classmethod
    def all_tasks(cls, count_only: bool = False) -> "Route":
        return cls("all_tasks", count_only=count_only)

    @classmethod
    def parts(cls) -> "Route":
        return cls("parts")

    # --- lists and scans ---------------------------------------------------------
    @classmethod
    def topic_list(cls, topic: str) -> "Route":
        """Every task the plan's words put under a topic ("哪些任务和青少年有关")."""
        return cls("topic_list", topic=topic)

    @classmethod
    def term_scan(cls) -> "Route":
        """Every place the plan says a term ("规划有没有提到X")."""
        return cls("term_scan")

    @classmethod
    def title_pattern(cls, *terms: str) -> "Route":
        """Tasks whose title fits a pattern (“实施……工程”)."""
        return cls("title_pattern", terms=tuple(terms))

    # --- retrieval -----------------------------------------------------------------
    @classmethod
    def search(cls, pinned=None) -> "Route":
        """Retrieve, then answer from the best unit (``pinned``: from this one) or decline."""
        return cls("search", node=pinned)
