"""Answer-quality metrics for the eval harness, over the support test of ``assistant.support``.

Citation metrics (ALCE-style, Gao et al. 2023):
- citation recall = share of statements supported by the concatenation of the
  passages they cite (a statement without a citation is unsupported);
- citation precision = share of citations that support their statement alone,
  or without which the statement's other citations no longer support it;
- citation validity = share of citations whose node exists, whose task is
  1..N, and whose quote is exactly the corpus text at its offsets, inside the node;
- faithfulness = share of statements supported by their cited text (the same
  test as citation recall, reported per answer sentence).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..plan import Plan
from ..support import DEFAULT_TAU, SupportTest, statements, support_score


def _prf(scores: list[tuple[float, bool]], tau: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scores if s >= tau and y)
    fp = sum(1 for s, y in scores if s >= tau and not y)
    fn = sum(1 for s, y in scores if s < tau and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _best_tau(scores, grid) -> float:
    return max(grid, key=lambda tau: (_prf(scores, tau)[2], -abs(tau - DEFAULT_TAU)))


def calibrate(pairs: list[dict], tokenizer, grid=None) -> dict:
    """Choose τ maximising F1 of 'supported' on labelled pairs; report its precision
    and recall, and a two-fold estimate (τ chosen on one half, measured on the other).

    ``pairs``: dicts with "sentence", "passage" and "supported" (bool).
    """
    grid = grid or [x / 100 for x in range(30, 100)]
    scores = [(support_score(p["sentence"], p["passage"], tokenizer), bool(p["supported"])) for p in pairs]
    tau = _best_tau(scores, grid)
    precision, recall, f1 = _prf(scores, tau)
    halves = (scores[0::2], scores[1::2])
    folds = [_prf(test, _best_tau(train, grid)) for train, test in (halves, halves[::-1])]
    return {"tau": tau, "precision": precision, "recall": recall, "f1": f1, "n": len(scores),
            "cv_precision": sum(f[0] for f in folds) / 2, "cv_recall": sum(f[1] for f in folds) / 2}


def cited_texts(plan: Plan) -> dict[str, str]:
    """The text each marker stands for: a task or sub-section its own text; a
    part ('[第三部分]') the whole part, tasks included, so that structural
    statements such as "任务1—任务7，共7项" can be checked against it."""
    out = {}
    for n in plan.nodes:
        out[n.marker] = n.text
        if n.kind == "part":
            members = [m for m in plan.nodes if m.part == n.part]
            out[n.marker] = plan.text[n.start:max(m.end for m in members)]
    return out


@dataclass
class AnswerScores:
    statements: list[dict]  # {"text", "markers", "supported"}
    citation_recall: float
    citation_precision: float
    citation_validity: float
    faithfulness: float


def score_answer(plan: Plan, answer, support: SupportTest) -> AnswerScores:
    """Citation and faithfulness metrics for one Answer (see module doc)."""
    texts = cited_texts(plan)
    rows, supported_n, precise, cite_n = [], 0, 0, 0
    for text, markers in statements(answer.text):
        if answer.refused and not markers:
            continue  # the refusal notice itself is not a claim about the plan
        passages = [texts[m] for m in markers if m in texts]
        ok = bool(passages) and support(text, "\n".join(passages))
        supported_n += ok
        for i, p in enumerate(passages):
            cite_n += 1
            others = passages[:i] + passages[i + 1:]
            alone = support(text, p)
            needed = ok and not (others and support(text, "\n".join(others)))
            precise += alone or needed
        rows.append({"text": text, "markers": markers, "supported": ok})
    valid = sum(1 for c in answer.citations if citation_is_valid(plan, c))
    n = len(rows)
    return AnswerScores(
        rows,
        citation_recall=supported_n / n if n else float("nan"),
        citation_precision=precise / cite_n if cite_n else float("nan"),
        citation_validity=valid / len(answer.citations) if answer.citations else float("nan"),
        faithfulness=supported_n / n if n else float("nan"),
    )


def citation_is_valid(plan: Plan, c) -> bool:
    """The cited node exists, a cited task is 1..N, and the quote is the corpus text at its offsets."""
    try:
        node = plan.node(c.node_id)
    except KeyError:
        return False
    if c.task is not None and not 1 <= c.task <= plan.task_count:
        return False
    return plan.text[c.start:c.end] == c.quote and node.start <= c.start and c.end <= node.end
