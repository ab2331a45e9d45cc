"""LLM quiz items against the local OpenAI-compatible stub over real HTTP (the real openai client under
ChatOpenAI): valid items kept, invalid ones dropped and regenerated, failures fall back to offline items."""
from __future__ import annotations

import json
import subprocess

import pytest

from assistant.config import Config
from assistant.quiz import QuizMaker
from assistant.quiz.llm import ROUNDS
from quiz_helpers import assert_item_invariants, maker  # noqa: F401  (maker is a fixture)


@pytest.fixture(scope="module")
def llm_maker(maker, stub, tmp_path_factory):
    cfg = Config(home=tmp_path_factory.mktemp("quiz-llm-home"), progress=False, llm="openai",
                 llm_base_url=stub.base_url, llm_api_key="test-key", llm_model="stub-model", llm_timeout=2.0,
                 llm_max_retries=0)
    return QuizMaker(maker.plan, maker.analysis.tokenizer, cfg)


def wide(text: str) -> str:
    """As a model writes Chinese: full-width commas and “” quotes."""
    out, open_ = [], False
    for ch in text.replace(",", "，"):
        if ch == '"':
            out.append("”" if open_ else "“")
            open_ = not open_
        else:
            out.append(ch)
    return "".join(out)


def clauses(text: str) -> list[str]:
    return [c for c in text.rstrip("。").split(",") if c]


@pytest.fixture(scope="module")
def good(plan):
    """Four items a careful model would write about task 19, built from the plan's text."""
    s1 = plan.task(19).sentences[1].text  # 推进国家科普中心建设,建立应急科普专家委员会,…
    s4 = next(s.text for s in plan.task(19).sentences if "乡村振兴" in s.text)
    # one item a sentence: a short sentence for the statement, another long one for the multiple choice
    s2 = next(s.text for s in plan.task(19).sentences if s.text.startswith("深化全域科普工作试点"))
    whole = lambda c: not c.startswith(("通过", "以")) and not c.endswith("等")  # a measure, not a fragment
    s5 = next(s.text for s in plan.task(19).sentences[2:]
              if s.text not in (s1, s4) and len([c for c in clauses(s.text) if whole(c)]) >= 2)
    c1, c2, c4, c5 = clauses(s1), clauses(s2), clauses(s4), clauses(s5)
    foreign = [clauses(plan.task(t).sentences[1].text)[0] for t in (18, 20, 21)]
    assert not any(f in plan.task(19).text for f in foreign)
    word = next(w for w in ("应急科普专家委员会",) if w in s1)
    keys = [c for c in c5 if whole(c)][:2]
    assert len(keys) == 2
    return [
        {"kind": "blank", "stem": f"根据任务19的内容填空：“{wide(s1.replace(word, '____'))}”", "options": [],
         "answer": [word], "explanation": "见任务19。", "task": 19, "quote": s1},
        {"kind": "judge", "stem": f"判断正误：任务19提出“{c2[0]}”。", "options": ["正确", "错误"], "answer": ["正确"],
         "explanation": "原文如此。", "task": 19, "quote": s2},
        {"kind": "single", "stem": "下列哪一项是任务19提出的举措？", "options": [c4[1]] + foreign, "answer": [c4[1]],
         "explanation": "见任务19。", "task": 19, "quote": s4},
        {"kind": "multi", "stem": "下列哪些属于任务19的内容？（多选）", "options": keys + foreign[:2],
         "answer": keys, "explanation": "见任务19。", "task": 19, "quote": s5},
    ]


@pytest.fixture(scope="module")
def bad(plan, good):
    """Items the checks must drop: answer not in the quote, task 39, a distractor that is also true."""
    not_in_quote = dict(good[0], answer=["国家科技馆"])
    task_39 = dict(good[1], task=39)
    also_true = dict(good[2], options=[good[2]["answer"][0], clauses(plan.task(19).sentences[1].text)[1]]
                     + good[2]["options"][2:])
    return [not_in_quote, task_39, also_true]


def reply(items) -> str:
    return json.dumps({"items": items}, ensure_ascii=False)


def test_valid_items_are_kept(llm_maker, stub, good, plan):
    stub.script("reply", reply(good))
    before = len(stub.requests)
    quiz = llm_maker.make(tasks=[19], n=4, seed=1)
    assert quiz.source == "llm" and quiz.notice is None
    assert len(quiz.items) == 4 and all(i.source == "llm" and i.template == "llm" for i in quiz.items)
    assert sorted(i.kind for i in quiz.items) == sorted(g["kind"] for g in good)
    for item in quiz.items:
        assert_item_invariants(plan, item, 19)
    assert len(stub.requests) == before + 1
    request = stub.requests[-1]
    prompt = request["messages"][-1]["content"]
    assert plan.task(19).text in prompt and '"items"' in prompt  # the task text and the JSON schema
    assert request["model"] == "stub-model" and request.get("seed") == 1


