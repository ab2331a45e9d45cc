"""Exports read back: GIFT and Aiken by the reference readers in quiz_formats (written from Moodle's
format documentation), XLSX with openpyxl, CSV with the csv module, JSON, Markdown."""
from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from assistant.errors import InputError
from assistant.quiz.formats import COLUMNS, FORMATS, export, skipped
from assistant.quiz.models import Quiz, QuizItem
from quiz_formats import is_moodle_grade, moodle_multi_score, parse_aiken, parse_gift
from quiz_helpers import maker  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def quiz(maker) -> Quiz:
    q = maker.make(part="六", n=16, seed=11)
    assert {i.kind for i in q.items} == {"single", "multi", "judge", "blank"}
    return q


def test_every_format_has_an_extension_and_a_mime_type():
    for fmt, (ext, mime) in FORMATS.items():
        assert ext and "/" in mime
    assert FORMATS["xlsx"][0] == "xlsx" and "spreadsheetml" in FORMATS["xlsx"][1]


def test_an_unknown_format_lists_the_allowed_ones(quiz):
    with pytest.raises(InputError) as e:
        export(quiz, "docx")
    assert all(f in str(e.value) for f in FORMATS) and "docx" in e.value.message_zh


def test_gift_reads_back_item_for_item(quiz):
    parsed = parse_gift(export(quiz, "gift"))
    assert len(parsed) == len(quiz.items)
    assert parsed[0]["category"] == quiz.title
    for item, q in zip(quiz.items, parsed):
        assert q["text"] == item.stem
        assert item.explanation in q["general_feedback"] and item.quote in q["general_feedback"]
        if item.kind == "single":
            assert q["type"] == "multichoice"
            assert [a for a, w, _ in q["answers"] if w == 100] == item.answer
            assert [a for a, _, _ in q["answers"]] == item.options
        elif item.kind == "multi":
            assert q["type"] == "multichoice_multiple"
            right = [(a, w) for a, w, _ in q["answers"] if w > 0]
            assert sorted(a for a, _ in right) == sorted(item.answer)
            assert sum(w for _, w in right) == pytest.approx(100, abs=0.01)
            assert all(w < 0 for a, w, _ in q["answers"] if a not in item.answer)
        elif item.kind == "judge":
            assert q["type"] == "truefalse" and q["answers"][0][0] == (item.answer == ["正确"])
        else:
            assert q["type"] == "shortanswer" and q["answers"][0][0] == item.answer[0]
            assert all(w == 100 for _, w, _ in q["answers"])


def check_multi_scoring(parsed: list[dict], items: list[QuizItem], scoring: str) -> int:
    """Every multiple-choice item's GIFT weights do what ``scoring`` promises in Moodle; returns how many."""
    multis = [(q, i) for q, i in zip(parsed, items) if i.kind == "multi"]
    for q, item in multis:
        weights = {a: w for a, w, _ in q["answers"]}
        right, wrong = [weights[a] for a in item.answer], [w for a, w in weights.items() if a not in item.answer]
        k, n = len(right), len(weights)
        assert q["type"] == "multichoice_multiple" and all(is_moodle_grade(w) for w in weights.values()), weights
        assert sum(right) == pytest.approx(100, abs=0.01) and all(w == pytest.approx(100 / k, abs=1e-4) for w in right)
        assert moodle_multi_score(q["answers"], set(item.answer)) == pytest.approx(100, abs=0.01)
        one_wrong = set(item.answer) | {next(a for a in weights if a not in item.answer)}
        if scoring == "partial":
            assert all(w == pytest.approx(-100 / (n - k), abs=1e-4) for w in wrong)
            assert sum(weights.values()) == pytest.approx(0, abs=0.01)  # ticking every option scores 0
            assert moodle_multi_score(q["answers"], set(weights)) == pytest.approx(0, abs=0.01)  # 5 decimals
            assert moodle_multi_score(q["answers"], {item.answer[0]}) == pytest.approx(100 / k, abs=0.01)
            assert moodle_multi_score(q["answers"], one_wrong) == pytest.approx(100 - 100 / (n - k), abs=0.01)
        else:
            assert wrong and all(w == -100 for w in wrong)
            assert moodle_multi_score(q["answers"], one_wrong) == 0  # one wrong tick and the item scores 0
            assert moodle_multi_score(q["answers"], set(weights)) == pytest.approx(0, abs=0.01)  # 5 decimals
    return len(multis)


@pytest.mark.parametrize("scoring", ["all-or-nothing", "partial"])
def test_gift_multiple_answer_scoring(maker, scoring):
    counted = 0
    for part, seed in (("六", 11), ("三", 5), ("九", 3)):
        quiz = maker.make(part=part, n=16, kinds=("multi",), seed=seed)
        counted += check_multi_scoring(parse_gift(export(quiz, "gift", multi_scoring=scoring)), quiz.items, scoring)
    assert counted >= 20


def test_gift_partial_scoring_for_every_shape_of_item():
    """k right of n options, for every n the exporter writes (up to six): weights Moodle accepts, summing to 0."""
    items = [QuizItem("multi", f"题{n}-{k}", [f"选项{j}" for j in range(n)], [f"选项{j}" for j in range(k)],
                      "x", 19, "六", "原文", label="任务19 x") for n in range(3, 7) for k in range(2, n)]
    for scoring in ("partial", "all-or-nothing"):
        assert check_multi_scoring(parse_gift(export(items, "gift", multi_scoring=scoring)), items, scoring) == 10


