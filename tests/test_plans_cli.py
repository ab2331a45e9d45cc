"""``assistant plans add|list|show|remove`` through the command's own entry point, in a temporary home."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from plan_files import encrypt_pdf, write_pdf, write_scanned_pdf

PLANS = Path(__file__).resolve().parent / "plans"
PLAN_C = PLANS / "C_qingzhu_city_plan.txt"


@pytest.fixture
def cli(capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def stored(home: Path) -> list[str]:
    """Everything in <home>/plans but the lock file: registered plans and any leftovers."""
    root = home / "plans"
    return sorted(p.name for p in root.iterdir() if p.name != ".lock") if root.exists() else []


def test_dry_run_prints_the_report_and_stores_nothing(cli, _isolated_home):
    code, out, err = cli("plans", "add", str(PLAN_C), "--dry-run")
    assert code == 0
    assert "5 parts, 10 sections, 19 tasks, 0 专栏" in out
    assert "    （4） 开展企业技术难题对接" in out
    assert "task numbering: （2） appears twice in 三（三）" in out
    assert "page number ×3: 第 1 页" in out
    assert "dry run: nothing stored" in err
    assert stored(_isolated_home) == []


def test_add_list_show_remove(cli, _isolated_home):
    code, out, err = cli("plans", "add", str(PLAN_C), "--id", "qingzhu", "--title", "青渚市科协“十五五”规划")
    assert code == 0 and "已添加规划“青渚市科协“十五五”规划”，编号 qingzhu" in err
    assert stored(_isolated_home) == ["qingzhu"]
    folder = _isolated_home / "plans" / "qingzhu"
    assert (folder / "plan.txt").read_text("utf-8").startswith("【虚构测试文本】")
    assert json.loads((folder / "structure.json").read_text("utf-8"))["counts"]["tasks"] == 19

    code, out, _ = cli("plans", "list")
    assert code == 0 and out.startswith("qingzhu\t青渚市科协“十五五”规划\t5 parts, 10 sections, 19 tasks, 0 专栏\t"
                                        "C_qingzhu_city_plan.txt\t")
    code, out, _ = cli("plans", "list", "--json")
    [entry] = json.loads(out)
    assert entry["id"] == "qingzhu" and entry["counts"] == {"parts": 5, "sections": 10, "tasks": 19, "boxes": 0}

    code, out, _ = cli("plans", "show", "qingzhu")
    assert code == 0 and "19 tasks" in out and "（2） 打造志愿服务品牌" in out
    code, out, _ = cli("plans", "show", "qingzhu", "--json")
    assert json.loads(out)["report"]["tasks"][2]["title"] == "做好青年人才举荐"

    code, _, err = cli("plans", "remove", "qingzhu")
    assert code == 0 and "已删除规划" in err
    assert stored(_isolated_home) == []
    code, _, err = cli("plans", "show", "qingzhu")
    assert code == 1 and "没有编号为“qingzhu”的规划" in err


def test_default_id_from_the_file_name(cli, _isolated_home):
    assert cli("plans", "add", str(PLANS / "A_jiangling_province_plan.pdf"))[0] == 0
    assert stored(_isolated_home) == ["a_jiangling_province_plan"]


def test_id_taken_or_invalid(cli, _isolated_home):
    assert cli("plans", "add", str(PLAN_C), "--id", "qingzhu")[0] == 0
    code, out, err = cli("plans", "add", str(PLANS / "B_society_plan.docx"), "--id", "qingzhu")
    assert code == 1 and "已有编号为“qingzhu”的规划" in err and out == ""  # refused before parsing
    for bad in ("../x", ".hidden", "bundled", "a/b", ""):
        code, _, err = cli("plans", "add", str(PLAN_C), "--id", bad)
        assert code == 1 and "错误：规划编号" in err, bad
    assert stored(_isolated_home) == ["qingzhu"]
    assert cli("plans", "remove", "nope")[0] == 1


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input with the words its error must contain."""
    unknown = tmp / "plan.rtf"
    unknown.write_text("一、总则", "utf-8")
    big = tmp / "big.txt"
    with open(big, "wb") as f:
        f.truncate(201 * 1024 * 1024)
    prose = tmp / "prose.txt"
    prose.write_text("科普是一项长期工作。\n我们要坚持不懈。\n", "utf-8")
    plain = write_pdf(tmp / "plain.pdf", [["一、总则", "1.做好工作。推进建设。"]])
    return {
        "unknown type": (unknown, "不支持的文件类型"),
        "too large": (big, "文件过大"),
        "no structure": (prose, "编号结构"),
        "scanned": (write_scanned_pdf(tmp / "scan.pdf"), "没有文字层"),
        "encrypted": (encrypt_pdf(plain, tmp / "locked.pdf", user_password="secret"), "已加密"),
        "missing": (tmp / "missing.docx", "找不到文件"),
    }


def test_bad_files_are_rejected_and_the_registry_is_unchanged(cli, _isolated_home, tmp_path):
    assert cli("plans", "add", str(PLAN_C), "--id", "qingzhu")[0] == 0
    before = (cli("plans", "list", "--json")[1], stored(_isolated_home))
    for what, (path, words) in _bad_files(tmp_path).items():
        code, out, err = cli("plans", "add", str(path), "--id", "new-plan")
        assert code == 1, what
        assert err.startswith("错误：") and words in err and "Traceback" not in err, (what, err)
        assert len(err.strip().splitlines()) == 1, (what, err)
        assert (cli("plans", "list", "--json")[1], stored(_isolated_home)) == before, what


def test_a_failure_while_storing_leaves_nothing_half_registered(cli, _isolated_home, monkeypatch):
    import assistant.plans.registry as registry

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(registry.os, "rename", disk_full)
    code, _, err = cli("plans", "add", str(PLAN_C), "--id", "qingzhu")
    assert code == 1 and "无法保存规划" in err and "No space left on device" in err
    assert stored(_isolated_home) == []  # no plan, no temporary folder
    monkeypatch.undo()
    assert cli("plans", "add", str(PLAN_C), "--id", "qingzhu")[0] == 0


def test_leftovers_of_an_interrupted_add_are_not_plans_and_are_swept(cli, _isolated_home):
    leftover = _isolated_home / "plans" / ".tmp-qingzhu-deadbeef"
    leftover.mkdir(parents=True)
    (leftover / "plan.txt").write_text("half written", "utf-8")
    assert json.loads(cli("plans", "list", "--json")[1]) == []
    assert cli("plans", "add", str(PLAN_C), "--id", "qingzhu")[0] == 0
    assert stored(_isolated_home) == ["qingzhu"]


def test_json_report(cli, _isolated_home):
    code, out, _ = cli("plans", "add", str(PLANS / "B_society_plan.docx"), "--dry-run", "--json")
    report = json.loads(out)
    assert report["counts"] == {"parts": 7, "sections": 19, "tasks": 42, "boxes": 0}
    assert report["tasks"][0] == {"ordinal": 1, "number": 1, "mark": "一是", "title": "办好中国数字孪生大会",
                                  "part": 3, "section": 1}
    assert stored(_isolated_home) == []
