"""Follow-up questions in offline mode, and the terminal chat."""
from __future__ import annotations

import subprocess

from assistant.text import compact


def test_pronoun_refers_to_the_last_task(bot, plan, invariants):
    chat = bot.conversation()
    chat.ask("第9项任务是什么")
    answer = chat.ask("它提到要培育什么专业人才？")
    invariants(answer)
    assert answer.cited_tasks[0] == 9
    assert "技术经理人" in plan.task(9).text and "技术经理人" in compact(answer.text)


def test_ordinal_after_a_term_list_picks_that_task(bot, plan, invariants):
    chat = bot.conversation()
    listing = chat.ask("哪些任务提到了知识产权")
    expected = [t.task for t in plan.tasks if "知识产权" in t.text]
    assert listing.cited_tasks[: len(expected)] == expected
    answer = chat.ask("第二个讲了什么")
    invariants(answer)
    assert answer.cited_tasks[0] == expected[1]


def test_next_and_previous_move_along_the_tasks(bot):
    chat = bot.conversation()
    chat.ask("任务20讲什么")
    assert chat.ask("下一项呢？").cited_tasks[0] == 21
    assert chat.ask("上一个呢？").cited_tasks[0] == 20


def test_an_explicit_reference_needs_no_context(bot):
    chat = bot.conversation()
    chat.ask("第19项任务是什么")
    assert chat.ask("那第5项呢").cited_tasks[0] == 5
    assert chat.ask("那第40项呢").refused


def test_conversations_are_independent_and_bounded(bot):
    a, b = bot.conversation(max_turns=3), bot.conversation()
    a.ask("第19项任务是什么")
    b.ask("第2项任务是什么")
    assert a.ask("它要建立什么委员会？").cited_tasks[0] == 19
    assert b.ask("它提到哪些奖？").cited_tasks[0] == 2
    for n in (3, 4, 5, 6):
        a.ask(f"第{n}项任务")
    assert len(a.history) == 3


def test_a_first_question_is_answered_as_is(bot):
    assert bot.conversation().ask("它具体怎么落实？").question == "它具体怎么落实？"


def test_terminal_chat_reads_lines_until_eof(python, subprocess_env):
    run = subprocess.run([python, "-m", "assistant", "chat"], input="第19项任务是什么\n它要建立什么委员会？\n\n",
                         capture_output=True, text=True, env=subprocess_env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("[任务19]") >= 2
    assert "应急科普专家委员会" in run.stdout
