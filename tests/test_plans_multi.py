"""Several plans loaded at once (issue 16, phase 2): routing by plan name, per-plan task numbers,
comparisons citing each plan, the plan on citations and markers, pinning, quizzes per plan.

The plans are the bundled one and the fictional plans A (PDF, 江临省, 28 tasks) and C (TXT, 青渚市,
19 tasks) from tests/plans, indexed once per session (``plans_home`` in conftest).
"""
from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant
from assistant.cli import main
from assistant.config import Config
from assistant.errors import PlanRegistryError

A_TITLE = "江临省科学技术协会事业发展“十五五”规划（2026—2030年）"
C_TITLE = "青渚市科学技术协会“十五五”发展规划（2026—2030年）"


def _texts(bot):
    return {pid: member.plan.text for pid, member in bot.shelf.members.items()}


def _assert_cited_from(bot, answer, plan_id):
    """Every citation is the plan's, quoted verbatim from its text, and its marker carries the plan."""
    texts = _texts(bot)
    tag = bot.shelf._names[plan_id].tag
    assert answer.citations
    for c in answer.citations:
        assert c.plan == plan_id and c.plan_title == bot.shelf._names[plan_id].title
        assert texts[plan_id][c.start:c.end] == c.quote
        assert c.marker.startswith(f"[{tag}·")
    for marker in re.findall(r"\[[^\[\]]+\]", answer.text):
        assert marker.startswith(f"[{tag}·"), marker


def test_the_served_plans_and_the_default(plans_bot):
    plans = plans_bot.plans()
    assert [p["id"] for p in plans] == ["bundled", "jiangling", "qingzhu"]
    assert [p["default"] for p in plans] == [True, False, False]
    assert [p["tasks"] for p in plans] == [38, 28, 19]
    assert plans[1]["title"] == A_TITLE and plans[2]["title"] == C_TITLE
    assert plans[0]["tag"] == "十四五"


def test_a_question_naming_no_plan_goes_to_the_default(plans_bot):
    answer = plans_bot.ask("第19项任务要求什么？")
    assert answer.plan == "bundled" and answer.cited_tasks == [19]
    _assert_cited_from(plans_bot, answer, "bundled")
    assert "[十四五·任务19]" in answer.text


@pytest.mark.parametrize("question, plan_id, task", [
    ("江临省规划第17项任务讲的是什么？", "jiangling", 17),
    ("省科协规划第24条的标题是什么？", "jiangling", 24),
    ("jiangling第3项任务是什么", "jiangling", 3),
    ("青渚市规划第12项任务要求什么？", "qingzhu", 12),
    ("市里的规划怎么推行“三长”制？", "qingzhu", 16),
    ("省里的规划怎么推行“三长”制？", "jiangling", 22),
    ("十四五规划第19项任务要求什么？", "bundled", 19),
])
def test_a_question_naming_a_plan_goes_to_that_plan(plans_bot, question, plan_id, task):
    answer = plans_bot.ask(question)
    assert not answer.refused, answer.text
    assert answer.plan == plan_id and answer.cited_tasks[0] == task
    _assert_cited_from(plans_bot, answer, plan_id)


def test_province_plan_on_science_popularisation(plans_bot):
    answer = plans_bot.ask("省里的规划对科普有什么要求")
    assert answer.plan == "jiangling" and not answer.refused
    _assert_cited_from(plans_bot, answer, "jiangling")


def test_pinning_a_plan_overrides_the_names_in_the_question(plans_bot):
    answer = plans_bot.ask("第19项任务要求什么？", plan="jiangling")
    assert answer.plan == "jiangling" and answer.cited_tasks == [19]
    assert plans_bot.shelf.members["jiangling"].plan.task(19).title in answer.text
    _assert_cited_from(plans_bot, answer, "jiangling")


def test_an_unknown_plan_is_refused_listing_the_loaded_ones(plans_bot):
    with pytest.raises(PlanRegistryError) as e:
        plans_bot.ask("第19项任务要求什么？", plan="shanghai")
    assert "bundled, jiangling, qingzhu" in str(e.value) and "shanghai" in e.value.message_zh


def test_a_task_number_one_plan_lacks_is_declined_for_that_plan(plans_bot):
    answer = plans_bot.ask("青渚市规划第25项任务是什么？")
    assert answer.refused and answer.plan == "qingzhu"
    assert answer.text.startswith(f"《{C_TITLE}》共有19项重点任务，没有第25项")
    # the same number is answered by the plan that has it
    for question, plan_id in (("江临省规划第25项任务是什么？", "jiangling"), ("第25项任务是什么？", "bundled")):
        answer = plans_bot.ask(question)
        assert not answer.refused and answer.plan == plan_id and answer.cited_tasks == [25]


def test_a_default_plan_that_lacks_a_number_points_to_the_plans_that_have_it(plans_home, plans_bot):
    bot = Assistant(Config(home=plans_home, progress=False, default_plan="qingzhu"))
    assert [p["id"] for p in bot.plans() if p["default"]] == ["qingzhu"]
    answer = bot.ask("第25项任务是什么？")
    assert answer.refused and answer.plan == "qingzhu"
    assert "共有19项重点任务，没有第25项" in answer.text
    assert f"《{A_TITLE}》（编号 jiangling）有第25项任务" in answer.text
    assert "（编号 bundled）有第25项任务" in answer.text
    answer = bot.ask("第12项任务要求什么？")  # the default plan's own numbering
    assert answer.plan == "qingzhu" and answer.cited_tasks == [12]


