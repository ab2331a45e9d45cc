"""The plan's structure: parts, sub-sections, tasks, sentences and their offsets."""
from __future__ import annotations

import re

import pytest

from assistant.cleaning import clean_plan_text
from assistant.errors import NotFound, StructureError
from assistant.plan import Plan

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
PART_OF_TASKS = {
    "三": range(1, 8),
    "四": range(8, 13),
    "五": range(13, 17),
    "六": range(17, 24),
    "七": range(24, 28),
    "八": range(28, 31),
    "九": range(31, 35),
    "十": range(35, 39),
}
EXPECTED_PART = {n: numeral for numeral, r in PART_OF_TASKS.items() for n in r}


def corpus_lines(plan_text: str) -> list[str]:
    return [l for l in plan_text.split("\n") if l]


# --- the bundled plan --------------------------------------------------------

def test_ten_parts_numbered_one_to_ten(plan, plan_text):
    assert [p.numeral for p in plan.parts] == NUMERALS
    assert [p.number for p in plan.parts] == list(range(1, 11))
    # each part's title is its heading line in the corpus, "六、推动科普服务高质量发展"
    headings = [l for l in corpus_lines(plan_text) if re.match(r"^[一二三四五六七八九十]{1,2}、", l)]
    assert headings == [f"{p.numeral}、{p.title}" for p in plan.parts]


def test_thirty_eight_tasks_numbered_one_to_thirty_eight(plan):
    assert plan.task_count == 38
    assert [t.task for t in plan.tasks] == list(range(1, 39))
    assert [t.id for t in plan.tasks] == [f"task-{n}" for n in range(1, 39)]


@pytest.mark.parametrize("n", range(1, 39))
def test_each_task_sits_in_the_right_part(plan, plan_text, n):
    task = plan.task(n)
    assert task.kind == "task"
    assert task.part == EXPECTED_PART[n] and task.section == EXPECTED_PART[n]
    assert plan.part_of(task).numeral == EXPECTED_PART[n]
    assert task in plan.part(EXPECTED_PART[n]).tasks
    # the task is the paragraph "n.标题。…" of the corpus, verbatim, at its offsets
    assert plan_text[task.start:task.end] == task.text
    assert task.text.startswith(f"{n}.{task.title}。")
    assert task.label == f"任务{n} {task.title}"
    assert task.marker == f"[任务{n}]"


def test_parts_hold_exactly_their_tasks(plan):
    for p in plan.parts:
        expected = list(PART_OF_TASKS.get(p.numeral, []))
        assert [t.task for t in p.tasks] == expected, p.label
    assert plan.part("一").tasks == [] and plan.part("二").tasks == []


def test_tasks_are_contiguous_and_in_corpus_order(plan, plan_text):
    tasks = plan.tasks
    for a, b in zip(tasks, tasks[1:]):
        assert a.end < b.start
    # between task n and n+1 there is at most a part heading (and its introduction)
    for a, b in zip(tasks, tasks[1:]):
        gap = plan_text[a.end:b.start].strip("\n")
        if b.part == a.part:
            assert gap == "", (a.label, b.label)
        else:
            assert gap.startswith(f"{b.part}、"), (a.label, b.label)


def test_labels(plan):
    assert plan.task(19).label == "任务19 实施平战结合科普能力提升工程"
    assert plan.part("六").label == "第六部分 推动科普服务高质量发展"
    assert plan.part(6).label == "第六部分 推动科普服务高质量发展"
    assert plan.part("六").intro.marker == "[第六部分]"
    assert plan.task(38).label == "任务38 加强规划实施的评估考核"
    assert plan.task(1).label == "任务1 全面宣传贯彻党的路线方针政策"


def test_part_two_has_three_subsections(plan, plan_text):
    part = plan.part("二")
    assert [s.section for s in part.subsections] == ["二(一)", "二(二)", "二(三)"]
    # titles as the corpus writes them: "(一)指导思想。…", "(二)基本原则", "(三)发展目标"
    for node, numeral in zip(part.subsections, "一二三"):
        assert node.kind == "subsection" and node.part == "二"
        assert node.text.startswith(f"({numeral}){node.title}")
        assert plan_text[node.start:node.end] == node.text
        assert node.label == f"第二部分({numeral}) {node.title}"
        assert node.marker == f"[第二部分({numeral})]"
        assert plan.section_node(node.section) is node
    assert [s.title for s in part.subsections] == ["指导思想", "基本原则", "发展目标"]
    # no other part has sub-sections
    assert all(not p.subsections for p in plan.parts if p.numeral != "二")


def test_preamble_and_colophon_are_not_tasks(plan):
    kinds = [n.kind for n in plan.nodes]
    assert kinds[0] == "preamble" and kinds[-1] == "colophon"
    assert plan.nodes[0].section == "序言"
    assert "科协发智字〔2021〕30号" in plan.nodes[0].text
    assert plan.nodes[-1].text.startswith("抄送")
    assert all(n.task is None for n in plan.nodes if n.kind != "task")


def test_sentence_offsets_slice_back_to_the_sentence(plan):
    assert len(plan.sentences) == sum(len(n.sentences) for n in plan.nodes) > 2 * plan.task_count
    ids = set()
    for s in plan.sentences:
        assert plan.text[s.start:s.end] == s.text
        node = plan.node(s.node_id)
        assert node.start <= s.start < s.end <= node.end
        assert s.id not in ids
        ids.add(s.id)


