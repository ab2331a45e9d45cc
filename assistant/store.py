"""The question/answer/feedback log: SQLite in WAL mode, written by one thread.

Request handlers never touch the database: they put rows on a queue and a
single writer thread inserts them in batches, so many concurrent clients
neither block on the database lock nor lose a row. ``close()`` drains the
queue before it returns.

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
from pathlib import Path
from typing import IO

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, ts REAL NOT NULL, session_id TEXT, question TEXT NOT NULL, answer TEXT NOT NULL,
    refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL, route TEXT, mode TEXT, ms REAL, client TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, answer_id TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT
);
"""
TABLES = {"answers": ("id", "ts", "session_id", "question", "answer", "refused", "cited_tasks", "route", "mode",
                      "ms", "client"),
          "feedback": ("ts", "answer_id", "rating", "comment")}
_STOP = object()
log = logging.getLogger(__name__)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Log:
    """Append-only log of answers and feedback in one SQLite file."""

    def __init__(self, path: Path, batch: int = 256):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
        self._queue: queue.Queue = queue.Queue()
        self._recent: OrderedDict[str, None] = OrderedDict()  # answer ids logged by this process lately
        self._recent_lock = threading.Lock()
        self._batch = batch
        self._writer = threading.Thread(target=self._write_loop, name="log-writer", daemon=True)
        self._writer.start()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=30000")  # several server processes may share the file
        db.row_factory = sqlite3.Row
        return db

    # --- writing (any thread) -------------------------------------------
    def answer(self, answer_id: str, session_id: str | None, question: str, text: str, refused: bool,
               cited_tasks: list[int], route: str, mode: str, ms: float, client: str | None) -> None:
        with self._recent_lock:
            self._recent[answer_id] = None
            if len(self._recent) > 100_000:
                self._recent.popitem(last=False)
        self._queue.put(("answers", (answer_id, time.time(), session_id, question, text, int(refused),
                                     json.dumps(cited_tasks), route, mode, round(ms, 2), client)))

    def feedback(self, answer_id: str, rating: str, comment: str | None) -> None:
        self._queue.put(("feedback", (time.time(), answer_id, rating, comment)))

    def flush(self) -> None:
        """Block until every row queued so far is committed."""
        self._queue.join()

    def close(self) -> None:
        if self._writer.is_alive():
            self._queue.put(_STOP)
            self._writer.join()

    def _write_loop(self) -> None:
        db = self._connect()
        # WAL with synchronous=NORMAL: a commit survives a crash of the process, and only a power
        # cut can take back the last few; a full fsync per batch cost more CPU than answering.
        db.execute("PRAGMA synchronous=NORMAL")
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
                self._insert(db, rows)
            except Exception:  # the writer must outlive any row: save what can be saved, one by one
                for row in rows:
                    try:
                        self._insert(db, [row])
                    except Exception:
                        log.exception("log row dropped: %r", row[1][:4])
            finally:
                for _ in items:
                    self._queue.task_done()
        db.close()

    def _insert(self, db: sqlite3.Connection, rows: list) -> None:
        for attempt in range(5):
            try:
                with db:
                    for table, values in rows:
                        cols = TABLES[table]
                        verb = "INSERT OR REPLACE" if table == "answers" else "INSERT"
                        db.execute(f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                   values)
                return
            except sqlite3.OperationalError:  # locked beyond busy_timeout by another process: try again
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    # --- reading --------------------------------------------------------
    def known_answer(self, answer_id: str) -> bool:
        """Whether an answer id was logged (recent ones from memory: no wait on the writer)."""
        if answer_id in self._recent:
            return True
        with self._connect() as db:
            return db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is not None

    def rows(self, table: str) -> list[dict]:
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)}")
        self.flush()
        with self._connect() as db:
            return [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY ts")]


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
