"""The language model port: chat completions from any OpenAI-compatible (or other) API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    """What a language model wrote. Token counts are the provider's, or None if it gave none."""

    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class LLM(Protocol):
    """A chat language model behind an OpenAI-compatible (or any) API."""

    model: str
    """The model name requests are sent with; also picks the prompt token counter."""

    def context_window(self) -> int | None:
        """How many tokens one request may hold, prompt and reply together: as configured,
        else as the server reports it (llama.cpp, vLLM), else None (unknown). Asked once,
        then remembered; never raises."""

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        """The model's reply to `messages`, at most `max_tokens` long.

        With `on_token`, the reply is streamed: each text delta is passed to it as it arrives,
        and the returned `Completion.text` is their concatenation. Never hangs: gives up with
        `LLMTimeout` once the configured deadline passes. Raises a `TransientError` subclass
        when a retry may succeed (timeout, connection, HTTP 429 or 5xx), a permanent
        `FootnoteError` when it cannot (credentials, a rejected request, empty or malformed
        output). Does not retry by itself: retrying is the caller's choice.
        """
