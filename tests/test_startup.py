"""What a fresh process pays before its first answer: no web stack for the command line."""
from __future__ import annotations

import json
import subprocess

WEB = ("gradio", "fastapi", "uvicorn", "starlette")

PROBE = """
import json, sys
from assistant.cli import main
code = main(["ask", "--json", sys.argv[1]])
web = sorted(m for m in sys.modules if m.split(".")[0] in {web!r})
print(json.dumps({{"code": code, "web": web}}), file=sys.stderr)
""".format(web=set(WEB))


def test_ask_with_a_built_index_does_not_import_the_web_stack(python, subprocess_env):
    run = subprocess.run([python, "-c", PROBE, "科普人才队伍怎么建设"], capture_output=True, text=True,
                         env=subprocess_env, timeout=300)
    probe = json.loads(run.stderr.strip().splitlines()[-1])
    assert probe == {"code": 0, "web": []}, run.stderr[-2000:]
    assert json.loads(run.stdout)["cited_tasks"]
    assert "building the index" not in run.stderr  # the session's index was reused


def test_a_first_ask_on_an_empty_home_builds_from_the_shipped_vectors(python, subprocess_env, tmp_path):
    env = {**subprocess_env, "ASSISTANT_HOME": str(tmp_path / "empty-home")}
    run = subprocess.run([python, "-m", "assistant", "ask", "第19项任务要求什么？"], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "[任务19]" in run.stdout
    # progress goes to stderr, the answer alone to stdout
    assert "vectors shipped, 0 embedded" in run.stderr
    assert (tmp_path / "empty-home" / "index" / "version.json").is_file()