def test_sentences_cover_each_node_in_order(plan):
    for node in plan.nodes:
        assert node.sentences, node.id
        starts = [s.start for s in node.sentences]
        assert starts == sorted(starts)
        for a, b in zip(node.sentences, node.sentences[1:]):
            assert a.end <= b.start
        # the sentences are the node's text, nothing lost, nothing added
        assert "".join(s.text for s in node.sentences) == node.text.replace("\n", "")


def test_sentences_end_at_sentence_punctuation(plan):
    task = plan.task(19)
    assert task.sentences[0].text == f"19.{task.title}。"
    for s in task.sentences:
        assert s.text[-1] in "。！？!?;；", s.text
    # every sentence-ending mark in the task closes exactly one sentence
    assert len(task.sentences) == len(re.findall(r"[。！？!?;；]+", task.text))


def test_missing_task_and_part_raise_not_found_with_chinese_message(plan):
    with pytest.raises(NotFound) as e:
        plan.task(39)
    assert "38" in e.value.message_zh and "39" in e.value.message_zh
    with pytest.raises(NotFound):
        plan.task(0)
    with pytest.raises(NotFound) as e:
        plan.part("十一")
    assert "十一" in e.value.message_zh


# --- a synthetic plan in the same numbered style ----------------------------

SYNTHETIC = """某某协会文件
总则。本规划明确重点任务。
一、发展回顾
过去五年成绩显著。
二、指导思想和目标
(一)指导思想。坚持创新发展。
(二)基本原则
——坚持开放。合作共赢。
三、加强组织建设
本部分说明。
1.健全组织网络。推进基层组织建设;扩大覆盖面。
2.提升服务能力。建设服务平台！完善机制。
四、深化交流合作
3.拓展国际合作。参与国际组织。
抄送:各单位。
"""


def test_synthetic_plan_parses_in_the_same_way():
    plan = Plan.parse(SYNTHETIC)
    assert [p.numeral for p in plan.parts] == ["一", "二", "三", "四"]
    assert [p.title for p in plan.parts] == ["发展回顾", "指导思想和目标", "加强组织建设", "深化交流合作"]
    assert plan.task_count == 3
    assert [t.title for t in plan.tasks] == ["健全组织网络", "提升服务能力", "拓展国际合作"]
    assert [t.part for t in plan.tasks] == ["三", "三", "四"]
    assert plan.task(2).label == "任务2 提升服务能力"
    assert plan.part("四").label == "第四部分 深化交流合作"
    assert [s.section for s in plan.part("二").subsections] == ["二(一)", "二(二)"]
    assert plan.part("二").subsections[1].text == "(二)基本原则\n——坚持开放。合作共赢。"
    assert [s.text for s in plan.task(1).sentences] == ["1.健全组织网络。", "推进基层组织建设;", "扩大覆盖面。"]
    assert [s.text for s in plan.task(2).sentences] == ["2.提升服务能力。", "建设服务平台！", "完善机制。"]
    # task 3 stops before the colophon
    assert plan.task(3).text == "3.拓展国际合作。参与国际组织。"
    assert plan.nodes[-1].kind == "colophon"
    assert plan.nodes[0].kind == "preamble" and "总则" in plan.nodes[0].text
    for s in plan.sentences:
        assert SYNTHETIC[s.start:s.end] == s.text


def test_synthetic_raw_text_cleans_then_parses():
    raw = "一、总则\n\n- 1. 做好 工作。推进\n\n-3\n\n建设。\n\n二、保障\n\n- 2. 加强 领导。落实责任。\n"
    plan = Plan.parse(clean_plan_text(raw))
    assert [t.text for t in plan.tasks] == ["1.做好工作。推进建设。", "2.加强领导。落实责任。"]


PROSE = "今天天气很好。我们去公园散步，看到很多人在锻炼身体。\n晚上回家吃饭。\n"


def test_plain_prose_raises_structure_error_with_a_clear_message():
    with pytest.raises(StructureError) as e:
        Plan.parse(PROSE)
    msg = str(e.value)
    assert "no parts" in msg and "一、" in msg
    assert "一、" in e.value.message_zh


def test_cleaning_plain_prose_raises_structure_error():
    with pytest.raises(StructureError) as e:
        clean_plan_text(PROSE)
    assert "part headings" in str(e.value)


def test_parts_without_tasks_raise_structure_error():
    with pytest.raises(StructureError) as e:
        Plan.parse("一、总则\n这里只有说明。\n二、保障\n还是说明。\n")
    assert "no tasks" in str(e.value)


@pytest.mark.parametrize("numbers", [[1, 3], [2, 3], [1, 2, 2], [1, 3, 2]])
def test_task_numbers_with_gaps_or_repeats_raise_structure_error(numbers):
    body = "\n".join(f"{n}.任务标题{n}。正文内容。" for n in numbers)
    with pytest.raises(StructureError) as e:
        Plan.parse(f"一、总则\n{body}\n")
    msg = str(e.value)
    assert "without gaps" in msg and str(numbers) in msg


def test_empty_text_raises_structure_error():
    with pytest.raises(StructureError):
        Plan.parse("")
