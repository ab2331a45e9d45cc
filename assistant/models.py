"""The typed results every interface shares: citations, passages, answers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from one task or section.

    ``section`` is the part numeral ("六") for a task or part introduction,
    "二(三)" for a sub-section, "序言" / "印发" for the front and back matter.
    """

    task: int | None
    section: str
    label: str
    quote: str
    marker: str
    node_id: str
    start: int
    end: int
    plan: str | None = None  # the plan's id ("bundled" for the bundled plan)
    plan_title: str | None = None

    @property
    def is_title(self) -> bool:
        """The quote is just the task's or section's title (cited when a whole task is meant)."""
        return self.quote == self.label.split(" ", 1)[-1]


@dataclass(frozen=True)
class RetrievedPassage:
    task: int | None
    section: str
    label: str
    text: str
    score: float
    node_id: str
    plan: str | None = None


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[RetrievedPassage] = field(default_factory=list)
    route: str = "search"  # "task" | "part" | "aggregate" | "term" | "search" | "refuse"
    suggestions: list[int] = field(default_factory=list)
    reason: str | None = None  # why it refused, in English for developers
    mode: str = "extractive"  # "extractive" | "llm"
    notice: str | None = None  # one line for the reader, e.g. why the extractive fallback was used
    grounded: float | None = None  # LLM mode: share of the model's sentences that survived verification
    removed: list[dict] = field(default_factory=list)  # LLM mode: {"text", "reason"} of dropped sentences
    support: list[dict] = field(default_factory=list)  # LLM mode: {"text", "supported"} for every sentence written
    related: list[int] = field(default_factory=list)  # a list's tasks offered as close, not as members
    plan: str | None = None  # the plan that answered; None when several did (a comparison)
    plans: list[str] = field(default_factory=list)  # the plans that answered, one block each in a comparison

    @property
    def cited_tasks(self) -> list[int]:
        out: list[int] = []
        for c in self.citations:
            if c.task is not None and c.task not in out:
                out.append(c.task)
        return out

    @property
    def listed_tasks(self) -> list[int]:
        """The tasks a list answer names as its members, in order ("第二个" counts these)."""
        return [t for t in self.cited_tasks if t not in self.related]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["cited_tasks"] = self.cited_tasks
        return d


def unique_citations(cites: list[Citation]) -> list[Citation]:
    """Citations in order, each quoted span once."""
    seen, out = set(), []
    for c in cites:
        key = (c.node_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
