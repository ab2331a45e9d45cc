"""The SQLite log's journal: no memory-mapped file, so files that stop taking writes are errors, not a crash."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path


from assistant.store import Log

REPO = Path(__file__).resolve().parents[1]


def _answer(log: Log, i: int) -> None:
    log.answer(f"{i:032d}", None, f"q{i}", "a", False, [1], "task", "extractive", 1.0, "t")


def test_the_log_keeps_a_rollback_journal_and_maps_nothing(tmp_path):
    path = tmp_path / "log.sqlite3"
    log = Log(path)
    _answer(log, 1)
    log.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    assert not list(tmp_path.glob("*-shm")) and not list(tmp_path.glob("*-wal"))


def test_a_wal_log_from_an_older_release_is_switched_back_with_its_rows(tmp_path):
    path = tmp_path / "log.sqlite3"
    log = Log(path)
    _answer(log, 1)
    log.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"  # as the release before did
    db.close()
    log = Log(path)
    _answer(log, 2)
    log.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not WAL (a per-connection setting now)
    assert [r["question"] for r in Log(path).rows("answers")] == ["q1", "q2"]


def test_a_wal_log_held_open_elsewhere_stays_wal_with_a_warning(tmp_path, caplog):
    path = tmp_path / "log.sqlite3"
    Log(path).close()
    other = sqlite3.connect(path)  # an older release in a rolling upgrade, reading in WAL
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM answers").fetchone()
    log = Log(path)
    _answer(log, 1)
    log.close()
    other.rollback()
    assert "stays in WAL mode" in caplog.text
    assert len(Log(path).rows("answers")) == 1


IMMUTABLE = textwrap.dedent("""
    import subprocess, sys
    from pathlib import Path
    from assistant.store import Log, LogUnavailable
    path = Path(sys.argv[1])
    log = Log(path)
    log.answer("a" * 32, None, "q", "a", False, [1], "task", "extractive", 1.0, "t")
    files = [str(f) for f in path.parent.glob("log.sqlite3*")]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        log.feedback("a" * 32, "up", "x", timeout=10)
        print("written")
    except LogUnavailable as e:
        print("refused:", e)
    print("known:", log.known_answer("a" * 32), "health:", log.health()["ok"])
    log.close()
""")


def test_immutable_log_files_are_an_error_not_a_crash(tmp_path, chattr):
    """Under WAL this child died of SIGBUS (-7) on its first read after chattr +i."""
    path = tmp_path / "log" / "log.sqlite3"
    path.parent.mkdir()
    try:
        r = subprocess.run([sys.executable, "-c", IMMUTABLE, str(path)], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        subprocess.run(["chattr", "-i", *map(str, path.parent.glob("log.sqlite3*"))], check=True)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert "refused:" in r.stdout and "known: True health: False" in r.stdout, r.stdout
    assert [row["id"] for row in Log(path).rows("answers")] == ["a" * 32]