def test_a_comparison_cites_each_plan_in_its_own_block(plans_bot):
    answer = plans_bot.ask("十四五规划和江临省规划对科普队伍的要求有什么不同？")
    assert answer.route == "compare" and answer.plan is None and answer.plans == ["bundled", "jiangling"]
    assert {c.plan for c in answer.citations} == {"bundled", "jiangling"}
    texts = _texts(plans_bot)
    for c in answer.citations:
        assert texts[c.plan][c.start:c.end] == c.quote
    blocks = answer.text.split("\n\n")
    assert blocks[1].startswith("【十四五】") and blocks[2].startswith("【jiangling】")
    # each block cites its own plan only, and the science-popularisation workforce tasks of both
    assert "[十四五·任务21]" in blocks[1] and "jiangling·" not in blocks[1]
    assert "[jiangling·任务17]" in blocks[2] and "十四五·" not in blocks[2]


def test_two_plans_loaded_compare_without_naming_them(plans_home, plans_bot):
    bot = Assistant(Config(home=plans_home, progress=False, plans=("bundled", "jiangling")))
    assert [p["id"] for p in bot.plans()] == ["bundled", "jiangling"]
    answer = bot.ask("两个规划对科普队伍的要求有什么不同")
    assert answer.route == "compare" and answer.plans == ["bundled", "jiangling"]
    assert [c.plan for c in answer.citations if c.task == 21] and [c for c in answer.citations if c.plan == "jiangling"]


def test_a_follow_up_stays_in_the_plan_it_follows(plans_bot):
    conv = plans_bot.conversation()
    first = conv.ask("江临省规划第17项任务讲的是什么？")
    assert first.plan == "jiangling"
    follow = conv.ask("它具体怎么落实？")
    assert follow.plan == "jiangling" and follow.cited_tasks[:1] == [17]
    pinned = plans_bot.conversation(plan="qingzhu").ask("第12项任务要求什么？")
    assert pinned.plan == "qingzhu" and pinned.cited_tasks == [12]


def test_with_one_plan_markers_are_unchanged_and_citations_still_name_the_plan(bot):
    answer = bot.ask("第19项任务要求什么？")
    assert [p["id"] for p in bot.plans()] == ["bundled"]
    assert "[任务19]" in answer.text and "·" not in answer.text
    assert {c.plan for c in answer.citations} == {"bundled"} and {c.marker for c in answer.citations} == {"[任务19]"}


def test_quiz_per_plan(plans_bot):
    quiz = plans_bot.quiz(tasks=[12], n=3, kinds=("single", "judge"), seed=7, plan="qingzhu")
    assert quiz.plan == "qingzhu" and quiz.items
    text = plans_bot.shelf.members["qingzhu"].plan.text
    for item in quiz.items:
        assert item.quote in text
    assert plans_bot.quiz(tasks=[19], n=2, seed=7).plan == "bundled"


def test_quiz_cli_per_plan(plans_home, capsys):
    assert main(["--home", str(plans_home), "quiz", "--plan", "jiangling", "--task", "17", "-n", "3",
                 "--format", "json", "--seed", "3"]) == 0
    quiz = json.loads(capsys.readouterr().out)
    assert quiz["plan"] == "jiangling" and quiz["tasks"] == [17] and quiz["items"]
    text = (plans_home / "plans" / "jiangling" / "plan.txt").read_text("utf-8")
    assert all(item["quote"] in text for item in quiz["items"])
    assert main(["--home", str(plans_home), "quiz", "--plan", "jiangling", "--task", "30"]) == 1
    assert "共有28项重点任务" in capsys.readouterr().err
    assert main(["--home", str(plans_home), "quiz", "--plan", "nowhere"]) == 1
    assert "nowhere" in capsys.readouterr().err


def test_routing_rules_without_an_index():
    """naming.route alone: what counts as several plans, a reference plan, a shared period."""
    from assistant.plans.naming import PlanNames, route

    names = [PlanNames.derive("bundled", '中国科学技术协会事业发展"十四五"规划（2021—2025年）', bundled=True),
             PlanNames.derive("jiangling", A_TITLE), PlanNames.derive("qingzhu", C_TITLE),
             PlanNames.derive("xuehui", "中国数字孪生工程学会“十五五”发展规划（2026—2030年）")]
    for question in ("这个规划是哪天通过的？", "这份规划是依据哪些文件编制的？", "第19项任务要求什么？"):
        assert (route(question, names, "bundled").plans, route(question, names, "bundled").compare) == (
            ["bundled"], False), question
    several = route("各个规划对科普队伍有什么要求", names, "bundled")
    assert several.compare and several.plans == ["bundled", "jiangling", "qingzhu", "xuehui"]
    assert several.question == "科普队伍有什么要求"  # what each plan is asked
    # the plan a question only measures against is not the one it asks about
    assert route("和省里的规划比，学会规划对标准工作写得更细，是在哪一节？", names, "bundled").plans == ["xuehui"]
    assert route("省里的规划和市里的规划都提到“三长”制，市里的规划写在第几条？", names, "bundled").plans == ["qingzhu"]
    # a period three plans share names all three; the bundled plan's own period names it
    assert route("十五五规划第19项是什么", names, "bundled").plans == ["jiangling", "qingzhu", "xuehui"]
    assert route("十四五规划第19项是什么", names, "jiangling").plans == ["bundled"]
