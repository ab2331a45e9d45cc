"""Where the log's rows live: a SQLite file (the embedded default, no server) or PostgreSQL
(SQLAlchemy Core over psycopg 3), behind one small interface that :class:`assistant.store.Log`
drives from its single writer thread.

Both apply the same numbered migrations and record them in a ``schema_version`` table, so a
database made by an older release is brought up to date when a newer one opens it (one process
at a time: SQLite's write lock, PostgreSQL's advisory lock). Both commit durably before the log
acknowledges a row: SQLite with a rollback journal (``journal_mode=TRUNCATE``) and
``synchronous=FULL``, PostgreSQL with ``synchronous_commit=on`` forced for our sessions (a server
configured with it off would otherwise acknowledge commits it could still lose).

Why not SQLite's WAL: its index of the log (the ``-shm`` file) is memory-mapped by every connection,
readers included, and a write to that mapping cannot fail with an error code. When the file is made
immutable (``chattr +i``) or otherwise stops taking writes under the mapping, the kernel answers the
next write with SIGBUS and the whole server dies, nothing logged. A rollback journal with
``mmap_size=0`` maps nothing: every read and write is a system call, and a file that refuses writes
is an ``OperationalError`` (feedback 503, ``/api/health`` degraded), while reads go on. Processes on
one machine still share the file through SQLite's file locks, as with WAL.

>>> target("postgresql://u:secret@db:5432/guihua"), target("sqlite:////var/lib/log.sqlite3")
('postgresql://u:secret@db:5432/guihua', PosixPath('/var/lib/log.sqlite3'))
>>> redact("postgresql://u:secret@db/guihua")
'postgresql://u:***@db/guihua'
"""
from __future__ import annotations

import functools
import logging
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from .errors import AssistantError

log = logging.getLogger(__name__)

TABLES = {"answers": ("id", "ts", "session_id", "question", "answer", "refused", "cited_tasks", "route", "mode",
                      "ms", "client"),
          "feedback": ("ts", "answer_id", "rating", "comment"),
          "turns": ("ts", "session_id", "question", "resolved", "answer", "cited_tasks", "route"),
          # the review desk (assistant.annotations, assistant.web.desk): append-only, as the rest
          "answer_details": ("answer_id", "confidence", "citations"),
          "annotations": ("id", "ts", "question", "tasks", "sections", "decline", "author", "answer_id"),
          "annotation_removals": ("ts", "annotation_id", "author"),
          "judgments": ("ts", "answer_id", "verdict", "tasks", "sections", "author", "question", "answer",
                        "cited_tasks", "annotation_id")}

