"""The plan importer on files the tests write: layouts, cleaning steps, structure, and bad input."""
from __future__ import annotations

import pytest

from assistant.errors import PlanFileError, StructureError
from assistant.plans.clean import clean_document, fold_forms
from assistant.plans.importer import parse_file, parse_text
from assistant.plans.readers import read_document
from plan_files import encrypt_pdf, write_docx, write_pdf, write_scanned_pdf

# A small fictional plan in the 第X章 / 第X节 / （1） style, with a box whose items are numbered like tasks.
TITLE = "某某市科学技术协会“十五五”发展规划"
BODY = [
    "第一章 总体要求",
    "第一节 指导思想",
    "坚持以人民为中心，推动科协事业高质量发展。",
    "第二节 发展目标",
    "到2030年，全市科普工作体系更加完善。",
    "第二章 重点任务",
    "第一节 服务科技工作者",
    "（1）建设科技工作者之家。在各区建设服务中心，提供政策咨询服务。",
    "（2）做好人才举荐。每年举荐青年科技人才20名。",
    "第二节 提升科学素质",
    "（1）建设科普阵地。建设社区科普站100个。",
    "专栏1 科普重点工程",
    "（1）科普阵地工程。建设社区科普站。",
    "（2）科普人才工程。培训科普骨干。",
    "（2）开展科普活动。组织全国科普日活动。",
]


def test_txt_plan_with_chapters_sections_and_a_box():
    report = parse_text("\n".join([TITLE] + BODY)).report
    assert report.title == TITLE
    assert [(p["mark"], p["title"]) for p in report.parts] == [("第一章", "总体要求"), ("第二章", "重点任务")]
    assert [(s["mark"], s["title"]) for s in report.sections] == [
        ("第一节", "指导思想"), ("第二节", "发展目标"), ("第一节", "服务科技工作者"), ("第二节", "提升科学素质")]
    # the box's （1）（2） are its own items; the task after the box continues the section's numbering
    assert [(t["mark"], t["title"], t["section"]) for t in report.tasks] == [
        ("（1）", "建设科技工作者之家", 1), ("（2）", "做好人才举荐", 1), ("（1）", "建设科普阵地", 2),
        ("（2）", "开展科普活动", 2)]
    assert [(b["mark"], b["title"], b["items"]) for b in report.boxes] == [("专栏1", "科普重点工程", 2)]
    assert report.warnings == []


def test_pdf_with_running_header_page_footer_and_a_paragraph_split_across_pages(tmp_path):
    pages = [[TITLE, "（2026—2030年）"] + BODY[:8] + ["（2）做好人才举荐。每年举荐青年科技"],
             ["人才20名。"] + BODY[9:]]
    path = write_pdf(tmp_path / "plan.pdf", pages, header="某某市科协文件")
    parsed = parse_file(path)
    report = parsed.report
    assert report.kind == "pdf" and report.pages == 2
    assert report.title == TITLE + "（2026—2030年）"
    assert report.counts == {"parts": 2, "sections": 4, "tasks": 4, "boxes": 1}
    assert "（2）做好人才举荐。每年举荐青年科技人才20名。" in parsed.text.split("\n")
    dropped = {d["kind"]: (d["text"], d["count"]) for d in report.dropped}
    assert dropped == {"running header or footer": ("某某市科协文件", 2), "page number": ("第 1 页 共 2 页", 2)}
    assert "某某市科协文件" not in parsed.text and "页" not in parsed.text


def test_docx_paragraphs_tables_and_no_header_or_footer_text(tmp_path):
    blocks = [TITLE, "# 一、总体要求", "坚持服务为本。", "# 二、主要任务", "## （一）服务科技工作者",
              "1、建设科技工作者之家。在各区建设服务中心。", "2、做好人才举荐。每年举荐人才。",
              ["专栏1 重点工程", "1.服务中心工程。建设服务中心10个。", "2.人才工程。举荐人才。"],
              "## （二）提升科学素质", "3、建设科普阵地。建设社区科普站。"]
    report = parse_file(write_docx(tmp_path / "plan.docx", blocks)).report
    assert [t["title"] for t in report.tasks] == ["建设科技工作者之家", "做好人才举荐", "建设科普阵地"]
    assert [(b["mark"], b["title"], b["section"], b["items"]) for b in report.boxes] == [("专栏1", "重点工程", 1, 2)]
    assert report.dropped == [] and report.warnings == []
    text = parse_file(tmp_path / "plan.docx").text
    assert "页眉" not in text and "- 1 -" not in text


def test_docx_headings_as_plain_bold_paragraphs_parse_the_same(tmp_path):
    blocks = ["# 一、总体要求", "坚持服务为本。", "# 二、主要任务", "1、建设科技工作者之家。在各区建设服务中心。"]
    styled = parse_file(write_docx(tmp_path / "a.docx", blocks)).report
    plain = parse_file(write_docx(tmp_path / "b.docx", blocks, heading_styles=False)).report
    assert styled.parts == plain.parts and styled.tasks == plain.tasks and len(plain.tasks) == 1


