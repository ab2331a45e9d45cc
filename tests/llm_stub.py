"""A scripted OpenAI-compatible chat server on 127.0.0.1 for the LLM tests.

``StubLLM.script(kind, text)`` sets what the next requests get:
"reply" (a normal reply, streamed when the client asks for a stream), "slow"
(the reply after ``delay`` seconds), "status" (an HTTP error with ``status``),
"garbage" (a 200 whose body is not JSON / not SSE JSON). ``StubLLM.enqueue(kind, text)`` adds
one-off replies that the next requests get first, in order, before the scripted one.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubLLM:
    def __init__(self):
        self.kind, self.text, self.status, self.delay = "reply", "", 200, 0.0
        self.requests: list[dict] = []
        self.queue: list[tuple[str, str, int, float]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stub.requests.append(body)
                kind, text, status, delay = stub.queue.pop(0) if stub.queue else (
                    stub.kind, stub.text, stub.status, stub.delay)
                if kind == "status":
                    self._send(status, json.dumps({"error": {"message": "scripted", "type": "x"}}))
                    return
                if kind == "slow":
                    time.sleep(delay)
                if kind == "garbage":
                    self._send(200, "<html>this is not json", "text/html")
                    return
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for i in range(0, len(text), 7):
                        self._event({"choices": [{"index": 0, "delta": {"content": text[i:i + 7]}}]})
                    self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                    self.wfile.write(b"data: [DONE]\n\n")
                    return
                self._send(200, json.dumps({
                    "id": "stub", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}))

            def _event(self, payload):
                payload.update({"id": "stub", "object": "chat.completion.chunk", "created": 0, "model": "stub"})
                self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

            def _send(self, status, text, ctype="application/json"):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, kind: str, text: str = "", status: int = 200, delay: float = 0.0):
        self.kind, self.text, self.status, self.delay = kind, text, status, delay
        self.queue.clear()

    def enqueue(self, kind: str, text: str = "", status: int = 200, delay: float = 0.0):
        self.queue.append((kind, text, status, delay))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
