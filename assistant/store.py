"""The question/answer/feedback log and the chat turns, written by one thread with group commit,
in a SQLite file (default) or PostgreSQL (``postgresql://…``; see :mod:`assistant.database`).

Request handlers never touch the database: they put rows on a bounded queue and a
single writer thread inserts everything queued in one transaction, commits it
(SQLite: a rollback journal, ``synchronous=FULL``; PostgreSQL: ``synchronous_commit=on``: the commit is
on disk, not only in the OS cache) and only then resolves each row's future. A handler answers 2xx after its row's
future resolves, so an acknowledged row survives kill -9 and a power cut, and
concurrent requests share one fsync. When the database cannot be written (disk
full, read-only, locked, the server down) the futures fail fast with :class:`LogUnavailable`, the
failure is counted in :meth:`Log.health`, and a full queue refuses new rows
instead of growing. ``close()`` drains the queue, bounded in time.

A SQLite log file that is not a database (or is damaged) is moved aside as
``log.sqlite3.corrupt-<time>`` with a warning and a fresh one is started.

>>> import tempfile, pathlib
>>> log = Log(pathlib.Path(tempfile.mkdtemp()) / "log.sqlite3")
>>> log.answer("a1", "s1", "第19项任务要求什么？", "…", False, [19], "task", "extractive", 3.2, "127.0.0.1")
>>> log.feedback("a1", "up", "")
>>> log.close()
>>> [r["rating"] for r in log.rows("feedback")]
['up']
"""
from __future__ import annotations

import csv
import json
import logging
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .database import TABLES, LogUnavailable, _first_line, open_database

__all__ = ["Log", "LogUnavailable", "Turn", "export_csv"]

_STOP = object()
log = logging.getLogger(__name__)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Turn:
    """One stored chat turn: what a conversation needs to resolve the next follow-up."""

    question: str
    resolved: str
    text: str
    cited_tasks: list[int]
    route: str


