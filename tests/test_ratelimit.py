"""The rate limit shared by the processes of one machine through a SQLite file beside the log."""
from __future__ import annotations

import multiprocessing
import time

from assistant.web.guard import SharedTokenBucket, TokenBucket


def _take_all(path, n, out):
    bucket = SharedTokenBucket(path, 0.6, 10)  # 10 at once, then one every 100 s
    out.put(sum(bucket.take("ip:203.0.113.9") == 0 for _ in range(n)))


def test_two_processes_share_one_burst(tmp_path):
    path = tmp_path / "log.sqlite3-ratelimit"
    out = multiprocessing.get_context("spawn").Queue()
    procs = [multiprocessing.get_context("spawn").Process(target=_take_all, args=(path, 10, out)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    allowed = [out.get(timeout=10) for _ in procs]
    assert sum(allowed) == 10, allowed  # per process it would be 20


def test_the_shared_bucket_refills_like_the_in_process_one(tmp_path):
    shared, local = SharedTokenBucket(tmp_path / "rate", 60, 3), TokenBucket(60, 3)
    for bucket in (shared, local):
        now = time.time()  # the shared one keeps wall-clock times (any process may read them)
        waits = [bucket.take("k", now=now + t) for t in (0, 0, 0, 0, 0.5, 1.0, 2.2)]
        assert [w == 0 for w in waits] == [True, True, True, False, False, True, True], waits
        assert 0.9 <= waits[3] <= 1.0  # a token a second: the fourth waits about a second


def test_an_unusable_file_lets_requests_through_and_counts_it(tmp_path):
    (tmp_path / "a-file").write_text("x")
    bucket = SharedTokenBucket(tmp_path / "a-file" / "rate", 60, 1)  # its folder is a file
    assert [bucket.take("k") for _ in range(5)] == [0.0] * 5  # a broken counter does not stop answering
    assert bucket.failures == 5 and bucket.last_error
