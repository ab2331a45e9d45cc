"""A real uvicorn server on 127.0.0.1 (a free port) in a background thread, for the HTTP tests."""
from __future__ import annotations

import socket
import threading
import time

import uvicorn

from assistant.web.httpserver import WireLimits, protocol


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app, port: int | None = None, limits: WireLimits = WireLimits()):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                lifespan="on", http=protocol(limits), server_header=False,
                                proxy_headers=False)  # as app.py runs it: no --trusted-proxy
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
