"""The question/answer/feedback log: SQLite in WAL mode, written by one thread with group commit.

Request handlers never touch the database: they put rows on a bounded queue and a
single writer thread inserts everything queued in one transaction, commits it
(WAL, ``synchronous=FULL``: the commit is on disk, not only in the OS cache) and
only then resolves each row's future. A handler answers 2xx after its row's
future resolves, so an acknowledged row survives kill -9 and a power cut, and
concurrent requests share one fsync. When the database cannot be written (disk
full, read-only, locked) the futures fail fast with :class:`LogUnavailable`, the
failure is counted in :meth:`Log.health`, and a full queue refuses new rows
instead of growing. ``close()`` drains the queue, bounded in time.

A log file that is not a database (or is damaged) is moved aside as
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
import sqlite3
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import AssistantError

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, ts REAL NOT NULL, session_id TEXT, question TEXT NOT NULL, answer TEXT NOT NULL,
    refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL, route TEXT, mode TEXT, ms REAL, client TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, answer_id TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT
);
CREATE TABLE IF NOT EXISTS turns (
    rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, session_id TEXT NOT NULL, question TEXT NOT NULL,
    resolved TEXT NOT NULL, answer TEXT NOT NULL, cited_tasks TEXT NOT NULL, route TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, rowid);
CREATE TABLE IF NOT EXISTS answer_details (
    answer_id TEXT PRIMARY KEY, confidence REAL, citations TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS annotations (
    id TEXT PRIMARY KEY, ts REAL NOT NULL, question TEXT NOT NULL, tasks TEXT NOT NULL, sections TEXT NOT NULL,
    decline INTEGER NOT NULL, author TEXT NOT NULL, answer_id TEXT
);
CREATE TABLE IF NOT EXISTS annotation_removals (
    rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, annotation_id TEXT NOT NULL, author TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS judgments (
    rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, answer_id TEXT, verdict TEXT NOT NULL, tasks TEXT NOT NULL,
    sections TEXT NOT NULL, author TEXT NOT NULL, question TEXT NOT NULL, answer TEXT, cited_tasks TEXT,
    annotation_id TEXT
);
"""
TABLES = {"answers": ("id", "ts", "session_id", "question", "answer", "refused", "cited_tasks", "route", "mode",
                      "ms", "client"),
          "feedback": ("ts", "answer_id", "rating", "comment"),
          "turns": ("ts", "session_id", "question", "resolved", "answer", "cited_tasks", "route"),
          # the review desk (assistant.annotations, assistant.desk): append-only, as the rest
          "answer_details": ("answer_id", "confidence", "citations"),
          "annotations": ("id", "ts", "question", "tasks", "sections", "decline", "author", "answer_id"),
          "annotation_removals": ("ts", "annotation_id", "author"),
          "judgments": ("ts", "answer_id", "verdict", "tasks", "sections", "author", "question", "answer",
                        "cited_tasks", "annotation_id")}
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


class LogUnavailable(AssistantError):
    """The log cannot be opened or a row cannot be committed (disk full, read-only, locked, damaged)."""

    message_zh = "记录暂时无法保存，请稍后再试。"


