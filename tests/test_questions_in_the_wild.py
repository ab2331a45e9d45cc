"""Ordinary questions that once went wrong: routing, false refusals, figures.

Expectations come from the plan's structure and text, never from the
system's own output.
"""
from __future__ import annotations

import re

import pytest

from assistant.text import compact


def _tasks_of(plan, numeral):
    return [t.task for t in plan.part(numeral).tasks]


@pytest.mark.parametrize("question", ["任务一共有多少项？", "重点任务一共有几项"])
def test_count_questions_starting_with_renwu_give_the_count(bot, plan, invariants, question):
    answer = bot.ask(question)
    invariants(answer)
    assert not answer.refused
    assert str(plan.task_count) in answer.text.splitlines()[0]


@pytest.mark.parametrize("question,expected", [
    ("任务19、20的内容", [19, 20]), ("第19、20项", [19, 20]), ("task 19 和 task 20 有什么区别", [19, 20]),
    ("第38项任务是什么", [38]), ("第三十八项任务有哪些内容", [38]),
])
def test_listed_tasks_are_all_answered_and_only_them(bot, invariants, question, expected):
    answer = bot.ask(question)
    invariants(answer)
    assert not answer.refused
    assert answer.cited_tasks == expected


def test_nth_task_of_a_part(bot, plan, invariants):
    answer = bot.ask("第五部分的第2项任务是什么")
    invariants(answer)
    assert answer.cited_tasks == [_tasks_of(plan, "五")[1]]


@pytest.mark.parametrize("question,section", [("第二部分第三节讲什么", "二(三)"), ("第二部分(一)是什么", "二(一)"),
                                              ("规划的指导思想是什么", "二(一)")])
def test_sub_section_questions_cite_the_sub_section(bot, invariants, question, section):
    answer = bot.ask(question)
    invariants(answer)
    assert answer.citations and answer.citations[0].section == section


@pytest.mark.parametrize("question", [
    "从现在起到2025年，科普工作的重点是什么？",
    "十三五时期科协事业取得了哪些成就？",
    "规划对大学生有哪些科普计划？",
    "规划如何维护科技工作者的工资待遇等合法权益？",
    "谁是科协联系和服务的对象？",
    "规划中提到“两个维护”吗",
    "规划有没有提到科学普及",
    "社区大学在科普设施建设中起什么作用？",
])
def test_legitimate_questions_are_not_refused(bot, invariants, question):
    answer = bot.ask(question)
    invariants(answer)
    assert not answer.refused, answer.reason


@pytest.mark.parametrize("question,fact", [
    ("到2025年公民具备科学素质的比例要达到多少？", "15%"),
    ("2020年我国公民具备科学素质的比例是多少", "10.56%"),
    ("规划是什么时候印发的？", "2021年8月30日"),
    ("印发规划的通知文号是多少", "科协发智字〔2021〕30号"),
])
def test_figure_questions_quote_the_sentence_with_the_figure(bot, plan_text, invariants, question, fact):
    assert fact in compact(plan_text)
    answer = bot.ask(question)
    invariants(answer)
    assert not answer.refused
    assert any(fact in compact(c.quote) for c in answer.citations)


@pytest.mark.parametrize("question", ["规划要求每个县级科协至少配备多少名专职工作人员？",
                                      "创新枢纽试点城市名单里都有哪些城市？"])
def test_figures_the_plan_never_gives_are_declined_with_the_related_text(bot, invariants, question):
    answer = bot.ask(question)
    invariants(answer)
    assert answer.refused
    assert answer.text.startswith("规划中没有给出")


@pytest.mark.parametrize("question,term", [("哪些任务提到了xx", "xx"), ("规划里有没有提到区块链", "区块链")])
def test_terms_the_plan_never_uses_are_refused(bot, plan_text, invariants, question, term):
    assert term not in plan_text
    answer = bot.ask(question)
    invariants(answer)
    assert answer.refused and answer.cited_tasks == []


def test_term_scan_finds_sections_as_well_as_tasks(bot, plan, invariants):
    answer = bot.ask("规划中提到“两个维护”吗")
    invariants(answer)
    holders = {n.id for n in plan.nodes if "两个维护" in n.text}
    assert holders and {c.node_id for c in answer.citations} == holders


def test_two_quoted_terms_are_both_scanned(bot, plan, invariants):
    answer = bot.ask('有没有提到"科普中国"和"科创中国"')
    invariants(answer)
    for term in ("科普中国", "科创中国"):
        expected = {t.task for t in plan.tasks if term in t.text}
        assert expected <= set(answer.cited_tasks)


def test_word_level_matches_do_not_claim_the_phrase(bot, plan_text, invariants):
    assert "科技人才培养" not in plan_text
    answer = bot.ask("哪些任务提到了科技人才培养")
    invariants(answer)
    assert not re.search(r"有\d+处提到“科技人才培养”", answer.text)