# (version, what it does, statements by dialect). Append only: a released step is never edited.
MIGRATIONS = [
    (1, "answers, feedback and chat turns", {
        "sqlite": [
            "CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, ts REAL NOT NULL, session_id TEXT,"
            " question TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL,"
            " route TEXT, mode TEXT, ms REAL, client TEXT)",
            "CREATE TABLE IF NOT EXISTS feedback (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL,"
            " answer_id TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT)",
            "CREATE TABLE IF NOT EXISTS turns (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, session_id TEXT NOT NULL,"
            " question TEXT NOT NULL, resolved TEXT NOT NULL, answer TEXT NOT NULL, cited_tasks TEXT NOT NULL,"
            " route TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, rowid)",
        ],
        "postgresql": [  # DOUBLE PRECISION: PostgreSQL's REAL is 4 bytes, too coarse for a Unix time
            "CREATE TABLE answers (id TEXT PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, session_id TEXT,"
            " question TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL,"
            " route TEXT, mode TEXT, ms DOUBLE PRECISION, client TEXT)",
            "CREATE TABLE feedback (rowid BIGSERIAL PRIMARY KEY, ts DOUBLE PRECISION NOT NULL,"
            " answer_id TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT)",
            "CREATE INDEX feedback_by_answer ON feedback (answer_id)",
            "CREATE TABLE turns (rowid BIGSERIAL PRIMARY KEY, ts DOUBLE PRECISION NOT NULL,"
            " session_id TEXT NOT NULL, question TEXT NOT NULL, resolved TEXT NOT NULL, answer TEXT NOT NULL,"
            " cited_tasks TEXT NOT NULL, route TEXT NOT NULL)",
            "CREATE INDEX turns_by_session ON turns (session_id, rowid)",
        ],
    }),
    (2, "the review desk: answer details, annotations, their removals, judgments", {
        "sqlite": [
            "CREATE TABLE IF NOT EXISTS answer_details (answer_id TEXT PRIMARY KEY, confidence REAL,"
            " citations TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS annotations (id TEXT PRIMARY KEY, ts REAL NOT NULL, question TEXT NOT NULL,"
            " tasks TEXT NOT NULL, sections TEXT NOT NULL, decline INTEGER NOT NULL, author TEXT NOT NULL,"
            " answer_id TEXT)",
            "CREATE TABLE IF NOT EXISTS annotation_removals (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL,"
            " annotation_id TEXT NOT NULL, author TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS judgments (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, answer_id TEXT,"
            " verdict TEXT NOT NULL, tasks TEXT NOT NULL, sections TEXT NOT NULL, author TEXT NOT NULL,"
            " question TEXT NOT NULL, answer TEXT, cited_tasks TEXT, annotation_id TEXT)",
            "CREATE INDEX IF NOT EXISTS judgments_by_answer ON judgments (answer_id, ts)",
            "CREATE INDEX IF NOT EXISTS answers_by_ts ON answers (ts)",
        ],
        "postgresql": [
            "CREATE TABLE answer_details (answer_id TEXT PRIMARY KEY, confidence DOUBLE PRECISION,"
            " citations TEXT NOT NULL)",
            "CREATE TABLE annotations (id TEXT PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, question TEXT NOT NULL,"
            " tasks TEXT NOT NULL, sections TEXT NOT NULL, decline INTEGER NOT NULL, author TEXT NOT NULL,"
            " answer_id TEXT)",
            "CREATE TABLE annotation_removals (rowid BIGSERIAL PRIMARY KEY, ts DOUBLE PRECISION NOT NULL,"
            " annotation_id TEXT NOT NULL, author TEXT NOT NULL)",
            "CREATE TABLE judgments (rowid BIGSERIAL PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, answer_id TEXT,"
            " verdict TEXT NOT NULL, tasks TEXT NOT NULL, sections TEXT NOT NULL, author TEXT NOT NULL,"
            " question TEXT NOT NULL, answer TEXT, cited_tasks TEXT, annotation_id TEXT)",
            "CREATE INDEX judgments_by_answer ON judgments (answer_id, ts)",
            "CREATE INDEX answers_by_ts ON answers (ts)",
        ],
    }),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
JOURNAL_MODE = "TRUNCATE"  # a rollback journal: no memory-mapped -shm (see the module's docstring)
ADVISORY_LOCK = 0x67756968  # "guih": one migrating process at a time on a shared PostgreSQL


class LogUnavailable(AssistantError):
    """The log cannot be opened or a row cannot be committed (disk full, read-only, locked, damaged, unreachable)."""

    message_zh = "记录暂时无法保存，请稍后再试。"


def target(spec: str | Path) -> str | Path:
    """A PostgreSQL URL as given, else the SQLite file (a path or a ``sqlite:///`` URL)."""
    if isinstance(spec, str):
        if spec.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
            return spec
        if spec.startswith("sqlite:///"):
            return Path(spec[len("sqlite:///"):] or ".")
        if re.match(r"^[a-z][a-z0-9+.-]*://", spec):
            raise ValueError(f"the database must be postgresql://… or a SQLite file, not {redact(spec)!r}")
    return Path(spec)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def open_database(spec: str | Path) -> "SQLite | Postgres":
    where = target(spec)
    return Postgres(where) if isinstance(where, str) else SQLite(where)


def _pending(current: int, dialect: str):
    for version, _, steps in MIGRATIONS:
        if version > current:
            yield version, steps[dialect]


class SQLite:
    """One SQLite file with a rollback journal and no memory mapping; several processes on one machine
    may share it (file locks)."""

    dialect = "sqlite"

    def __init__(self, path: Path, busy_timeout: float = 5.0):
        self.path, self.busy_timeout = Path(path), busy_timeout
        self._writer: sqlite3.Connection | None = None

    def __str__(self) -> str:
        return str(self.path)

    # --- opening (and healing) ------------------------------------------
    def prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not self.path.is_file():
                raise LogUnavailable(f"the log path {self.path} is not a file", f"日志路径不是文件：{self.path}")
            try:
                self._migrate()
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as e:  # not a database, or a damaged one: keep it, start afresh
                aside = self._move_aside()
                log.warning("THE LOG %s IS DAMAGED (%s): moved to %s; a new log is started", self.path, e, aside)
                self._migrate()
        except (OSError, sqlite3.Error) as e:
            raise LogUnavailable(f"cannot open the log {self.path}: {e}",
                                 f"无法打开或写入日志文件：{self.path}（{type(e).__name__}）") from e

    def _migrate(self) -> None:
        db = self.connect()
        db.isolation_level = None  # explicit transactions below
        try:
            self._leave_wal(db)
            check = db.execute("PRAGMA quick_check(1)").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check}")
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied REAL NOT NULL)")
            current = self._version(db)
            if current < SCHEMA_VERSION:  # an up-to-date log is not written to (it may be read-only)
                db.execute("BEGIN IMMEDIATE")  # the write lock: one process migrates, the others wait, then see it done
                try:
                    current = self._version(db)
                    for version, statements in _pending(current, self.dialect):
                        for sql in statements:
                            db.execute(sql)
                        db.execute("INSERT INTO schema_version VALUES (?, ?)", (version, time.time()))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            if current > SCHEMA_VERSION:
                log.warning("the log %s has schema version %d, newer than this release's %d", self.path, current,
                            SCHEMA_VERSION)
        finally:
            db.close()

    def _leave_wal(self, db: sqlite3.Connection) -> None:
        """A log written by an older release is in WAL mode (recorded in the file): switch it back to
        a rollback journal. That needs the file to itself; while another process (an older release in
        a rolling upgrade) keeps it open in WAL we go on in WAL and say so."""
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if mode == "wal":
            try:
                mode = db.execute(f"PRAGMA journal_mode={JOURNAL_MODE}").fetchone()[0]
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
            if mode == "wal":
                log.warning("the log %s stays in WAL mode while another process has it open; a crash (SIGBUS) "
                            "is then possible if its files stop taking writes", self.path)

    @staticmethod
    def _version(db: sqlite3.Connection) -> int:
        return db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(aside)
        for suffix in ("-journal", "-wal", "-shm"):
            extra = self.path.with_name(self.path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
        return aside

    def connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")  # other server processes may share it
        db.execute("PRAGMA mmap_size=0")  # no mapping, whatever the build's default: I/O errors stay errors
        db.row_factory = sqlite3.Row
        return db

    # --- writing (the log's writer thread only) --------------------------
    def insert(self, rows: list[tuple[str, tuple]]) -> None:
        """Insert ``(table, values)`` rows in one transaction and commit (fsynced) before returning."""
        if self._writer is None:
            self._writer = self.connect()
            # TRUNCATE with synchronous=FULL: the journal is fsynced before the file is written, the file
            # before the journal is truncated, and the truncation too, so a committed row survives a power
            # cut; BEGIN IMMEDIATE takes the write lock first (waiting on other processes up to busy_timeout)
            try:
                self._writer.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
            except sqlite3.OperationalError:  # still in WAL, held by another process (see _leave_wal)
                pass
            self._writer.execute("PRAGMA synchronous=FULL")
            self._writer.isolation_level = "IMMEDIATE"
        db = self._writer
        for attempt in range(3):
            try:
                with db:
                    for table, values in rows:
                        cols = TABLES[table]
                        verb = "INSERT OR REPLACE" if table == "answers" else "INSERT"
                        db.execute(f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                   values)
                return
            except sqlite3.OperationalError as e:  # locked beyond busy_timeout by another process: try again
                if attempt == 2 or "locked" not in str(e) and "busy" not in str(e):
                    raise
                time.sleep(0.1 * (attempt + 1))

    @staticmethod
    def unwritable(error: Exception) -> bool:
        """Errors about the database as a whole, not about one row."""
        text = str(error).lower()
        return isinstance(error, sqlite3.OperationalError) and any(
            w in text for w in ("full", "readonly", "read-only", "disk i/o", "locked", "busy", "unable to open"))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # --- reading (any thread) -------------------------------------------
    def known_answer(self, answer_id: str) -> bool:
        try:
            with closing(self.connect()) as db:
                return db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is not None
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e

    def turns(self, session_id: str, since: float, limit: int) -> list[dict]:
        try:
            with closing(self.connect()) as db:
                return [dict(r) for r in db.execute(
                    "SELECT question, resolved, answer, cited_tasks, route FROM turns"
                    " WHERE session_id = ? AND ts > ? ORDER BY rowid DESC LIMIT ?", (session_id, since, limit))]
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e

    def rows(self, table: str) -> list[dict]:
        with closing(self.connect()) as db:
            return [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY {_order(table)}")]

    def read(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read-only query (``?`` placeholders)."""
        try:
            with closing(self.connect()) as db:
                return [dict(r) for r in db.execute(sql, params)]
        except sqlite3.Error as e:
            raise LogUnavailable(f"cannot read the log: {e}") from e

    def export(self, table: str):
        """(header, rows) of the answers with their thumbs, or the feedback with its question; read-only."""
        if not self.path.is_file():
            raise FileNotFoundError(self.path)
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        if table == "answers":
            sql = ("SELECT a.id, datetime(a.ts, 'unixepoch') AS time, a.session_id, a.question, a.answer, a.refused,"
                   " a.cited_tasks, a.route, a.mode, a.ms, a.client,"
                   " SUM(f.rating = 'up') AS thumbs_up, SUM(f.rating = 'down') AS thumbs_down"
                   " FROM answers a LEFT JOIN feedback f ON f.answer_id = a.id GROUP BY a.id ORDER BY a.ts")
        else:
            sql = ("SELECT datetime(f.ts, 'unixepoch') AS time, f.answer_id, f.rating, f.comment, a.question"
                   " FROM feedback f LEFT JOIN answers a ON a.id = f.answer_id ORDER BY f.ts")
        try:
            cur = db.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            db.close()


class Postgres:
    """A PostgreSQL database shared by every app process on every machine (SQLAlchemy Core, psycopg 3)."""

    dialect = "postgresql"

    def __init__(self, url: str, pool_size: int = 4, connect_timeout: int = 5):
        self.url = url
        self._engine = None
        self.pool_size, self.connect_timeout = pool_size, connect_timeout

    def __str__(self) -> str:
        return redact(self.url)

    @property
    def engine(self):
        if self._engine is None:
            try:
                import psycopg  # noqa: F401
                from sqlalchemy import create_engine
            except ImportError as e:
                raise LogUnavailable(f"PostgreSQL needs the postgres extra: pip install 'guihua-assistant[postgres]' "
                                     f"({e})", "使用 PostgreSQL 需要先安装：pip install 'guihua-assistant[postgres]'") from e

            # SQLAlchemy reads a bare postgresql:// as psycopg2; we ship psycopg 3
            url = re.sub(r"^postgres(ql)?(\+psycopg)?:", "postgresql+psycopg:", self.url)
            self._engine = create_engine(
                url, pool_size=self.pool_size, max_overflow=8, pool_timeout=10, pool_pre_ping=True,
                connect_args={"connect_timeout": self.connect_timeout, "application_name": "guihua-assistant",
                              "options": "-c synchronous_commit=on"})
        return self._engine

    # --- opening ---------------------------------------------------------
    def prepare(self) -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as db:
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
                db.execute(text("CREATE TABLE IF NOT EXISTS schema_version"
                                " (version INTEGER PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)"))
                current = db.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one()
                for version, statements in _pending(current, self.dialect):
                    for sql in statements:
                        db.execute(text(sql))
                    db.execute(text("INSERT INTO schema_version VALUES (:v, :t)"), {"v": version, "t": time.time()})
        except (SQLAlchemyError, OSError) as e:
            raise LogUnavailable(f"cannot open the log database {self}: {type(e).__name__}: {_first_line(e)}",
                                 f"无法连接或写入日志数据库：{self}（{type(e).__name__}）") from e
        if current > SCHEMA_VERSION:
            log.warning("the log database %s has schema version %d, newer than this release's %d", self, current,
                        SCHEMA_VERSION)

    # --- writing ---------------------------------------------------------
    def insert(self, rows: list[tuple[str, tuple]]) -> None:
        """Insert the rows in one transaction, one multi-row INSERT a table; returns once PostgreSQL
        has committed it."""
        by_table: dict[str, dict] = {}
        for i, (table, values) in enumerate(rows):
            # an answer id twice in one batch: the later row wins, as with one INSERT after another
            key = values[0] if table == "answers" else i
            by_table.setdefault(table, {})[key] = dict(zip(TABLES[table], values))
        with self.engine.begin() as db:
            for table, params in by_table.items():
                db.execute(_insert(table), list(params.values()))

    @staticmethod
    def unwritable(error: Exception) -> bool:
        """The server as a whole refuses (down, unreachable, disk full, read-only, shutting down)."""
        from sqlalchemy import exc

        if isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)):
            return True
        state = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
        return state[:2] in ("08", "53", "57", "25")

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # --- reading ---------------------------------------------------------
    def _read(self, statement, params: dict | None = None) -> list[dict]:
        return [dict(zip(keys, row)) for keys, rows in [self._query(statement, params)] for row in rows]

    def _query(self, statement, params: dict | None = None) -> tuple[list[str], list[tuple]]:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as db:
                result = db.execute(statement, params or {})
                return list(result.keys()), [tuple(r) for r in result]
        except SQLAlchemyError as e:
            raise LogUnavailable(f"cannot read the log database {self}: {_first_line(e)}") from e

    def known_answer(self, answer_id: str) -> bool:
        from sqlalchemy import select

        t = _table("answers")
        return bool(self._read(select(t.c.id).where(t.c.id == answer_id)))

    def turns(self, session_id: str, since: float, limit: int) -> list[dict]:
        from sqlalchemy import column, select

        t = _table("turns")
        return self._read(select(t.c.question, t.c.resolved, t.c.answer, t.c.cited_tasks, t.c.route)
                          .where(t.c.session_id == session_id, t.c.ts > since)
                          .order_by(column("rowid").desc()).limit(limit))

    def rows(self, table: str) -> list[dict]:
        from sqlalchemy import text

        return self._read(text(f"SELECT * FROM {table} ORDER BY {_order(table)}"))

    def read(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read-only query written with SQLite's ``?`` placeholders (none inside literals)."""
        from sqlalchemy import text

        parts = sql.split("?")
        named = "".join(p + (f":p{i}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
        if len(parts) - 1 != len(params):
            raise ValueError(f"{len(parts) - 1} placeholders, {len(params)} parameters")
        return self._read(text(named), {f"p{i}": v for i, v in enumerate(params)})

    def export(self, table: str):
        from sqlalchemy import text

        time_of = "to_char(to_timestamp({}) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
        if table == "answers":
            sql = (f"SELECT a.id, {time_of.format('a.ts')} AS time, a.session_id, a.question, a.answer, a.refused,"
                   " a.cited_tasks, a.route, a.mode, a.ms, a.client,"
                   " SUM(CASE WHEN f.rating = 'up' THEN 1 END) AS thumbs_up,"
                   " SUM(CASE WHEN f.rating = 'down' THEN 1 END) AS thumbs_down"
                   " FROM answers a LEFT JOIN feedback f ON f.answer_id = a.id GROUP BY a.id ORDER BY a.ts")
        else:
            sql = (f"SELECT {time_of.format('f.ts')} AS time, f.answer_id, f.rating, f.comment, a.question"
                   " FROM feedback f LEFT JOIN answers a ON a.id = f.answer_id ORDER BY f.ts")
        return self._query(text(sql))


def _order(table: str) -> str:
    """The order rows() lists a table in: by time, or by answer id for answer_details (it has no time)."""
    return "answer_id" if table == "answer_details" else "ts"


def _table(name: str):
    """The lightweight SQLAlchemy Core table of one log table (its schema is in MIGRATIONS)."""
    from sqlalchemy import column, table

    return table(name, *(column(c) for c in TABLES[name]))


@functools.lru_cache(maxsize=None)
def _insert(name: str):
    from sqlalchemy.dialects.postgresql import insert

    stmt = insert(_table(name))
    if name == "answers":  # the same id again replaces the row, as SQLite's INSERT OR REPLACE does
        return stmt.on_conflict_do_update(index_elements=["id"],
                                          set_={c: stmt.excluded[c] for c in TABLES["answers"][1:]})
    return stmt


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