class Log:
    """Append-only log of answers and feedback in one SQLite file."""

    def __init__(self, path: Path, batch: int = 512, max_queue: int = 10_000, busy_timeout: float = 5.0):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._open()
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

    # --- opening (and healing) ------------------------------------------
    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not self.path.is_file():
                raise LogUnavailable(f"the log path {self.path} is not a file", f"日志路径不是文件：{self.path}")
            try:
                self._prepare()
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as e:  # not a database, or a damaged one: keep it, start afresh
                aside = self._move_aside()
                log.warning("THE LOG %s IS DAMAGED (%s): moved to %s; a new log is started", self.path, e, aside)
                self._prepare()
        except (OSError, sqlite3.Error) as e:
            raise LogUnavailable(f"cannot open the log {self.path}: {e}",
                                 f"无法打开或写入日志文件：{self.path}（{type(e).__name__}）") from e

    def _prepare(self) -> None:
        db = self._connect()
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            check = db.execute("PRAGMA quick_check(1)").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check}")
        finally:
            db.close()

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = self.path.with_name(self.path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
        return aside

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")  # other server processes may share it
        db.row_factory = sqlite3.Row
        return db

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

    def read(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read-only query over what is committed (by any process sharing the file)."""
        try:
            with closing(self._connect()) as db:
                return [dict(r) for r in db.execute(sql, params)]
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e

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
        db = self._connect()
        # WAL with synchronous=FULL: the WAL is fsynced at each commit, so a committed row survives a
        # power cut too; one commit covers every row queued meanwhile (group commit), so the fsync
        # is paid once per batch, not once per row.
        db.execute("PRAGMA synchronous=FULL")
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
                self._commit(db, rows)
            finally:
                for _ in items:
                    self._queue.task_done()
        db.close()

    def _commit(self, db: sqlite3.Connection, rows: list) -> None:
        if not rows:
            return
        try:
            self._insert(db, rows)
            done = [(row, None) for row in rows]
        except Exception as e:  # save what can be saved, one by one: one bad row must not fail the rest
            if _unwritable(e):  # the whole database is refusing: no point trying row by row
                done = [(row, e) for row in rows]
            else:
                done = []
                for row in rows:
                    try:
                        self._insert(db, [row])
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
                self._failed(1, f"{type(error).__name__}: {error}")
                self._warn(error, values)
                future.set_exception(LogUnavailable(f"log row not written: {type(error).__name__}: {error}"))

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

    def _insert(self, db: sqlite3.Connection, rows: list) -> None:
        for attempt in range(3):
            try:
                with db:
                    for table, values, _ in rows:
                        cols = TABLES[table]
                        verb = "INSERT OR REPLACE" if table == "answers" else "INSERT"
                        db.execute(f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                   values)
                return
            except sqlite3.OperationalError as e:  # locked beyond busy_timeout by another process: try again
                if attempt == 2 or "locked" not in str(e) and "busy" not in str(e):
                    raise
                time.sleep(0.1 * (attempt + 1))

    # --- reading --------------------------------------------------------
    def known_answer(self, answer_id: str) -> bool:
        """Whether an answer id was logged (recent ones from memory: no wait on the writer)."""
        if answer_id in self._recent:
            return True
        try:
            with self._connect() as db:
                return db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is not None
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e

    def turns(self, session_id: str, since: float = 0.0, limit: int = 10) -> list[Turn]:
        """The last ``limit`` turns of a session newer than ``since`` (a time.time()), oldest first.

        Reads what is committed, by this process or any other sharing the database."""
        try:
            with closing(self._connect()) as db:
                rows = db.execute("SELECT question, resolved, answer, cited_tasks, route FROM turns"
                                  " WHERE session_id = ? AND ts > ? ORDER BY rowid DESC LIMIT ?",
                                  (session_id, since, limit)).fetchall()
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e
        return [Turn(r["question"], r["resolved"], r["answer"], json.loads(r["cited_tasks"]), r["route"])
                for r in reversed(rows)]

    def rows(self, table: str) -> list[dict]:
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)}")
        self.flush()
        with self._connect() as db:
            return [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY ts")]


def _unwritable(error: Exception) -> bool:
    """Errors about the database as a whole, not about one row."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and any(
        w in text for w in ("full", "readonly", "read-only", "disk i/o", "locked", "busy", "unable to open"))


def export_csv(path: Path, out: IO[str], table: str = "answers") -> int:
    """Write one table of the log as CSV (feedback joined to its question); return the row count."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if table == "answers":
            sql = ("SELECT a.id, datetime(a.ts, 'unixepoch') AS time, a.session_id, a.question, a.answer, a.refused,"
                   " a.cited_tasks, a.route, a.mode, a.ms, a.client,"
                   " SUM(f.rating = 'up') AS thumbs_up, SUM(f.rating = 'down') AS thumbs_down"
                   " FROM answers a LEFT JOIN feedback f ON f.answer_id = a.id GROUP BY a.id ORDER BY a.ts")
        else:
            sql = ("SELECT datetime(f.ts, 'unixepoch') AS time, f.answer_id, f.rating, f.comment, a.question"
                   " FROM feedback f LEFT JOIN answers a ON a.id = f.answer_id ORDER BY f.ts")
        cur = db.execute(sql)
        writer = csv.writer(out)
        writer.writerow([d[0] for d in cur.description])
        n = 0
        for row in cur:
            # a cell starting with = + - @ is a formula to Excel: neutralise what users typed
            writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
            n += 1
        return n
    finally:
        db.close()
