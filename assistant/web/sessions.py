"""Chat sessions: conversations by id, their turns kept in the log's database."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from ..models import Answer
from ..store import Log, LogUnavailable, Turn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PastAnswer:
    """What a conversation reads of an earlier answer to resolve a follow-up (rebuilt from a stored turn,
    which keeps a list's members, not the tasks it offered as related)."""

    text: str
    cited_tasks: list[int]
    route: str

    @property
    def listed_tasks(self) -> list[int]:
        return self.cited_tasks


class Sessions:
    """Conversations by id, kept as turns in the log's database so that any process sharing it
    (same ``--log`` file, or same ``--db`` on any machine) continues a session another one started.

    Each message gets a fresh :class:`Conversation` whose history is the session's stored turns
    (idle ones expire after ``ttl`` seconds); nothing is answered again to rebuild it. The last
    turns are also kept in this process (bounded, least recently used goes first), used only when
    the database has none, i.e. when it could not be read or written.
    """

    max_turns = 6

    def __init__(self, bot, store: Log, max_sessions: int, ttl: float):
        self.bot, self.store, self.max, self.ttl = bot, store, max_sessions, ttl
        self.items: OrderedDict[str, tuple[float, list[Turn]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, session_id: str | None):
        """(session id, a Conversation holding its earlier turns); a new id when none is given."""
        session_id = session_id or uuid.uuid4().hex
        try:
            turns = self.store.turns(session_id, since=time.time() - self.ttl, limit=self.max_turns)
        except LogUnavailable as e:
            log.warning("chat turns not readable, using this process's copy: %s", e)
            turns = []
        if not turns:
            with self.lock:
                entry = self.items.get(session_id)
            if entry and time.monotonic() - entry[0] <= self.ttl:
                turns = entry[1]
        conversation = self.bot.conversation(max_turns=self.max_turns)
        for t in turns:
            conversation.history.append((t.question, t.resolved, PastAnswer(t.text, t.cited_tasks, t.route)))
        return session_id, conversation

    def record(self, session_id: str, question: str, resolved: str, answer: Answer):
        """Keep the turn here and queue it for the database; returns the store's future."""
        turn = Turn(question, resolved, answer.text, answer.listed_tasks, answer.route)
        with self.lock:
            _, turns = self.items.pop(session_id, (0.0, []))
            self.items[session_id] = (time.monotonic(), (turns + [turn])[-self.max_turns:])
            while len(self.items) > self.max:
                self.items.popitem(last=False)
        return self.store.submit_turn(session_id, turn.question, turn.resolved, turn.text, turn.cited_tasks,
                                      turn.route)