class Log:
    """Append-only log of answers, feedback, chat turns and the review desk's rows in one database."""

    def __init__(self, where: str | Path, batch: int = 512, max_queue: int = 10_000):
        """``where``: a SQLite file (or ``sqlite:///…``) or a ``postgresql://…`` URL; opening applies
        any pending migrations and raises LogUnavailable when the database cannot be opened."""
        self.db = open_database(where)
        self.path = getattr(self.db, "path", None)  # the SQLite file; None on PostgreSQL
        self.db.prepare()
        self._queue: queue.Queue = queue.Queue(max_queue)
        self._recent: OrderedDict[str, None] = OrderedDict()  # answer ids committed by this process lately
        self._recent_lock = threading.Lock()
        self._batch = batch
        self.written = self.failed = 0
        self.last_error: str | None = None
        self.last_ok = True
        self._warned_at = -1e9
        self._writer = threading.Thread(target=self._write_loop, name="log-writer", daemon=True)
        self._writer.start()

    # --- writing (any thread) -------------------------------------------
    def submit_answer(self, answer_id: str, session_id: str | None, question: str, text: str, refused: bool,
                      cited_tasks: list[int], route: str, mode: str, ms: float, client: str | None) -> Future:
        """Queue an answer row; the future resolves once it is committed (or fails with LogUnavailable)."""
        return self._submit("answers", (answer_id, time.time(), session_id, question, text, int(refused),
                                         json.dumps(cited_tasks), route, mode, round(ms, 2), client))

    def submit_feedback(self, answer_id: str, rating: str, comment: str | None) -> Future:
        return self._submit("feedback", (time.time(), answer_id, rating, comment))

    def submit_turn(self, session_id: str, question: str, resolved: str, text: str, cited_tasks: list[int],
                    route: str) -> Future:
        """Queue a chat turn; once committed, any process sharing this database continues the session."""
        return self._submit("turns", (time.time(), session_id, question, resolved, text, json.dumps(cited_tasks),
                                      route))

    def submit_details(self, answer_id: str, confidence: float | None, citations: list[dict]) -> Future:
        """Queue what the review desk shows of an answer beyond its text: confidence and the cited spans."""
        return self._submit("answer_details", (answer_id, confidence, json.dumps(citations, ensure_ascii=False)))

    def submit_annotation(self, annotation_id: str, question: str, tasks: list[int], sections: list[str],
                          decline: bool, author: str, answer_id: str | None) -> Future:
        return self._submit("annotations", (annotation_id, time.time(), question, json.dumps(tasks),
                                            json.dumps(sections, ensure_ascii=False), int(decline), author,
                                            answer_id))

    def submit_removal(self, annotation_id: str, author: str) -> Future:
        """An annotation is never deleted: its removal is a row of its own (who, when)."""
        return self._submit("annotation_removals", (time.time(), annotation_id, author))

    def submit_judgment(self, answer_id: str | None, verdict: str, tasks: list[int], sections: list[str],
                        author: str, question: str, answer: str | None, cited_tasks: list[int] | None,
                        annotation_id: str | None) -> Future:
        """A reviewer's verdict on an answer ("tasks", "decline", "good"), with the answer it judged."""
        return self._submit("judgments", (time.time(), answer_id, verdict, json.dumps(tasks),
                                          json.dumps(sections, ensure_ascii=False), author, question, answer,
                                          json.dumps(cited_tasks or []), annotation_id))

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql": the few queries that differ (dates, substring search) ask."""
        return self.db.dialect

    def read(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read-only query over what is committed (by any process sharing the database);
        ``?`` placeholders on either backend. Raises LogUnavailable."""
        return self.db.read(sql, params)

    def answer(self, *args, timeout: float = 30.0) -> None:
        """:meth:`submit_answer` and wait for the commit; raises LogUnavailable."""
        self.wait(self.submit_answer(*args), timeout)

    def feedback(self, answer_id: str, rating: str, comment: str | None, timeout: float = 30.0) -> None:
        self.wait(self.submit_feedback(answer_id, rating, comment), timeout)

    @staticmethod
    def wait(future: Future, timeout: float = 30.0) -> None:
        try:
            future.result(timeout)
        except TimeoutError as e:
            raise LogUnavailable(f"the log did not commit within {timeout} s") from e

    def _submit(self, table: str, values: tuple) -> Future:
        future: Future = Future()
        if not self._writer.is_alive():
            future.set_exception(LogUnavailable("the log is closed"))
            return future
        try:
            self._queue.put_nowait((table, values, future))
        except queue.Full:  # the disk is not keeping up (or failing): refuse instead of piling up in memory
            self._failed(1, "the log queue is full")
            future.set_exception(LogUnavailable("the log queue is full; the database is not keeping up"))
        return future

    def flush(self) -> None:
        """Block until every row queued so far is committed (or failed)."""
        self._queue.join()

    def close(self, timeout: float = 5.0) -> None:
        """Commit what is queued, waiting at most ``timeout`` s; rows still queued then fail."""
        if self._writer.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                pass
            self._writer.join(timeout)
        while True:  # whatever the writer could not reach is failed, not silently dropped
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                item[2].set_exception(LogUnavailable("the log was closed before this row was written"))
            self._queue.task_done()

    def health(self) -> dict:
        return {"ok": self.last_ok, "written": self.written, "failed": self.failed, "queued": self._queue.qsize(),
                "last_error": self.last_error}

    def _failed(self, n: int, error: str) -> None:
        self.failed += n
        self.last_ok, self.last_error = False, error

    def _write_loop(self) -> None:
        # one commit covers every row queued meanwhile (group commit), so the fsync is paid once per
        # batch, not once per row
        stop = False
        while not stop:
            items = [self._queue.get()]
            while len(items) < self._batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows = [i for i in items if i is not _STOP]
            stop = len(rows) < len(items)
            try:
                self._commit(rows)
            finally:
                for _ in items:
                    self._queue.task_done()
        self.db.close()

    def _commit(self, rows: list) -> None:
        if not rows:
            return
        try:
            self.db.insert([(table, values) for table, values, _ in rows])
            done = [(row, None) for row in rows]
        except Exception as e:  # save what can be saved, one by one: one bad row must not fail the rest
            if self.db.unwritable(e):  # the whole database is refusing: no point trying row by row
                done = [(row, e) for row in rows]
            else:
                done = []
                for row in rows:
                    try:
                        self.db.insert([row[:2]])
                        done.append((row, None))
                    except Exception as row_error:
                        done.append((row, row_error))
        for (table, values, future), error in done:
            if error is None:
                if table == "answers":
                    self._remember(values[0])
                self.written += 1
                self.last_ok = True
                future.set_result(None)
            else:
                self._failed(1, f"{type(error).__name__}: {_first_line(error)}")
                self._warn(error, values)
                future.set_exception(LogUnavailable(f"log row not written: {type(error).__name__}: "
                                                    f"{_first_line(error)}"))

    def _warn(self, error: Exception, values: tuple) -> None:
        """One warning, then at most one every 10 s with a count: a full disk fails hundreds of rows a
        second, and a flood of warnings would fill the console's pipe and stall the server."""
        now = time.monotonic()
        if now - self._warned_at >= 10:
            log.warning("log row not written (%s): %r; %d rows not written so far", error, values[:3], self.failed)
            self._warned_at = now

    def _remember(self, answer_id: str) -> None:
        with self._recent_lock:
            self._recent[answer_id] = None
            if len(self._recent) > 100_000:
                self._recent.popitem(last=False)

    # --- reading --------------------------------------------------------
    def known_answer(self, answer_id: str) -> bool:
        """Whether an answer id was logged (recent ones from memory: no wait on the writer)."""
        if answer_id in self._recent:
            return True
        return self.db.known_answer(answer_id)

    def turns(self, session_id: str, since: float = 0.0, limit: int = 10) -> list[Turn]:
        """The last ``limit`` turns of a session newer than ``since`` (a time.time()), oldest first.

        Reads what is committed, by this process or any other sharing the database."""
        rows = self.db.turns(session_id, since, limit)
        return [Turn(r["question"], r["resolved"], r["answer"], json.loads(r["cited_tasks"]), r["route"])
                for r in reversed(rows)]

    def rows(self, table: str) -> list[dict]:
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)}")
        self.flush()
        return self.db.rows(table)


def export_csv(where: str | Path, out: IO[str], table: str = "answers") -> int:
    """Write one table of the log as CSV (feedback joined to its question); return the row count.

    ``where`` is the SQLite file (opened read-only) or a ``postgresql://`` URL."""
    if table not in ("answers", "feedback"):
        raise ValueError("table must be one of answers, feedback")
    header, rows = open_database(where).export(table)
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # a cell starting with = + - @ is a formula to Excel: neutralise what users typed
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
    return len(rows)
