"""The checks reject items broken by hand: each break is made on a real, valid item, which must pass
first (so a test here fails if the checker rejects everything or accepts anything)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.quizcheck import display
from assistant.quizmodels import QuizItem
from quiz_helpers import maker  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def items(maker):
    """Valid items of every kind and form, from several tasks."""
    pool = [i for t in (12, 19, 23, 27) for i in maker.make(tasks=[t], n=12, seed=t).items]
    pool += maker.make(part="六", n=20, seed=2).items
    for item in pool:
        assert maker.checker.check(item) == [], item
    return pool


def first(items, test):
    found = next((i for i in items if test(i)), None)
    assert found is not None, "no item of this form was generated"
    return found


def rejected(maker, item, words: str = "") -> list[str]:
    problems = maker.checker.check(item)
    assert problems, f"the broken item passed: {item}"
    if words:
        assert any(words in p for p in problems), problems
    return problems


# --- the answer must be verifiable in the quote ---------------------------------------------------
def test_a_blank_whose_answer_is_not_in_the_quote(maker, items):
    item = first(items, lambda i: i.kind == "blank")
    rejected(maker, replace(item, answer=["新闻发布会"]), "does not fill the blank")


def test_a_single_choice_whose_answer_is_not_in_the_quote(maker, items):
    item = first(items, lambda i: i.template.startswith("single.belongs"))
    wrong = next(o for o in item.options if o not in item.answer)
    rejected(maker, replace(item, answer=[wrong]), "not in the quote")


def test_a_true_statement_that_the_quote_does_not_say(maker, items):
    item = first(items, lambda i: i.kind == "judge" and i.answer == ["正确"])
    statement = max(item.stem.split("“"), key=len).split("”")[0]
    rejected(maker, replace(item, stem=item.stem.replace(statement, statement[:-2] + "工作")))


def test_a_quote_that_is_not_verbatim_or_not_in_the_cited_task(maker, items, plan):
    item = first(items, lambda i: i.kind == "blank")
    rejected(maker, replace(item, quote=item.quote.replace(item.answer[0], item.answer[0] + "等")), "verbatim")
    if "," in item.quote:
        rejected(maker, replace(item, quote=item.quote.replace(",", "，")), "verbatim")  # not character for character
    other = plan.task(1).sentences[1].text
    rejected(maker, replace(item, quote=other), "verbatim")
    rejected(maker, replace(item, task=39), "does not exist")
    rejected(maker, replace(item, section="七"), "section")


# --- distractors must not be true -------------------------------------------------------------------
def test_a_distractor_that_is_also_correct(maker, items, plan):
    item = first(items, lambda i: i.template.startswith("single.belongs") and i.task == 19)
    also_true = "加强应急科普资源生产和传播"
    assert also_true in plan.task(19).text and also_true not in item.options
    options = list(item.options)
    options[next(k for k, o in enumerate(options) if o not in item.answer)] = also_true
    rejected(maker, replace(item, options=options), "may be correct")


def test_a_multi_choice_distractor_from_the_same_task(maker, items, plan):
    item = first(items, lambda i: i.kind == "multi")
    own = next(c.text for c in maker.analysis.clauses[plan.task(item.task).id]
               if c.text not in item.options)
    options = list(item.options)
    options[next(k for k, o in enumerate(options) if o not in item.answer)] = own
    rejected(maker, replace(item, options=options))


def test_a_fill_in_choice_whose_distractor_fits_the_blank(maker, items):
    item = first(items, lambda i: i.template == "single.fill")
    options = list(item.options)
    k = next(k for k, o in enumerate(options) if o not in item.answer)
    options[k] = item.answer[0] + "等"  # still "fills" the sentence: in the cited text
    rejected(maker, replace(item, options=options))


def test_a_false_statement_that_the_plan_makes(maker, items):
    true = first(items, lambda i: i.kind == "judge" and i.answer == ["正确"])
    rejected(maker, replace(true, answer=["错误"]), "occurs in the plan")


def test_a_false_statement_rewritten_beyond_recognition(maker, items):
    false = first(items, lambda i: i.kind == "judge" and i.answer == ["错误"])
    statement = max(false.stem.split("“"), key=len).split("”")[0]
    rejected(maker, replace(false, stem=false.stem.replace(statement, "全面推进国际一流实验室建设工作")),
             "one short span")


def test_a_which_task_question_whose_term_another_option_also_has(maker, plan):
    items = maker.make(part="六", n=30, kinds="single", seed=4).items
    item = first(items, lambda i: i.template.startswith("single.which_task"))
    assert maker.checker.check(item) == []
    other = next(t for t in plan.part("六").tasks if t.task != item.task)
    term = next(w for w in ("科普", "科学") if w in other.text)
    rejected(maker, replace(item, stem=f"“{term}”出自规划的哪一项任务？",
                            options=[f"任务{other.task} {other.title}" if o not in item.answer else o
                                     for o in item.options]))


# --- shape and wording ------------------------------------------------------------------------------
@pytest.mark.parametrize("edit,words", [
    (lambda s: s.replace("“", "“，", 1), "punctuation"),
    (lambda s: s + "[任务19]", "leftover"),
    (lambda s: s.replace("____", "____和____"), "blank"),
    (lambda s: s.replace("“", '"', 1).replace("”", '"', 1), "leftover"),
    (lambda s: "填空：" + s[-3:], "length"),
    (lambda s: s.rstrip("？。”") + "，", "does not end"),
    (lambda s: s.replace("____", "__"), "blank"),
])
def test_unnatural_stems(maker, items, edit, words):
    item = first(items, lambda i: i.kind == "blank")
    rejected(maker, replace(item, stem=edit(item.stem)), words)


def test_a_blank_at_an_odd_place_cuts_through_a_word(maker, items):
    item = first(items, lambda i: i.kind == "blank" and len(i.answer[0]) >= 4)
    answer = item.answer[0]
    cut = answer[:-1]  # blank one character short: the stem keeps a dangling half-word
    stem = item.stem.replace("____", "____" + answer[-1])
    rejected(maker, replace(item, stem=stem, answer=[cut]), "cuts through a word")


def test_shapes(maker, items):
    single = first(items, lambda i: i.kind == "single")
    multi = first(items, lambda i: i.kind == "multi")
    judge = first(items, lambda i: i.kind == "judge")
    rejected(maker, replace(single, answer=single.options[:2]), "exactly one")
    rejected(maker, replace(single, answer=["不在选项中的答案"]), "not among the options")
    rejected(maker, replace(single, options=single.options[:1] + single.options[:1] + single.options[2:]), "duplicate")
    rejected(maker, replace(multi, answer=multi.answer[:1]), "at least two")
    rejected(maker, replace(judge, options=["对", "错"]), "正确/错误")
    rejected(maker, replace(judge, kind="essay"), "kind must be")


# --- a quiz: no fact twice ----------------------------------------------------------------------------
def test_a_duplicate_item_is_caught(maker, items):
    quiz = maker.make(tasks=[19], n=5, seed=1).items
    assert maker.checker.check_quiz(quiz) == []
    assert any("same stem" in p for p in maker.checker.check_quiz(quiz + [quiz[0]]))


def test_two_items_on_the_same_fact_are_caught(maker, plan):
    blank = first(maker.make(tasks=[23], n=6, kinds="blank", seed=3).items, lambda i: True)
    sentence = next(s.text for s in plan.task(23).sentences if blank.answer[0] in s.text)
    clause = next(c for c in sentence.replace(",", "。").split("。") if blank.answer[0] in c)
    judge = QuizItem("judge", f"判断正误：任务23提出“{display(clause, nested=True)}”。", ["正确", "错误"], ["正确"],
                     "与原文一致。", 23, "六", sentence, "judge.says", label=plan.task(23).label)
    assert maker.checker.check(judge) == [], maker.checker.check(judge)
    assert any("same fact" in p or "gives the other's answer away" in p
               for p in maker.checker.check_quiz([blank, judge]))


def test_a_stem_that_gives_another_items_answer_away(maker, items):
    blank = first(items, lambda i: i.kind == "blank")
    leak = QuizItem("single", f"下列哪一项与“{blank.answer[0]}”有关？", ["甲", "乙", "丙"], ["甲"], "x",
                    blank.task, blank.section, blank.quote)
    assert maker.checker.leaks(blank, leak)
