"""`assistant eval` end to end on small gold files: exit codes, JSON, reports."""
from __future__ import annotations

import json
import subprocess

import pytest

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

QUESTIONS = [
    {"id": "t-1", "category": "task_number", "question": "第19项任务要求什么？", "gold_tasks": [19],
     "gold_sections": [], "all_gold": False, "answer_contains": ["应急科普专家委员会"], "must_refuse": False},
    {"id": "t-2", "category": "aggregate", "question": "哪些任务涉及乡村振兴", "gold_tasks": [11, 19],
     "gold_sections": [], "all_gold": True, "answer_contains": [], "must_refuse": False},
    {"id": "t-3", "category": "refuse", "question": "今天北京天气怎么样", "gold_tasks": [], "gold_sections": [],
     "all_gold": False, "answer_contains": [], "must_refuse": True},
    {"id": "t-4", "category": "conversation", "question": "它呢", "turns": ["第19项", "它呢"], "gold_tasks": [19],
     "gold_sections": [], "all_gold": False, "answer_contains": [], "must_refuse": False},
]


def _write(path, items):
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", "utf-8")
    return path


def _eval(python, env, *args):
    return subprocess.run([python, "-m", "assistant", "eval", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, python, subprocess_env):
    d = tmp_path_factory.mktemp("eval")
    questions = _write(d / "q.jsonl", QUESTIONS)
    thresholds = d / "t.toml"
    thresholds.write_text('[ours]\n"hit@1_min" = 1.0\nrefusal_recall_min = 1.0\n', "utf-8")
    run = _eval(python, subprocess_env, "--questions", questions, "--thresholds", thresholds,
                "--report", d / "report", "--json", d / "out.json")
    return d, run


def test_passing_run_exits_0_and_writes_every_output(small_run):
    d, run = small_run
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    data = json.loads((d / "out.json").read_text("utf-8"))
    assert set(data["systems"]) == {"ours", "naive_langchain", "bm25", "dense"}
    for key in ("hit@1", "hit@5", "mrr@10", "ndcg@10"):
        assert key in data["systems"]["ours"]
    ids = [q["id"] for q in data["per_question"]]
    assert ids == ["t-1", "t-2", "t-3", "t-4"]
    assert data["per_question"][3]["cited_tasks"][0] == 19  # "它呢" after "第19项": asked in a conversation
    first = data["per_question"][0]
    assert first["retrieved_tasks"][0] == 19 and first["cited_tasks"][0] == 19
    assert all(isinstance(s["supported"], bool) for s in first["sentences"]) and first["sentences"]
    assert data["per_question"][2]["refused"] is True
    assert (d / "report" / "report.md").read_text("utf-8").startswith("# 评测报告")
    html = (d / "report" / "report.html").read_text("utf-8")
    assert "<svg" in html and "naive_langchain" in html


def test_a_missed_threshold_exits_1(tmp_path, python, subprocess_env):
    questions = _write(tmp_path / "q.jsonl", QUESTIONS[:1])
    (tmp_path / "t.toml").write_text('[ours]\nlatency_p50_ms_max = 0.0001\n', "utf-8")
    run = _eval(python, subprocess_env, "--questions", questions, "--thresholds", tmp_path / "t.toml")
    assert run.returncode == 1
    assert "latency_p50_ms" in run.stderr


@pytest.mark.parametrize("content", ["not json\n", '{"id": "x"}\n'])
def test_a_malformed_gold_file_exits_2(tmp_path, python, subprocess_env, content):
    (tmp_path / "q.jsonl").write_text(content, "utf-8")
    run = _eval(python, subprocess_env, "--questions", tmp_path / "q.jsonl")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_a_missing_gold_file_exits_2(tmp_path, python, subprocess_env):
    run = _eval(python, subprocess_env, "--questions", tmp_path / "nope.jsonl")
    assert run.returncode == 2 and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["everyday_dev", "everyday_dev2", "everyday_dev3", "everyday_dev4", "everyday_dev5",
                                  "everyday_dev6", "everyday_dev7", "everyday_dev8", "everyday_dev9",
                                  "everyday_test", "everyday_lists_test"])
def test_everyday_gold_is_checked_against_the_plan(plan, name):
    """Each gold task of the blind everyday sets comes with a verbatim passage of that task."""
    from assistant.evaluation import load_gold

    items = load_gold(REPO / "eval" / f"{name}.jsonl")
    assert len(items) >= (50 if "dev9" in name or "lists" in name else 90)  # the list split is 50 + 50
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        if item["must_refuse"]:
            assert not item["gold_tasks"], item["id"]
            continue
        assert item["gold_tasks"] or item["gold_sections"], item["id"]
        for n, evidence in zip(item["gold_tasks"], item.get("evidence", [])):
            assert evidence in plan.task(n).text, (item["id"], n, evidence)
        for fact in item["answer_contains"]:
            assert fact in plan.text, (item["id"], fact)
        assert item.get("turns", [item["question"]])[-1] == item["question"]
