"""The CLI and `assistant eval --llm openai` against the stub (a smoke check over real HTTP)."""
from __future__ import annotations

import json
import subprocess


def test_cli_streams_then_prints_the_verified_answer(python, subprocess_env, stub, plan):
    first = plan.task(19).sentences[1].text
    stub.script("reply", f"- {first}[任务19]\n- 规划要求每个县建一座应急科普馆。[任务19]")
    run = subprocess.run([python, "-m", "assistant", "--llm", "openai", "--base-url", stub.base_url,
                          "--model", "stub", "ask", "第19项任务要求什么？"],
                         capture_output=True, text=True, env={**subprocess_env, "OPENAI_API_KEY": "k"}, timeout=300)
    assert run.returncode == 0, run.stderr
    streamed, _, verified = run.stdout.partition("核验后的回答：")
    assert "应急科普馆" in streamed and "应急科普馆" not in verified and first in verified


def test_eval_with_the_llm_runs_end_to_end(tmp_path, python, subprocess_env, stub, plan):
    first = plan.task(19).sentences[1].text
    stub.script("reply", f"- {first}[任务19]")
    q = {"id": "x", "category": "task_number", "question": "第19项任务要求什么？", "gold_tasks": [19],
         "gold_sections": [], "all_gold": False, "answer_contains": [], "must_refuse": False}
    (tmp_path / "q.jsonl").write_text(json.dumps(q, ensure_ascii=False) + "\n", "utf-8")
    run = subprocess.run([python, "-m", "assistant", "--llm", "openai", "--base-url", stub.base_url, "eval",
                          "--questions", tmp_path / "q.jsonl", "--thresholds", "/dev/null", "--json",
                          tmp_path / "out.json"], capture_output=True, text=True,
                         env={**subprocess_env, "OPENAI_API_KEY": "k"}, timeout=600)
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert data["per_question"][0]["cited_tasks"] == [19]
    assert data["systems"]["ours"]["faithfulness"] == 1.0
