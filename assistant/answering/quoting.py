"""Building answers: citations that quote the corpus verbatim, and the Answer each composer returns.

Every line of an answer ends with an inline marker ([任务19], [第二部分(三)]) and every marker has
a Citation whose quote is a verbatim span of the corpus.
"""
from __future__ import annotations

from ..models import Answer, Citation, RetrievedPassage, unique_citations
from ..plan import Node, Plan, Sentence
from ..retrieval import SearchResult

CAN_ANSWER = "我可以依据规划原文回答它的任务、目标和举措，例如“第19项任务要求什么？”“哪些任务涉及乡村振兴？”。"


class Quoting:
    def __init__(self, plan: Plan, top_k: int):
        self.plan = plan
        self.top_k = top_k

    def citation(self, node: Node, s: Sentence) -> Citation:
        return Citation(node.task, node.section, node.label, s.text, node.marker, node.id, s.start, s.end)

    def heading_citation(self, node: Node) -> Citation:
        """Quote the node's title (or first sentence) as it stands in the corpus."""
        i = node.text.find(node.title) if node.kind != "preamble" else -1
        if i < 0:
            s = node.sentences[0]
            return self.citation(node, s)
        start = node.start + i
        return Citation(node.task, node.section, node.label, node.title, node.marker, node.id,
                        start, start + len(node.title))

    def where(self, node: Node) -> str:
        """任务19（六、…） for a task, the label for any other unit."""
        if node.task is not None:
            part = self.plan.part_of(node)
            return f"{node.label}" + (f"（{part.label}）" if part else "")
        return node.label

    def answer(self, question, text, cites, route, passages=None) -> Answer:
        cites = unique_citations(cites)
        if not passages:  # the units the answer drew from, in the order it cites them
            order = list(dict.fromkeys(c.node_id for c in cites))
            passages = self.nodes_as_passages([self.plan.node(i) for i in order])
        return Answer(question, text, False, cites, passages, route=route)

    def refuse(self, question, message, reason, suggestions, passages=None) -> Answer:
        """A decline: the message, then the suggested tasks (each cited by its title), else what the
        assistant can answer (not after a prompt injection)."""
        text = message
        if suggestions:
            names = "；".join(f"{self.plan.task(n).label} {self.plan.task(n).marker}" for n in suggestions)
            text += f"\n可以参考相近的任务：{names}"
        elif not reason.startswith("prompt injection"):
            text += "\n" + CAN_ANSWER
        cites = [self.heading_citation(self.plan.task(n)) for n in suggestions]
        passages = passages or self.nodes_as_passages([self.plan.task(n) for n in suggestions])
        return Answer(question, text, True, cites, passages, route="refuse",
                      suggestions=list(suggestions), reason=reason)

    def passages(self, result: SearchResult) -> list[RetrievedPassage]:
        return [RetrievedPassage(h.node.task, h.node.section, h.node.label, h.node.text, round(h.score, 4), h.node.id)
                for h in result.hits[: self.top_k]]

    def nodes_as_passages(self, nodes: list[Node]) -> list[RetrievedPassage]:
        return [RetrievedPassage(n.task, n.section, n.label, n.text, 1.0, n.id) for n in nodes]


def is_heading(s: Sentence, node: Node) -> bool:
    """The task's own '19.标题。' sentence or a part heading line."""
    return s.start == node.start and (node.kind in ("task", "part", "subsection")) and len(s.text) <= len(node.title) + 8
