"""Answering from an added plan alone: ``Assistant(plan=ID)`` and ``assistant ask --plan ID``.

One real index is built for the fictional city plan C (tests/plans) in a temporary home, once per module.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.cli import main
from assistant.config import Config
from assistant.errors import PlanRegistryError
from assistant.plans.importer import parse_file
from assistant.plans.registry import PlanStore

PLAN_C = Path(__file__).resolve().parent / "plans" / "C_qingzhu_city_plan.txt"


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Assistant:
    home = tmp_path_factory.mktemp("plan-home")
    PlanStore(home).add(parse_file(PLAN_C), "qingzhu")
    return Assistant(Config(home=home, progress=False), plan="qingzhu")


def test_the_added_plan_has_its_own_index_and_collections(city):
    home = city.config.home
    assert city.config.index_dir == home / "plans" / "qingzhu" / "index"
    assert (city.config.index_dir / "version.json").is_file()
    assert not (home / "index").exists()  # the bundled plan's index was not built or touched
    names = {c.name for c in city.index.client.list_collections()}
    own = [n for n in names if n.startswith(tuple(f"{c}-" for c in city.config.collections))]
    assert len(own) == 2 and not any(n.startswith("plan_passages") for n in names)  # its own build, not the bundled one
    assert city.plan.task_count == 19 and len(city.plan.parts) == 5


def test_a_task_by_number_is_quoted_from_the_added_plan(city):
    answer = city.ask("第12项任务要求什么？")
    assert not answer.refused
    assert {c.task for c in answer.citations} == {12}
    assert city.plan.task(12).label == "任务12 三(四)(1) 建立决策咨询专家库"
    for c in answer.citations:
        assert c.quote in city.plan.text


def test_a_topic_finds_its_task(city):
    answer = city.ask("三长制是怎么推行的？")
    assert not answer.refused and answer.citations[0].task == 16  # 四(一)(1) 全面推行“三长”制


def test_the_plan_period_it_names_is_not_declined(city):
    answer = city.ask("十五五期间全市科普方面有哪些任务？")
    assert not answer.refused and answer.citations


def test_numbers_and_parts_it_does_not_have_are_declined_with_its_own_counts(city):
    answer = city.ask("第25项任务是什么？")
    assert answer.refused and "规划共有19项重点任务" in answer.text
    assert city.ask("第八部分讲了什么？").refused


def test_an_unknown_plan_id(tmp_path):
    with pytest.raises(PlanRegistryError, match="no added plan with id 'nope'"):
        Assistant(Config(home=tmp_path, progress=False), plan="nope")


def test_ask_plan_on_the_command_line(city, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_HOME", str(city.config.home))
    assert main(["ask", "--plan", "qingzhu", "--json", "第2项任务是什么"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {c["task"] for c in data["citations"]} == {2} and "科技工作者服务中心" in data["text"]
    assert main(["ask", "--plan", "nope", "任务2"]) == 1
    assert "没有编号为“nope”的规划" in capsys.readouterr().err


def test_eval_plan(city, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_HOME", str(city.config.home))
    questions = tmp_path / "q.jsonl"
    items = [("c1", "第12项任务要求什么？", [12], ["专家库"], False), ("c2", "三长制怎么推行？", [16], [], False),
             ("c3", "日本的科技规划怎么规定的？", [], [], True)]
    questions.write_text("\n".join(json.dumps(
        {"id": i, "category": "refuse" if r else "task", "question": q, "gold_tasks": g, "gold_sections": [],
         "all_gold": False, "answer_contains": a, "must_refuse": r}, ensure_ascii=False)
        for i, q, g, a, r in items) + "\n", "utf-8")
    out = tmp_path / "eval.json"
    assert main(["eval", "--plan", "qingzhu", "--questions", str(questions), "--json", str(out)]) == 0
    ours = json.loads(out.read_text("utf-8"))["systems"]["ours"]
    assert (ours["n"], ours["hit@1"], ours["refusal_recall"], ours["false_refusal"]) == (3, 1.0, 1.0, 0.0)
    capsys.readouterr()
    assert main(["eval", "--plan", "qingzhu"]) == 2  # the bundled gold sets are not about this plan
    assert "--questions" in capsys.readouterr().err
