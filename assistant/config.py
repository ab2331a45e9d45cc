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
    def synonyms(self) -> Path:
        return self.corpus_dir / "synonyms.txt"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"
