"""The gold sets answered with every plan loaded at once: the bundled plan (the default) beside the three
fictional test plans, each question routed by the plan it names (issue 16, phase 2).

    python eval/plans_together.py [--home DIR] [--json out.json] [--skip-bundled]

A question counts only what its own plan says: when it is answered from another plan, nothing it cites
is the gold plan's (a miss; a must-refuse item answered from elsewhere is not a decline); in a side-by-side
comparison the gold plan's block is scored. ``routed`` is the share of questions answered from (or with a
block for) the gold plan. ``eval/questions.jsonl`` (the bundled plan's own set) runs through the same
four-plan assistant, so its hit@1 shows what routing costs the default plan (alone: 0.983).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

from plans_eval import PLANS, convert  # noqa: E402

IDS = {"A": "test-a", "B": "test-b", "C": "test-c"}  # as plans_eval.py names them: its --home can be reused


class OnePlanView:
    """The four-plan assistant, scored for one gold plan: what the answer says of other plans is dropped."""

    def __init__(self, bot, plan_id: str):
        self.bot, self.plan_id = bot, plan_id
        self.member = bot.member(plan_id)
        self.plan, self.tokenizer, self.config = self.member.plan, self.member.tokenizer, self.member.config
        self.routed = []

    def ask(self, question: str, answer=None):
        answer = answer or self.bot.ask(question)
        self.routed.append(self.plan_id in answer.plans)
        if answer.plan != self.plan_id:
            answer.citations = [c for c in answer.citations if c.plan == self.plan_id]
            answer.passages = [p for p in answer.passages if p.plan == self.plan_id]
            answer.refused = answer.refused if answer.plan is None else False
        return answer

    def conversation(self):
        view, chat = self, self.bot.conversation()

        class Chat:
            def ask(self, turn):
                return view.ask(turn, chat.ask(turn))
        return Chat()


def score(bot, plan_id: str, items: list[dict]) -> dict:
    from assistant.evaluation import run_ours, summarize
    from assistant.support import SupportTest

    view = OnePlanView(bot, plan_id)
    rows = run_ours(view, items, SupportTest(view.tokenizer))
    out = summarize(view.plan, rows)
    keep = {k: out.get(k) for k in ("n", "correct", "hit@1", "refusal_recall", "false_refusal", "all_gold_recall")}
    keep["routed"] = sum(view.routed) / len(view.routed) if view.routed else None
    return keep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", help="data directory to add the plans to (default: a temporary one)")
    ap.add_argument("--json", help="write the metrics here")
    ap.add_argument("--skip-bundled", action="store_true", help="do not run eval/questions.jsonl")
    args = ap.parse_args(argv)
    from assistant import Assistant
    from assistant.config import Config
    from assistant.plans.importer import parse_file
    from assistant.plans.registry import PlanStore

    home = Path(args.home or tempfile.mkdtemp(prefix="plans-together-"))
    store = PlanStore(home)
    for key, name in PLANS.items():
        if not (home / "plans" / IDS[key]).exists():
            store.add(parse_file(REPO / "tests" / "plans" / name), IDS[key])
    bot = Assistant(Config(home=home, progress=False))
    gold = [json.loads(l) for l in (REPO / "eval" / "plans_blind.jsonl").read_text("utf-8").splitlines() if l]
    summary = {}
    for key in PLANS:
        plan_id = IDS[key]
        boxes = store.get(plan_id).report.boxes
        for subset, keep in (("own plan", lambda i: i["category"] != "cross_plan"),
                             ("cross_plan", lambda i: i["category"] == "cross_plan")):
            items = convert([i for i in gold if i["plan"] == key and keep(i)], bot.member(plan_id).plan, boxes)
            summary[f"{key} {subset}"] = score(bot, plan_id, items)
    if not args.skip_bundled:
        items = [json.loads(l) for l in (REPO / "eval" / "questions.jsonl").read_text("utf-8").splitlines() if l]
        summary["bundled eval/questions.jsonl"] = score(bot, "bundled", items)
    cols = ("n", "correct", "hit@1", "refusal_recall", "false_refusal", "all_gold_recall", "routed")
    print("| set (four plans loaded) | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for name, m in summary.items():
        cells = [f"{m[k]:.3f}" if isinstance(m[k], float) else str(m[k]) for k in cols]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
