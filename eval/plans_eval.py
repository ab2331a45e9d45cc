"""The blind gold set over the three fictional test plans, answered from each plan alone.

    python eval/plans_eval.py [--home DIR] [--json out.json]

``eval/plans_blind.jsonl`` (60 questions, 20 a plan, written with the plans in ``tests/plans`` by a writer
who had not seen the parser) names tasks in each plan's own scheme: 17 (plan A), 第三章第一节·二是 (B),
三（三）（2）#2 (C, the second （2）). Each plan is added to a temporary home, the labels are mapped onto the
tasks the importer found (a label the import lacks is an error, so a wrong parse cannot pass quietly),
and ``assistant eval --plan`` runs on the result. ``answerable: false`` items must be declined.
cross_plan items mention the other plan; they are answered from their own plan only (no cross-plan answers
yet) and reported apart. A gold section also counts a 专栏 that sits in it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLANS = {"A": "A_jiangling_province_plan.pdf", "B": "B_society_plan.docx", "C": "C_qingzhu_city_plan.txt"}
CN_NUM = "一二三四五六七八九十"


def section_code(label: str) -> str:
    """'四（二）' → '四(二)', '第四章第二节' → '四(二)'."""
    m = re.fullmatch(r"第([一二三四五六七八九十]+)章第([一二三四五六七八九十]+)节", label)
    if m:
        return f"{m.group(1)}({m.group(2)})"
    return label.replace("（", "(").replace("）", ")")


def task_numbers(plan, labels: list) -> list[int]:
    """Gold task labels → the imported plan's task numbers; KeyError for a label the import lacks."""
    out = []
    for label in labels:
        if isinstance(label, int):
            plan.task(label)
            out.append(label)
            continue
        label, _, nth = label.partition("#")
        key = label.replace("（", "(").replace("）", ")")
        found = [t.task for t in plan.tasks if re.sub(r"^任务\d+ ", "", t.label).startswith(
            key if "·" in key else key + " ")]
        if len(found) < int(nth or 1):
            raise KeyError(f"no task {label}{'#' + nth if nth else ''} in the imported plan")
        out.append(found[int(nth or 1) - 1])
    return out


def convert(items: list[dict], plan, boxes: list[dict]) -> list[dict]:
    """Gold items in the eval format; ``boxes`` from the parse report (a 专栏 in a gold section is gold too)."""
    from assistant.text import int_to_cn

    out = []
    for item in items:
        sections = [section_code(s) for s in item.get("sections", [])]
        sections += [b["mark"] for b in boxes
                     if b["section"] and f"{int_to_cn(b['part'])}({int_to_cn(b['section'])})" in sections]
        out.append({"id": item["id"], "category": item["category"], "question": item["question"],
                    "gold_tasks": task_numbers(plan, item.get("tasks", [])), "gold_sections": sections,
                    "all_gold": item["category"] == "list", "answer_contains": [],
                    "must_refuse": not item["answerable"]})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", help="data directory to add the plans to (default: a temporary one)")
    ap.add_argument("--json", help="write the per-plan metrics here")
    args = ap.parse_args(argv)
    from assistant.cli import main as cli
    from assistant.config import Config
    from assistant.core import load_plan
    from assistant.plans.importer import parse_file
    from assistant.plans.registry import PlanStore

    home = Path(args.home or tempfile.mkdtemp(prefix="plans-eval-"))
    gold = [json.loads(l) for l in (REPO / "eval" / "plans_blind.jsonl").read_text("utf-8").splitlines() if l]
    store = PlanStore(home)
    summary = {}
    for key, name in PLANS.items():
        plan_id = f"test-{key.lower()}"
        if not (home / "plans" / plan_id).exists():
            store.add(parse_file(REPO / "tests" / "plans" / name), plan_id)
        plan = load_plan(Config(home=home).for_plan(plan_id))
        for subset, keep in (("own plan", lambda i: i["category"] != "cross_plan"),
                             ("cross_plan", lambda i: i["category"] == "cross_plan")):
            items = convert([i for i in gold if i["plan"] == key and keep(i)], plan,
                            store.get(plan_id).report.boxes)
            qfile = home / f"{plan_id}-{subset.replace(' ', '_')}.jsonl"
            qfile.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
            out = home / f"{plan_id}-{subset.replace(' ', '_')}.json"
            with redirect_stdout(sys.stderr):
                cli(["--home", str(home), "eval", "--plan", plan_id, "--questions", str(qfile), "--json", str(out)])
            ours = json.loads(out.read_text("utf-8"))["systems"]["ours"]
            summary[f"{key} {subset}"] = {k: ours.get(k) for k in ("n", "correct", "hit@1", "refusal_recall",
                                                                  "false_refusal", "all_gold_recall")}
    print("| plan | n | correct | hit@1 | refusal recall | false refusal | all-gold recall |")
    print("|---|---|---|---|---|---|---|")
    for name, m in summary.items():
        cells = [f"{m[k]:.3f}" if isinstance(m[k], float) else str(m[k]) for k in
                 ("n", "correct", "hit@1", "refusal_recall", "false_refusal", "all_gold_recall")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
