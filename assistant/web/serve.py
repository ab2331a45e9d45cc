"""Serving from the command line: ``python app.py`` / ``assistant serve`` parse their flags here and run
:func:`~assistant.web.app.create_app` under uvicorn (one process, or ``--workers N`` sharing the log),
on the wire limits of :mod:`assistant.web.httpserver`, draining on SIGTERM."""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from fastapi import FastAPI

from ..config import Config
from ..errors import AssistantError
from ..store import Log, LogUnavailable
from .app import create_app
from .settings import ServerSettings, parse_admin_keys

log = logging.getLogger(__name__)


def build_parser(prog: str = "app.py"):
    import argparse

    p = argparse.ArgumentParser(prog=prog, description="规划助手网页版与HTTP API（默认只在本机 127.0.0.1:7860 提供服务）")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--home", help="data directory (index, log); default $ASSISTANT_HOME or a per-user cache dir")
    p.add_argument("--api-key", help="require this key on /api and /v1 ($ASSISTANT_API_KEY); several, comma-separated, "
                                     "are each accepted (while a key is rotated)")
    p.add_argument("--admin-key", action="append", metavar="NAME=KEY",
                   help="a key for the review desk /admin, with the name stored beside each review (repeatable; "
                        "$ASSISTANT_ADMIN_KEYS, comma-separated; the --api-key works too, named api-key)")
    p.add_argument("--allow-origin", action="append", metavar="ORIGIN",
                   help="a site allowed to embed the widget, e.g. https://www.example.org or http://127.0.0.1:* "
                        "(repeatable; $ASSISTANT_ALLOWED_ORIGINS, comma-separated; default localhost only)")
    p.add_argument("--rate-limit", type=float,
                   help="requests a minute per client; shared by the processes using one SQLite --log (--workers N, "
                        "replicas on one machine), counted per process with --db (set the shared limit at the "
                        "reverse proxy: deploy/README.md); 0 = off ($ASSISTANT_RATE_LIMIT; default 120)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="a host name this server is reached by, e.g. qa.example.org or *.example.org (repeatable; "
                        "$ASSISTANT_ALLOWED_HOSTS, comma-separated; default the loopback names and --host); "
                        "any other Host header gets 400 (DNS rebinding)")
    p.add_argument("--trusted-proxy", action="append", metavar="IP/CIDR",
                   help="a reverse proxy whose X-Forwarded-For/-Proto is believed (repeatable; "
                        "$ASSISTANT_TRUSTED_PROXIES; default none: the client address is the socket's)")
    p.add_argument("--log", help="SQLite log file ($ASSISTANT_LOG; default <home>/log.sqlite3)")
    p.add_argument("--db", metavar="URL",
                   help="the database for the log, feedback and chat sessions instead of the SQLite file: "
                        "postgresql://USER:PASSWORD@HOST:5432/NAME ($ASSISTANT_DB); shared by every process on "
                        "every machine")
    p.add_argument("--chroma-url", help="a Chroma server holding the vectors, e.g. http://127.0.0.1:8000 "
                                        "($ASSISTANT_CHROMA_URL; default: files in the home's index folder)")
    p.add_argument("--no-ui", action="store_true", help="serve only the API and the widget (no gradio)")
    p.add_argument("--drain", type=float, metavar="SECONDS",
                   help="on SIGTERM, keep serving this long with /api/health answering 503, so a load balancer "
                        "takes this replica out before it stops ($ASSISTANT_DRAIN; default 0)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (uvicorn workers, default 1); they share the log, feedback and chat "
                        "sessions through the --log or --db database, and with the SQLite log the rate limit too "
                        "(with --db it is counted per process)")
    p.add_argument("--llm", choices=("extractive", "openai"), help="answerer ($ASSISTANT_LLM; default extractive)")
    p.add_argument("--model", help="model for --llm openai ($ASSISTANT_LLM_MODEL)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint ($OPENAI_BASE_URL)")
    return p


WORKER_ARGV = "ASSISTANT_SERVE_ARGV"  # how `--workers N` hands the command line to each worker process


def _configure(args) -> tuple[Config, ServerSettings]:
    """Config and settings from the parsed flags and the ASSISTANT_* variables (ValueError when invalid)."""
    import os

    config = Config.from_env(home=Path(args.home) if args.home else None, llm=args.llm, llm_model=args.model,
                             llm_base_url=args.base_url, chroma_url=args.chroma_url)
    settings = ServerSettings.from_env(os.environ, api_key=args.api_key, allowed_origins=args.allow_origin,
                                       rate_per_minute=args.rate_limit, allowed_hosts=args.allow_host,
                                       trusted_proxies=args.trusted_proxy,
                                       admin_keys=parse_admin_keys(args.admin_key) if args.admin_key else None,
                                       log_path=Path(args.log) if args.log else None, db_url=args.db,
                                       ui=not args.no_ui, drain=args.drain)
    if args.host not in ("0.0.0.0", "::", "") and args.host not in settings.allowed_hosts:
        settings.allowed_hosts.append(args.host)
    return config, settings


def worker_app() -> FastAPI:
    """The app of one ``--workers`` process (a uvicorn factory): the command line comes from
    ``$ASSISTANT_SERVE_ARGV``, set by :func:`main`. Every worker opens the same log database (so the
    same chat sessions) and the same index; with a SQLite log they share the rate limit (a file beside it)."""
    import os

    args = build_parser().parse_args(json.loads(os.environ[WORKER_ARGV]))
    config, settings = _configure(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app(config, settings)


def main(argv: list[str] | None = None, prog: str = "app.py") -> int:
    import os
    import sys

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # one OpenMP thread per embedding call: requests already run in parallel, and idle OpenMP
    # threads spinning for work halved throughput on 2 cores (load benchmark: 56 → 117 q/s for one client)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(prog).parse_args(argv)
    if args.workers < 1:
        print("错误：--workers 至少为 1", file=sys.stderr)
        return 2
    try:
        config, settings = _configure(args)
    except ValueError as e:
        print(f"错误：配置无效（{e}）", file=sys.stderr)
        return 2
    import uvicorn

    from .httpserver import protocol

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:  # the log first: a bad --log path is one line and exit 2, before the index is opened
        store = Log(settings.log_target(config.home))
    except LogUnavailable as e:
        print(f"错误：{e.message_zh}（{e}）", file=sys.stderr)
        return 2
    try:
        if args.workers > 1:  # each worker builds its own app (an index build is done by one, under its lock)
            store.close()
        else:
            app = create_app(config, settings, store=store)
    except AssistantError as e:
        print(f"错误：{e.message_zh}（{e}）", file=sys.stderr)
        return 1
    if args.host in ("0.0.0.0", "::") and not args.allow_host and not os.environ.get("ASSISTANT_ALLOWED_HOSTS"):
        print("注意：只接受 localhost/127.0.0.1 这样的 Host；用 --allow-host 加上对外的域名或IP。", flush=True)
    workers = f"，{args.workers} 个工作进程" if args.workers > 1 else ""
    print(f"规划助手：http://{args.host}:{args.port}/  （API 文档 /docs，挂件 /widget.js{workers}）", flush=True)
    common = dict(host=args.host, port=args.port, log_level="warning", access_log=False, server_header=False,
                  timeout_graceful_shutdown=4, proxy_headers=bool(settings.trusted_proxies),
                  forwarded_allow_ips=settings.trusted_proxies or None)
    if args.workers > 1:
        os.environ[WORKER_ARGV] = json.dumps(argv)  # the workers are new processes: they read it back
        # the protocol by import path: the workers' configuration crosses a process boundary
        uvicorn.run("assistant.web.serve:worker_app", factory=True, workers=args.workers,
                    http="assistant.web.httpserver:LimitedHttpToolsProtocol", **common)
    else:
        _draining_server()(uvicorn.Config(app, http=protocol(), **common), app, settings.drain).run()
    return 0


def _draining_server():
    """The server class, made on demand: uvicorn is imported only when serving."""
    import uvicorn

    class DrainingServer(uvicorn.Server):
        """uvicorn's server, except that the first SIGTERM (or Ctrl-C) starts ``drain`` seconds in which
        everything is still answered but ``/api/health`` says 503, then the usual graceful shutdown; a
        second signal shuts down at once."""

        def __init__(self, config, app, drain: float):
            super().__init__(config)
            self.app, self.drain = app, drain

        def handle_exit(self, sig, frame) -> None:
            if self.drain > 0 and not self.app.state.draining:
                self.app.state.draining = True
                timer = threading.Timer(self.drain, super().handle_exit, (sig, frame))
                timer.daemon = True
                timer.start()
                return
            super().handle_exit(sig, frame)

    return DrainingServer


