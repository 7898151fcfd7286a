"""A model's reply on its way to the reader: guarded, then citation-checked, then streamed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.answering.citations import CitationStream
from indexer.answering.guard import OutputGuard, Trip
from indexer.answering.prompt import SENTINEL, SYSTEM_PROMPT
from indexer.ports import Completion


@dataclass(frozen=True)
class CheckedReply:
    """The reply as the reader may see it. `tripped` says why it must not be shown at all."""

    text: str
    order: tuple[int, ...]
    removed: tuple[str, ...]
    tripped: Trip | None


class ReplyChecker:
    """Feed it the reply's deltas; `on_token` receives only text that is final and safe."""

    def __init__(self, supplied: int, on_token: Callable[[str], None] | None = None) -> None:
        self._guard = OutputGuard(SYSTEM_PROMPT, SENTINEL)
        self._citations = CitationStream(supplied)
        self._on_token = on_token

    def feed(self, delta: str) -> None:
        self._send(self._citations.feed(self._guard.feed(delta)))

    def finish(self) -> CheckedReply:
        rest = self._guard.finish()
        if self._guard.tripped:
            return CheckedReply("", (), (), self._guard.tripped)
        self._send(self._citations.feed(rest))
        tail, checked = self._citations.finish()
        self._send(tail)
        return CheckedReply(checked.text, checked.order, checked.removed, None)

    def _send(self, text: str) -> None:
        if text and self._on_token is not None:
            self._on_token(text)


def usage_of(completion: Completion, prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    """The provider's counts where it gave them, ours otherwise."""
    return {
        "prompt_tokens": completion.prompt_tokens
        if completion.prompt_tokens is not None
        else prompt_tokens,
        "completion_tokens": completion.completion_tokens
        if completion.completion_tokens is not None
        else completion_tokens,
    }
