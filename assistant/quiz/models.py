"""The typed results of quiz generation: one ``QuizItem`` a question, a ``Quiz`` for a set.

>>> item = QuizItem("judge", "判断正误：任务19提出“建立应急科普专家委员会”。", ["正确", "错误"], ["正确"],
...                 "原文见任务19。", 19, "六", "推进国家科普中心建设,建立应急科普专家委员会,")
>>> item.letters, item.to_dict()["task"]
('A', 19)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

KINDS = ("single", "multi", "judge", "blank")
KIND_NAMES = {"single": "单选题", "multi": "多选题", "judge": "判断题", "blank": "填空题"}
JUDGE_OPTIONS = ["正确", "错误"]
BLANK = "____"
LETTERS = "ABCDEFGH"


@dataclass
class QuizItem:
    """One question. ``answer`` lists the correct option texts (single, multi, judge: "正确"/"错误")
    or the one word for the blank; ``quote`` is verbatim plan text inside the cited task or section.

    ``template`` names the stem's form ("blank.fill", "single.which_task", …; "llm" for model-written
    items); ``source`` is "offline" or "llm"; ``label`` names the cited task or section.
    """

    kind: str  # "single" | "multi" | "judge" | "blank"
    stem: str
    options: list[str]
    answer: list[str]
    explanation: str
    task: int | None
    section: str
    quote: str
    template: str = ""
    source: str = "offline"
    label: str = ""  # the cited node's label: "任务19 实施平战结合科普能力提升工程"

    @cached_property
    def family(self) -> str:
        """The stem's form without its wording variant: "single.belongs_option" → "single.belongs"."""
        return self.template.split("_")[0]

    @property
    def letters(self) -> str:
        """The answer as option letters ("B", "AC"); the word itself for a blank."""
        if self.kind == "blank":
            return self.answer[0] if self.answer else ""
        return "".join(LETTERS[i] for i, o in enumerate(self.options) if o in self.answer)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["letters"] = self.letters
        return d


@dataclass
class Quiz:
    """A generated quiz: the items, what was asked for, and a notice when it fell short or fell back."""

    items: list[QuizItem]
    tasks: list[int]
    sections: list[str]
    n: int
    kinds: list[str]
    seed: int | None
    source: str = "offline"  # "offline" | "llm" (with any offline top-up noted in ``notice``)
    notice: str | None = None
    stats: dict = field(default_factory=dict)  # candidates tried / rejected, time, llm rounds
    plan: str | None = None  # the plan's id ("bundled" for the bundled plan)

    @property
    def title(self) -> str:
        if self.tasks and len(self.tasks) <= 3:
            return "规划测验：" + "、".join(f"任务{t}" for t in self.tasks)
        if len(self.sections) == 1:
            return f"规划测验：第{self.sections[0]}部分"
        return "规划测验"

    def to_dict(self) -> dict:
        return {"title": self.title, "tasks": self.tasks, "sections": self.sections, "n": self.n,
                "kinds": self.kinds, "seed": self.seed, "source": self.source, "notice": self.notice,
                "plan": self.plan,
                "items": [i.to_dict() for i in self.items]}