def test_an_unknown_multi_scoring_lists_the_allowed_ones(quiz):
    with pytest.raises(InputError) as e:
        export(quiz, "gift", multi_scoring="half")
    assert "all-or-nothing" in str(e.value) and "partial" in str(e.value) and "half" in e.value.message_zh


def test_gift_escapes_its_special_characters():
    tricky = "a~b=c#d{e}f:g\\h"
    item = QuizItem("single", f"哪一项是“{tricky}”？请选择{{正确}}答案：", [tricky, "乙=2", "丙#3", "丁{4}"], [tricky],
                    "说明：~=#{}", 19, "六", "原文", label="任务19 x")
    blank = QuizItem("blank", "填空：“推进____建设”", [], ["a=b:c"], "x", 19, "六", "推进a=b:c建设")
    parsed = parse_gift(export([item, blank], "gift"))
    assert parsed[0]["text"] == item.stem
    assert [a for a, _, _ in parsed[0]["answers"]] == item.options
    assert [a for a, w, _ in parsed[0]["answers"] if w == 100] == [tricky]
    assert parsed[0]["general_feedback"].startswith("说明：~=#{}")
    assert parsed[1]["answers"][0][0] == "a=b:c"


def test_gift_short_answers_accept_any_middle_dot_and_either_width():
    """The plan writes “典赞•科普中国” with a bullet; a trainee types · (or ・), or full-width letters."""
    quote = "深入开展\"典赞•科普中国\"宣传推介活动"
    blank = QuizItem("blank", "填空：“深入开展____宣传推介活动”", [], ["典赞•科普中国"], "x", 19, "六", quote)
    five_g = QuizItem("blank", "填空：“推进____网络建设”", [], ["5G"], "x", 19, "六", "推进5G网络建设")
    dots, widths = (sorted(a for a, w, _ in q["answers"] if w == 100) for q in parse_gift(export([blank, five_g], "gift")))
    assert dots == sorted(["典赞•科普中国", "典赞·科普中国", "典赞・科普中国", "典赞‧科普中国"])
    assert widths == sorted(["5G", "５Ｇ"])


def test_aiken_holds_single_choice_and_true_false_and_says_what_it_left_out(quiz):
    parsed = parse_aiken(export(quiz, "aiken"))
    kept = [i for i in quiz.items if i.kind in ("single", "judge")]
    left_out = skipped(quiz.items, "aiken")
    assert len(parsed) == len(kept) and len(left_out) == len(quiz.items) - len(kept) > 0
    assert {i.kind for i in left_out} == {"multi", "blank"}
    for item, q in zip(kept, parsed):
        assert q["question"] == item.stem
        options = item.options if item.kind == "single" else ["正确", "错误"]
        assert list(q["options"].values()) == options
        assert q["options"][q["answer"]] == item.answer[0]
    assert skipped(quiz.items, "gift") == []


def test_xlsx_reads_back_with_openpyxl(quiz):
    data = export(quiz, "xlsx")
    assert isinstance(data, bytes) and data[:2] == b"PK"
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == len(quiz.items) + 1
    col = {name: k for k, name in enumerate(COLUMNS)}
    for item, row in zip(quiz.items, rows[1:]):
        assert row[col["题干"]] == item.stem and row[col["原文"]] == item.quote
        assert row[col["题型"]] == {"single": "单选题", "multi": "多选题", "judge": "判断题", "blank": "填空题"}[item.kind]
        options = [row[col[f"选项{x}"]] for x in "ABCDEF"]
        if item.kind in ("single", "multi"):
            assert options[:len(item.options)] == item.options
            letters = row[col["答案"]]
            assert [options["ABCDEF".index(x)] for x in letters] == [o for o in item.options if o in item.answer]
        else:
            assert row[col["答案"]] == item.answer[0]
        assert row[col["任务"]] == item.task and row[col["出处"]] == item.label


def test_csv_reads_back_with_the_csv_module(quiz):
    text = export(quiz, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == COLUMNS and len(rows) == len(quiz.items) + 1
    assert [r[COLUMNS.index("题干")] for r in rows[1:]] == [i.stem for i in quiz.items]


def test_json_round_trips(quiz):
    data = json.loads(export(quiz, "json"))
    assert data["seed"] == quiz.seed and len(data["items"]) == len(quiz.items)
    for item, d in zip(quiz.items, data["items"]):
        assert QuizItem(**{k: v for k, v in d.items() if k != "letters"}) == item
        assert d["letters"] == item.letters


def test_markdown_puts_questions_first_then_the_answer_key_with_citations(quiz):
    text = export(quiz, "md")
    questions, _, key = text.partition("## 答案与解析")
    assert key, "no answer key"
    for k, item in enumerate(quiz.items, 1):
        assert f"\n{k}. " in questions
        assert item.quote not in questions or item.kind == "judge"  # the key, not the questions, quotes
        assert item.quote in key.replace("\\", "")
    assert "\\_\\_\\_\\_" in questions  # a blank stays four underscores in rendered Markdown
    for heading in ("单选题", "多选题", "判断题", "填空题"):
        assert heading in questions
