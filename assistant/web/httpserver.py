"""Limits on the wire: uvicorn's httptools protocol with header, request-line and time limits.

uvicorn (with httptools) takes a request line and headers of any size, and waits
for a half-sent request forever. :class:`LimitedHttpToolsProtocol` refuses, in
our JSON error shape and before the app sees anything:

- a request line over ``limits.max_request_line`` bytes: 414;
- more than ``limits.max_headers`` headers or over ``limits.max_header_bytes`` of them: 431;
- headers not complete ``limits.header_timeout`` s after the connection opened or the request
  began (slow-loris), or a body not complete ``limits.body_timeout`` s after its headers: 408;
- malformed HTTP (a bad Content-Length, both Content-Length and chunked): 400 in JSON.

The same limits behind a reverse proxy: nginx ``large_client_header_buffers 4 8k``,
``client_header_timeout 10s``, ``client_body_timeout 30s``, ``client_max_body_size 64k``.
"""
from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .guard import error_bytes


@dataclass(frozen=True)
class WireLimits:
    max_request_line: int = 8 * 1024
    max_headers: int = 100
    max_header_bytes: int = 32 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0


class _Refused(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def protocol(limits: WireLimits = WireLimits()) -> type:
    """A protocol class for ``uvicorn.Config(http=...)`` that enforces ``limits``."""
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits = WireLimits()

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._refusal: _Refused | None = None
        self._deadline = None
        self._heads = 0
        self._in_head, self._head_bytes = True, 0  # httptools holds a partial header line without callbacks
        self._arm(self.limits.header_timeout, "headers")

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._timed_out, what)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self, what: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete and self.cycle.response_started:
            return  # the app is answering (a body it already read): nothing to refuse
        if what == "idle" or (self.cycle is None and not getattr(self, "_began", False)):
            self.transport.close()  # a connection that never sent a byte: just close it
            return
        self._send_error(408, f"the request {what} did not arrive within the time limit")
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()

    def data_received(self, data: bytes) -> None:
        heads = self._heads
        super().data_received(data)
        if self._in_head and heads == self._heads and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_request_line + self.limits.max_header_bytes:
                self._send_error(431, f"request line and headers over "
                                      f"{self.limits.max_request_line + self.limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._began, self._header_bytes, self._header_count = True, 0, 0
        self._in_head, self._head_bytes = True, 0
        self._arm(self.limits.header_timeout, "headers")

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_request_line:
            raise self._refuse(414, f"request line over {self.limits.max_request_line} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        self._header_count += 1
        if self._header_count > self.limits.max_headers:
            raise self._refuse(431, f"more than {self.limits.max_headers} headers")
        if self._header_bytes > self.limits.max_header_bytes:
            raise self._refuse(431, f"headers over {self.limits.max_header_bytes} bytes")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes, self._heads = False, 0, self._heads + 1
        self._arm(self.limits.body_timeout, "body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self._began = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._began and not self.transport.is_closing():
            self._disarm()  # uvicorn's keep-alive timeout closes an idle connection

    def _refuse(self, status: int, detail: str) -> _Refused:
        self._refusal = _Refused(status, detail)
        return self._refusal

    def send_400_response(self, msg: str) -> None:
        refusal, self._refusal = self._refusal, None
        if refusal is not None:
            self._send_error(refusal.status, refusal.detail)
        else:
            self._send_error(400, "malformed HTTP request (" + msg.rstrip(".") + ")")

    def _send_error(self, status: int, detail: str) -> None:
        body = error_bytes("", status, detail=detail)
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                "content-type: application/json; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("ascii")
        self._disarm()
        self.transport.write(head + body)
        self.transport.close()