def test_a_quote_copied_with_other_punctuation_is_stored_as_the_plan_writes_it(llm_maker, stub, good, plan):
    item = dict(good[0], quote=wide(good[0]["quote"]))
    assert item["quote"] not in plan.task(19).text
    stub.script("reply", reply([item]))
    quiz = llm_maker.make(tasks=[19], n=1, kinds="blank", seed=7)
    assert quiz.items[0].source == "llm" and quiz.items[0].quote == good[0]["quote"]


def test_invalid_items_are_dropped_and_the_model_asked_again(llm_maker, stub, good, bad):
    stub.script("reply", reply([]))
    stub.enqueue("reply", reply([good[0]] + bad))
    stub.enqueue("reply", reply([good[1]]))
    before = len(stub.requests)
    quiz = llm_maker.make(tasks=[19], n=2, kinds=("blank", "judge"), seed=2)
    assert len(stub.requests) == before + 2
    assert [i.stem for i in quiz.items] == [good[0]["stem"], good[1]["stem"]]
    assert all(i.source == "llm" for i in quiz.items)
    assert "国家科技馆" not in json.dumps([i.to_dict() for i in quiz.items], ensure_ascii=False)
    assert all(i.task == 19 for i in quiz.items)
    retry = stub.requests[-1]["messages"][-1]["content"]
    assert "没有通过核验" in retry and "39" in retry  # the reasons go back to the model
    assert quiz.notice and "舍弃" in quiz.notice and quiz.stats["llm items dropped"] == 3


def test_malformed_json_is_asked_again(llm_maker, stub, good):
    stub.script("reply", reply([]))
    stub.enqueue("reply", '好的，题目如下：{"items": [{"kind": "judge", "stem": ')
    stub.enqueue("reply", "```json\n" + reply([good[1]]) + "\n```")
    before = len(stub.requests)
    quiz = llm_maker.make(tasks=[19], n=1, kinds="judge", seed=3)
    assert len(stub.requests) == before + 2
    assert [i.stem for i in quiz.items] == [good[1]["stem"]] and quiz.items[0].source == "llm"
    assert quiz.stats["llm malformed replies"] == 1


def test_items_that_stay_invalid_are_replaced_by_offline_ones(llm_maker, stub, bad, plan):
    stub.script("reply", reply(bad))
    before = len(stub.requests)
    quiz = llm_maker.make(tasks=[19], n=3, seed=4)
    assert len(stub.requests) == before + ROUNDS  # bounded
    assert len(quiz.items) == 3 and all(i.source == "offline" for i in quiz.items)
    assert quiz.source == "offline" and "舍弃" in quiz.notice
    for item in quiz.items:
        assert_item_invariants(plan, item, 19)


def test_a_few_good_items_are_topped_up_offline(llm_maker, stub, good, plan):
    stub.script("reply", reply(good[:2]))
    quiz = llm_maker.make(tasks=[19], n=5, seed=5)
    assert len(quiz.items) == 5
    assert sum(i.source == "llm" for i in quiz.items) == 2 and "离线" in quiz.notice
    assert llm_maker.checker.check_quiz(quiz.items) == []


@pytest.mark.parametrize("script,why", [
    (dict(kind="status", status=500), "500"),
    (dict(kind="status", status=401), "401"),
    (dict(kind="slow", delay=4.0, text="{}"), "超时"),
    (dict(kind="garbage"), ""),
])
def test_endpoint_failure_falls_back_to_offline_items(llm_maker, stub, plan, script, why):
    stub.script(**script)
    quiz = llm_maker.make(tasks=[19], n=4, seed=6)
    assert len(quiz.items) == 4 and all(i.source == "offline" for i in quiz.items)
    assert quiz.source == "offline" and "离线" in quiz.notice and why in quiz.notice
    for item in quiz.items:
        assert_item_invariants(plan, item, 19)


def test_a_refused_connection_falls_back_too(maker, plan, tmp_path):
    cfg = Config(home=tmp_path, llm="openai", llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k",
                 llm_timeout=1.0, llm_max_retries=0)
    quiz = QuizMaker(maker.plan, maker.analysis.tokenizer, cfg).make(tasks=[23], n=3, seed=1)
    assert len(quiz.items) == 3 and "无法连接" in quiz.notice


def test_the_cli_writes_the_models_items(python, stub, good, tmp_path):
    stub.script("reply", reply(good[:1]))
    env = {"PATH": "/usr/bin:/bin", "ASSISTANT_HOME": str(tmp_path), "OPENAI_API_KEY": "k",
           "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([python, "-m", "assistant", "--llm", "openai", "--base-url", stub.base_url, "--model", "stub",
                          "quiz", "--task", "19", "-n", "1", "--kinds", "blank", "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["source"] == "llm" and data["items"][0]["answer"] == good[0]["answer"]
