"""Reference routing: every way of naming a task or a part, and look-alikes that are not references."""
from __future__ import annotations

import pytest

from assistant.refs import find_refs
from assistant.text import int_to_cn

TASK_FORMS = [
    ("第19项", 19),
    ("第19项任务要求什么？", 19),
    ("第 19 项", 19),
    ("任务十九", 19),
    ("任务19", 19),
    ("第十九项任务", 19),
    ("第十九项重点任务的内容", 19),
    ("第十九个任务", 19),
    ("19条", 19),
    ("19条说的是啥", 19),
    ("第十九条", 19),
    ("第十九項", 19),
    ("第十九項任務的內容", 19),
    ("第１９项", 19),  # full-width digits
    ("task 19", 19),
    ("What does task 19 say?", 19),
    ("TASK 7", 7),
    ("Task 38", 38),
    ("第三十八项", 38),
    ("第三十八项任务的内容", 38),
    ("任务三十八", 38),
    ("第1项", 1),
    ("任务一", 1),
    ("第十项", 10),
    ("第二十项", 20),
    ("十九项任务是什么", 19),
]


@pytest.mark.parametrize("question,n", TASK_FORMS)
def test_task_reference_forms(question, n):
    refs = find_refs(question)
    assert refs.tasks == [n]
    assert refs.parts == []
    assert refs


@pytest.mark.parametrize("n", range(1, 39))
@pytest.mark.parametrize("template", ["第{d}项任务", "任务{c}", "第{c}项", "task {d}"])
def test_every_task_number_is_recognised_in_arabic_and_chinese(template, n):
    q = template.format(d=n, c=int_to_cn(n))
    assert find_refs(q).tasks == [n]


@pytest.mark.parametrize("question,numeral", [
    ("第六部分", "六"),
    ("第六部分包括哪些任务", "六"),
    ("第六章", "六"),
    ("第六章讲了什么", "六"),
    ("第6部分", "六"),
    ("六、推动科普服务高质量发展", "六"),
    ("六、推动科普服务高质量发展讲了什么", "六"),
    ("第十部分", "十"),
    ("十、强化规划实施保障", "十"),
    ("第二部分", "二"),
    ("part 6", "六"),
])
def test_part_reference_forms(question, numeral):
    refs = find_refs(question)
    assert refs.parts == [numeral]
    assert refs.tasks == []


def test_several_references_keep_their_order():
    assert find_refs("任务19和第20项有什么不同").tasks == [19, 20]
    assert find_refs("第20项与第十九项的区别").tasks == [20, 19]
    assert find_refs("第一部分和第二部分").parts == ["一", "二"]
    # "第N项" right after a part is a position inside that part; the answerer
    # resolves it (the 2nd task of part 五, or task 19 when part 六 has no 19th)
    assert find_refs("第六部分的第19项").nth == [("六", 19)]
    assert find_refs("第五部分的第2项任务").nth == [("五", 2)]


@pytest.mark.parametrize("question", ["任务一共有多少项？", "重点任务一共有几项", "任务十分重要吗",
                                      "基本原则的第一条是什么", "发展目标的第二项"])
def test_numbers_that_are_not_task_references(question):
    assert find_refs(question).tasks == []


@pytest.mark.parametrize("question,tasks", [
    ("任务19、20", [19, 20]), ("任务19,20", [19, 20]), ("第19、20项", [19, 20]),
    ("19、20项任务", [19, 20]), ("任务19-21", [19, 20, 21]), ("第十九至二十一项", [19, 20, 21]),
    ("task 19 和 task 20 有什么区别", [19, 20]), ("task 19的内容", [19]),
])
def test_lists_ranges_and_english_next_to_chinese(question, tasks):
    assert find_refs(question).tasks == tasks


def test_sub_section_references():
    assert find_refs("第二部分(三)讲了什么").sections == ["二(三)"]
    assert find_refs("第二部分第三节").sections == ["二(三)"]
    assert find_refs("Part 3讲了什么").parts == ["三"]


def test_repeated_reference_is_reported_once():
    assert find_refs("第19项和任务十九是同一个吗").tasks == [19]


def test_out_of_range_numbers_are_reported_for_the_caller_to_refuse():
    assert find_refs("第39项任务是什么").tasks == [39]
    assert find_refs("任务0").tasks == [0]
    assert find_refs("第十一部分").parts == ["十一"]


@pytest.mark.parametrize("question", [
    "第十次全国代表大会",
    "科协第十次全国代表大会通过了什么",
    "2025年目标",
    "2035年远景目标",
    "2021年5月30日",
    "一共有多少项任务",
    "十四五规划",
    "科协发智字〔2021〕30号",
    "5G和人工智能",
    "哪些任务涉及乡村振兴",
    "公民具备科学素质的比例达到15%",
    "今天北京天气怎么样",
    "",
])
def test_look_alikes_are_not_references(question):
    refs = find_refs(question)
    assert refs.tasks == [] and refs.parts == []
    assert not refs