def test_gb18030_text_and_full_width_forms(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("一、总 体 要 求\n１．建设科普阵地。建设社区科普ｅ站１００个。\n".encode("gb18030"))
    parsed = parse_file(path)
    # digits and letters fold to ASCII; punctuation keeps its width (quotes stay verbatim to the source)
    assert parsed.text == "一、总体要求\n1．建设科普阵地。建设社区科普e站100个。\n"
    assert fold_forms("⼀、⑴ ＡＩ") == "一、(1) AI"  # Kangxi radical 一 from a PDF font, enclosed numbers


def test_the_bundled_scan_cleans_to_the_corpus(plan_text):
    """The generalised steps give exactly corpus/plan.txt from the raw scan (as assistant.cleaning does)."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "corpus" / "source.txt"
    assert clean_document(read_document(source)).text == plan_text


# --- warnings ---------------------------------------------------------------------------------------

def test_numbering_warnings():
    report = parse_text("\n".join([
        "一、总则", "（一）目标", "（三）原则", "1.甲任务。内容。", "2.乙任务。内容。", "2.丙任务。内容。",
        "4.以创新能力、质量、实效、贡献为导向，推动建立健全评价体系。", "三、保障", "二、附则"])).report
    assert report.warnings == [
        "part numbering: 三 follows 一 (2 missing)",
        "part numbering: 二 comes after 三 (out of order)",
        "section numbering: （三） follows （一） in 一 (2 missing)",
        "task numbering: 2 appears twice",
        "task numbering: 4 follows 2 (3 missing)",
        "task 4. has no title (no short first sentence ending in 。)",
    ]


def test_a_numbered_list_without_titles_is_not_tasks():
    report = parse_text("一、目标\n1.会员达到4万人，其中青年会员过半。\n2.期刊进入权威行列，创办英文刊。\n"
                        "二、任务\n1.办好年会。每年举办。\n").report
    assert [(t["part"], t["title"]) for t in report.tasks] == [(2, "办好年会")]


def test_run_in_tasks():
    report = parse_text("第一章 总则\n第一节 学术\n坚持学术立会。一是办好年会，每年举办；二是创办期刊，力争获得刊号。\n"
                        "第二章 保障\n加强领导。\n").report
    assert [(t["mark"], t["title"]) for t in report.tasks] == [("一是", "办好年会"), ("二是", "创办期刊")]


# --- bad input --------------------------------------------------------------------------------------

def test_unknown_extension(tmp_path):
    for name in ("plan.doc", "plan.rtf", "plan"):
        (tmp_path / name).write_text("一、总则\n", "utf-8")
        with pytest.raises(PlanFileError, match="unsupported file type") as e:
            read_document(tmp_path / name)
        assert "不支持的文件类型" in e.value.message_zh


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:  # sparse: 201 MB on paper, nothing on disk
        f.truncate(201 * 1024 * 1024)
    import pathlib

    def no_reading(*a, **k):
        raise AssertionError("the file was read")
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    monkeypatch.setattr("pypdf.PdfReader", no_reading)
    with pytest.raises(PlanFileError, match="201 MB; the limit is 200 MB") as e:
        read_document(big)
    assert "文件过大" in e.value.message_zh


def test_empty_missing_and_binary_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(PlanFileError, match="empty"):
        read_document(tmp_path / "empty.txt")
    with pytest.raises(PlanFileError, match="no such file"):
        read_document(tmp_path / "missing.pdf")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(PlanFileError, match="binary"):
        read_document(tmp_path / "binary.txt")


def test_scanned_pdf_without_text_layer(tmp_path):
    with pytest.raises(PlanFileError, match="no text layer") as e:
        read_document(write_scanned_pdf(tmp_path / "scan.pdf"))
    assert "OCR" in e.value.message_zh


def test_encrypted_pdf(tmp_path):
    plain = write_pdf(tmp_path / "plain.pdf", [["一、总则", "1.做好工作。推进建设。"]])
    with pytest.raises(PlanFileError, match="encrypted") as e:
        read_document(encrypt_pdf(plain, tmp_path / "locked.pdf", user_password="secret"))
    assert "加密" in e.value.message_zh
    # a PDF with only an owner password (printing/copying restrictions) opens without one: it is read
    opened = parse_file(encrypt_pdf(plain, tmp_path / "restricted.pdf", user_password=""))
    assert [t["title"] for t in opened.report.tasks] == ["做好工作"]


def test_encrypted_and_legacy_word_files(tmp_path):
    # An encrypted .docx is an OLE compound file holding an "EncryptedPackage" stream (MS-OFFCRYPTO); this
    # is its signature and stream name only, not a whole compound file.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "locked.docx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(PlanFileError, match="encrypted") as e:
        read_document(tmp_path / "locked.docx")
    assert "加密" in e.value.message_zh
    (tmp_path / "old.docx").write_bytes(ole + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(PlanFileError, match="legacy Word"):
        read_document(tmp_path / "old.docx")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PlanFileError, match="not a readable .docx"):
        read_document(tmp_path / "broken.docx")


def test_text_without_numbered_structure(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text("科普是一项长期工作。\n我们要坚持不懈，久久为功。\n1.5倍的增长来之不易。\n", "utf-8")
    with pytest.raises(StructureError, match="no numbered structure") as e:
        parse_file(path)
    assert "编号结构" in e.value.message_zh


def test_the_bundled_corpus_through_the_importer_is_the_same_plan(plan, plan_text):
    """to_plan(outline) builds, for the bundled corpus, exactly the Plan that Plan.parse builds."""
    from assistant.plans.toplan import to_plan

    def key(n):
        return (n.id, n.kind, n.start, n.end, n.section, n.title, n.label, n.task, n.part,
                [(s.id, s.start, s.end, s.text) for s in n.sentences])
    imported = to_plan(parse_text(plan_text).outline)
    assert [key(n) for n in imported.nodes] == [key(n) for n in plan.nodes]
    assert [(p.numeral, p.label, [t.id for t in p.tasks]) for p in imported.parts] == \
        [(p.numeral, p.label, [t.id for t in p.tasks]) for p in plan.parts]


@pytest.mark.parametrize("name", ["A_jiangling_province_plan.pdf", "B_society_plan.docx", "C_qingzhu_city_plan.txt"])
def test_added_plans_as_plan_objects(name):
    """Every node and sentence is found again at its offsets; tasks are numbered 1..N."""
    from pathlib import Path

    from assistant.plans.toplan import to_plan

    parsed = parse_file(Path(__file__).resolve().parent / "plans" / name)
    plan = to_plan(parsed.outline)
    assert [t.task for t in plan.tasks] == list(range(1, len(parsed.report.tasks) + 1))
    for node in plan.nodes:
        assert plan.text[node.start:node.end] == node.text
        assert all(plan.text[s.start:s.end] == s.text for s in node.sentences)
    assert [t.title for t in plan.tasks] == [t["title"] for t in parsed.report.tasks]


def test_markdown_headings_and_bold(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# 某市科协规划\n\n## 一、总体要求\n\n坚持服务为本。\n\n## 二、主要任务\n\n"
                    "**1.建设科普阵地。**建设社区科普站。\n\n> 专栏1 重点工程\n", "utf-8")
    report = parse_file(path).report
    assert [p["title"] for p in report.parts] == ["总体要求", "主要任务"]
    assert [t["title"] for t in report.tasks] == ["建设科普阵地"] and report.boxes[0]["title"] == "重点工程"


def test_word_automatic_numbering(tmp_path):
    """Numbers Word draws (list styles, numbering definitions) are not in the paragraphs' text; the reader
    puts them back: 一、/（一） from a two-level Chinese list, 1. 2. 3. from the List Number style."""
    import docx

    from plan_files import add_word_list, number_paragraph

    document = docx.Document()
    outline = add_word_list(document, 90, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    for text, level in [("总体要求", 0), ("坚持服务为本。", None), ("主要任务", 0), ("服务科技工作者", 1)]:
        p = document.add_paragraph(text)
        if level is not None:
            number_paragraph(p, outline, level)
    for text in ["建设科普阵地。建设社区科普站。", "做好人才举荐。每年举荐人才。"]:
        document.add_paragraph(text, style="List Number")
    number_paragraph(document.add_paragraph("提升科学素质"), outline, 1)
    document.add_paragraph("开展科普活动。组织科普日。", style="List Number")
    document.save(tmp_path / "auto.docx")
    lines = [l for l in read_document(tmp_path / "auto.docx").pages[0] if l]
    assert lines == ["一、总体要求", "坚持服务为本。", "二、主要任务", "（一）服务科技工作者", "1.建设科普阵地。建设社区科普站。",
                     "2.做好人才举荐。每年举荐人才。", "（二）提升科学素质", "3.开展科普活动。组织科普日。"]
    report = parse_file(tmp_path / "auto.docx").report
    assert report.counts == {"parts": 2, "sections": 2, "tasks": 3, "boxes": 0} and report.warnings == []


def test_contents_lines_with_dot_leaders_are_dropped_even_without_a_contents_title():
    parsed = parse_text("规划\n一、总体要求……………………1\n二、主要任务........3\n一、总体要求\n坚持服务为本。\n"
                        "二、主要任务\n1.建设科普阵地。建设社区科普站。\n")
    assert [p["title"] for p in parsed.report.parts] == ["总体要求", "主要任务"] and parsed.report.warnings == []
    assert {"kind": "table of contents", "text": "目录", "count": 2} in parsed.report.dropped
