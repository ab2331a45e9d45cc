"""Configuration: one object, built at the edge (CLI, web) and passed down."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """A bundled folder: inside the installed wheel, else beside the package (a checkout)."""
    inside = PACKAGE_DIR / name
    return inside if inside.exists() else PACKAGE_DIR.parent / name


def default_home() -> Path:
    """The data directory: $ASSISTANT_HOME, else a per-user cache dir."""
    env = os.environ.get("ASSISTANT_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("guihua-assistant"))


def chroma_address(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL.

    >>> chroma_address("http://127.0.0.1:8000"), chroma_address("https://chroma.example.org")
    (('127.0.0.1', 8000, False), ('chroma.example.org', 443, True))
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"chroma_url must be http://HOST:PORT or https://HOST[:PORT], not {url!r}")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl


@dataclass
class Config:
    """Everything the library needs to know; nothing below reads the environment."""

    home: Path = field(default_factory=default_home)
    corpus_dir: Path = field(default_factory=lambda: _bundled("corpus"))
    eval_dir: Path = field(default_factory=lambda: _bundled("eval"))
    stopwords: Path = PACKAGE_DIR / "data" / "stopwords.txt"
    max_question_chars: int = 500
    top_k: int = 5
    progress: bool | None = None  # None: show a bar only on a terminal
    llm: str = "extractive"  # "extractive" | "openai" (any OpenAI-compatible endpoint)
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0
    llm_max_retries: int = 1
    min_grounded: float = 0.5  # below this share of verified sentences, fall back to the extractive answer
    plan_id: str | None = None  # an added plan (`assistant plans add`) to answer from instead of the bundled one
    plans: tuple[str, ...] | None = None  # plans served together: "bundled" and added ids; None: all of them
    default_plan: str | None = None  # the plan a question that names none goes to; None: the bundled plan
    max_plan_bytes: int = 200 * 1024 * 1024  # `assistant plans add` refuses larger files before reading them
    chroma_url: str | None = None  # a Chroma server (``chroma run``), e.g. http://127.0.0.1:8000; None: in <home>

    def __post_init__(self):
        if self.llm not in ("extractive", "openai"):
            raise ValueError("llm must be either 'extractive' or 'openai'")
        if self.chroma_url is not None:
            chroma_address(self.chroma_url)  # fails early on a malformed URL

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Config":
        """Settings from ASSISTANT_LLM, OPENAI_BASE_URL, OPENAI_API_KEY, ASSISTANT_LLM_MODEL,
        ASSISTANT_LLM_TIMEOUT, ASSISTANT_LLM_RETRIES, ASSISTANT_CHROMA_URL, ASSISTANT_PLANS (ids separated by commas),
        ASSISTANT_DEFAULT_PLAN (the CLI and web layer call this; the library never reads the environment)."""
        env = os.environ if env is None else env
        values = {
            "llm": env.get("ASSISTANT_LLM", "extractive"),
            "llm_base_url": env.get("OPENAI_BASE_URL"),
            "llm_api_key": env.get("OPENAI_API_KEY"),
            "llm_model": env.get("ASSISTANT_LLM_MODEL", "gpt-4o-mini"),
            "llm_timeout": float(env.get("ASSISTANT_LLM_TIMEOUT", "30")),
            "llm_max_retries": int(env.get("ASSISTANT_LLM_RETRIES", "1")),
            "chroma_url": env.get("ASSISTANT_CHROMA_URL") or None,
            "plans": tuple(p.strip() for p in env["ASSISTANT_PLANS"].split(",") if p.strip())
            if env.get("ASSISTANT_PLANS") else None,
            "default_plan": env.get("ASSISTANT_DEFAULT_PLAN") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def prompts_dir(self) -> Path:
        return _bundled("prompts")

    @property
    def corpus_path(self) -> Path:
        return self.corpus_dir / "plan.txt"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.json"

    @property
    def userdict(self) -> Path:
        return self.corpus_dir / "userdict.txt"

    @property
    def reader_questions(self) -> Path:
        return self.corpus_dir / "reader_questions.jsonl"

    @property
    def synonyms(self) -> Path:
        return self.corpus_dir / "synonyms.txt"

    @property
    def index_dir(self) -> Path:
        """<home>/index for the bundled plan; an added plan's index lives in its own folder."""
        return self.home / "index" if self.plan_id is None else self.corpus_dir / "index"

    @property
    def collections(self) -> tuple[str, str]:
        """The Chroma collections (passages, reader questions): one pair per plan, as a server may hold several.

        >>> Config(home=Path("/h")).collections, Config(home=Path("/h")).for_plan("江临").collections
        (('plan_passages', 'reader_questions'), ('plan_bb293188dc98_passages', 'plan_bb293188dc98_questions'))
        """
        if self.plan_id is None:
            return "plan_passages", "reader_questions"
        import hashlib

        tag = hashlib.sha256(self.plan_id.encode("utf-8")).hexdigest()[:12]  # Chroma names are ASCII only
        return f"plan_{tag}_passages", f"plan_{tag}_questions"

    def for_plan(self, plan_id: str | None) -> "Config":
        """This configuration answering from the added plan ``plan_id`` (stored in <home>/plans/<id>)."""
        from dataclasses import replace

        if plan_id is None:
            return self
        return replace(self, plan_id=plan_id, corpus_dir=self.home / "plans" / plan_id)
