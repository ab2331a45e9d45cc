"""No network at run time: a subprocess with every socket connection forbidden still answers."""
from __future__ import annotations

import json
import subprocess

GUARDED_ASK = r'''
import json, socket, sys

attempts = []

def _deny(kind):
    def deny(*args, **kwargs):
        attempts.append([kind, repr(args[1:] if kind.startswith("socket.") else args)[:200]])
        raise OSError(f"network disabled by the test ({kind})")
    return deny

socket.socket.connect = _deny("socket.connect")
socket.socket.connect_ex = _deny("socket.connect_ex")
socket.socket.sendto = _deny("socket.sendto")
socket.create_connection = _deny("create_connection")
socket.getaddrinfo = _deny("getaddrinfo")
socket.gethostbyname = _deny("gethostbyname")

from assistant import Assistant
from assistant.config import Config

home = sys.argv[1]
bot = Assistant(Config(home=__import__("pathlib").Path(home), progress=False))
routed = bot.ask("第19项任务要求什么？")
searched = bot.ask("如何加强科普队伍建设？")
print(json.dumps({
    "attempts": attempts,
    "routed": routed.cited_tasks,
    "searched_refused": searched.refused,
    "searched": len(searched.citations),
    "quotes": [c.quote for c in routed.citations + searched.citations],
}, ensure_ascii=False))
'''


def test_assistant_answers_with_all_network_access_blocked(python, subprocess_env, index_home, plan, tmp_path):
    p = subprocess.run([python, "-c", GUARDED_ASK, str(index_home)], capture_output=True,
                       env=subprocess_env, cwd=tmp_path, timeout=180)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")[-3000:]
    result = json.loads(p.stdout.decode("utf-8").strip().splitlines()[-1])
    assert result["attempts"] == []
    assert result["routed"][0] == 19
    # the retrieval path (query embedding + Chroma + BM25) ran too, and quoted the plan
    assert result["searched_refused"] is False and result["searched"]
    assert result["quotes"] and all(q in plan.text for q in result["quotes"])
