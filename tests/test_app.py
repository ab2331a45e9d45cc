"""The README's main command: ``python app.py`` starts the UI and the API on 127.0.0.1."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from live_server import free_port

REPO = Path(__file__).resolve().parents[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc/net/tcp{,6})."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                found.add(addr)
    return found


def test_app_py_serves_ui_and_api_on_loopback(subprocess_env, tmp_path):
    port = free_port()
    env = {**subprocess_env, "ASSISTANT_LOG": str(tmp_path / "log.sqlite3")}
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "app.py did not start"
            time.sleep(0.3)
        page = httpx.get(url + "/", timeout=10)
        assert page.status_code == 200 and "规划助手" in page.text and "gradio" in page.text.lower()
        a = httpx.post(url + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=30).json()
        assert a["cited_tasks"][0] == 19
        if Path("/proc/net/tcp").exists():
            assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    import sqlite3

    rows = sqlite3.connect(tmp_path / "log.sqlite3").execute("SELECT question FROM answers").fetchall()
    assert rows == [("第19项任务要求什么？",)]  # written before the process ended
