"""Parse reports of plans written by someone who had not seen the parser, checked against their ground truth.

``tests/plans/`` (see its README.md): three fictional plans in three layouts (a PDF with a running header,
page numbers, 专栏 boxes and paragraphs split across pages; a DOCX with 第X章/第X节 and run-in 一是/二是
tasks; a hard-wrapped TXT with full-width digits, spaced-out lines, a repeated header and deliberate numbering
defects) and the bundled plan exported to PDF and DOCX, each with a ``.truth.json`` written with the file.
Every count and every title must match exactly.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.plans.importer import parse_file
from assistant.text import cn_to_int

PLANS = Path(__file__).resolve().parent / "plans"
CASES = [("A_jiangling_province_plan.truth.json", "A_jiangling_province_plan.pdf"),
         ("B_society_plan.truth.json", "B_society_plan.docx"),
         ("C_qingzhu_city_plan.truth.json", "C_qingzhu_city_plan.txt"),
         ("plan_bundled.truth.json", "plan_bundled.pdf"),
         ("plan_bundled.truth.json", "plan_bundled.docx")]
IDS = [f for _, f in CASES]


def number(mark: str | None) -> int | None:
    """'第三章', '（二）', '(二)', '第一节', '三' → 3, 2, 2, 1, 3."""
    if mark is None:
        return None
    return cn_to_int(re.sub(r"[第章节部分（）()、]", "", mark))


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case(request):
    truth_name, file_name = request.param
    truth = json.loads((PLANS / truth_name).read_text("utf-8"))
    return truth, parse_file(PLANS / file_name).report


def test_parts_exactly(case):
    truth, report = case
    assert [(p["mark"].rstrip("、"), p["title"]) for p in report.parts] == \
        [(p["numeral"], p["title"]) for p in truth["parts"]]


def test_sections_exactly(case):
    truth, report = case
    parts = {p["number"]: p["mark"].rstrip("、") for p in report.parts}
    assert [(parts[s["part"]], s["number"], s["title"]) for s in report.sections] == \
        [(s["part"], number(s["numeral"]), s["title"]) for s in truth["sections"]]


def test_tasks_exactly(case):
    truth, report = case
    parts = {p["number"]: p["mark"].rstrip("、") for p in report.parts}
    found = [(parts[t["part"]], t["section"], t["mark"], t["title"]) for t in report.tasks]
    expected = []
    for t in truth["tasks"]:
        mark = t.get("number_as_written", t["number"])
        if isinstance(mark, int):
            mark = f"{mark}."
        expected.append((t["part"], number(t["section"]), mark, t.get("title_normalized", t["title"])))
    # the mark as written folds full-width digits: （１） is reported as （1）
    expected = [(p, s, m.translate(str.maketrans("０１２３４５６７８９", "0123456789")), title)
                for p, s, m, title in expected]
    assert found == expected


def test_boxes_exactly(case):
    truth, report = case
    parts = {p["number"]: p["mark"].rstrip("、") for p in report.parts}
    assert [(f"{b['mark']} {b['title']}", parts[b["part"]], b["section"], b["items"]) for b in report.boxes] == \
        [(b["title"], b["part"], number(b["section"]), len(b["items"])) for b in truth["boxes"]]


def test_title(case):
    """The plan's title; a year range on the line under it is kept (the truth of C leaves it out)."""
    truth, report = case
    years = re.compile(r"[（(]\d{4}—\d{4}年[)）]$")
    assert years.sub("", report.title) == years.sub("", truth["title"])


def test_warnings_are_exactly_the_deliberate_defects(case):
    truth, report = case
    words = {"gap": "missing", "duplicate": "appears twice", "order": "out of order"}
    expected = sorted(words[d["type"]] for d in truth["deliberate_defects"])
    found = sorted(next((v for v in words.values() if v in w), w) for w in report.warnings)
    assert found == expected, report.warnings


def test_noise_dropped(case):
    truth, report = case
    dropped = {d["kind"]: d for d in report.dropped}
    noise = truth.get("noise", {})
    pages = noise.get("page_numbers") or noise.get("pdf_page_numbers") or noise.get("page_marker_lines") or []
    if report.kind == "docx":
        pages = []
    assert dropped.get("page number", {}).get("count", 0) == len(pages)
    header = noise.get("running_header_text") or noise.get("repeated_header_line")
    if header and report.kind != "docx":
        assert dropped["running header or footer"]["text"].replace(" ", "") == \
            header.replace("\u3000", "").replace(" ", "")
    else:
        assert "running header or footer" not in dropped


@pytest.mark.parametrize("name", ["plan_bundled.pdf", "plan_bundled.docx"])
def test_bundled_plan_exported_parses_like_the_corpus(name, plan):
    report = parse_file(PLANS / name).report
    assert report.counts["parts"] == 10 and report.counts["tasks"] == 38
    assert [(p["number"], p["title"]) for p in report.parts] == [(p.number, p.title) for p in plan.parts]
    assert [(t["number"], t["title"]) for t in report.tasks] == [(t.task, t.title) for t in plan.tasks]


@pytest.mark.parametrize("key,name", [("A", "A_jiangling_province_plan.pdf"), ("B", "B_society_plan.docx"),
                                      ("C", "C_qingzhu_city_plan.txt")])
def test_every_paragraph_of_the_writers_source_comes_back_whole(key, name):
    """tests/plans/src/ holds the writer's marked-up sources (one paragraph a line, ``#PART`` etc. before
    headings). Each paragraph, with full-width digits folded and inner spaces removed, is one line of the
    cleaned text: nothing split at a page or line end, nothing joined, no header or page number inside.
    The PDF sets A's title on two centred lines (the year range under it): those stay two lines."""
    from assistant.cleaning import drop_inner_spaces
    from assistant.plans.clean import fold_forms

    lines = set(parse_file(PLANS / name).text.split("\n"))
    source = [re.sub(r"^#[A-Z]+\s*", "", l).strip() for l in (PLANS / "src" / f"{key}.txt").read_text("utf-8")
              .splitlines() if l.strip() and not l.startswith(("#ENDBOX", "#NOTE"))]
    missing = [p for p in (drop_inner_spaces(fold_forms(p)) for p in source) if p not in lines]
    assert missing == (["江临省科学技术协会事业发展“十五五”规划（2026—2030年）"] if key == "A" else [])


@pytest.mark.parametrize("name", ["plan_bundled.pdf", "plan_bundled.docx"])
def test_bundled_plan_exported_cleans_to_the_corpus_exactly(name, plan_text):
    assert parse_file(PLANS / name).text == plan_text
